#pragma once
// The search index entries the store keeps for a resource (store_records.hpp: index_entry). The
// core decides what is searchable; the store only matches values exactly and sorts them as text.
//
// Encoding (values are matched exactly, so each token is indexed in every form a query uses):
//   tokens (identifier, business-status, code): "system|value" and "value"
//   references: the reference as stored ("Patient/123"); organisations given by ODS identifier
//     (requester, owner) also as "https://fhir.nhs.uk/Id/ods-organization-code|CODE" and "CODE"
//   dates: a dateTime as a UTC instant "YYYY-MM-DDThh:mm:ssZ" (sorts as text); a date as is
//   priority-rank: "0" stat, "1" asap, "2" urgent, "3" routine (missing priority = routine), so
//     `_sort=priority-rank` gives the most urgent first
//
// Parameters:
//   ServiceRequest: identifier, patient, status, intent, requester, authored
//   Task: identifier, based-on, focus, patient, status, business-status, owner, requester,
//         priority, priority-rank, authored-on, modified
//   Observation, QuestionnaireResponse, DocumentReference: identifier, based-on (the referral's
//         ServiceRequest, see outcome_link.hpp), patient, status; Observation also code
//   anything else: nothing.
//
// Thread safety: pure function.

#include "gateway/core/store_records.hpp" // index_entry, defined by the store port

#include <rapidjson/document.h>

#include <vector>

namespace gateway::core {

std::vector<index_entry> search_index_entries(const rapidjson::Value& resource);

} // namespace gateway::core
