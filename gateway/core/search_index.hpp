#pragma once
// The search index entries the store keeps for a resource (store_records.hpp: index_entry). The
// core decides what is searchable; the store only matches values exactly and sorts them as text.
//
// Encoding (values are matched exactly, so each token is indexed in every form a query uses):
//   tokens (identifier, business-status, code): "system|value" and "value"; except codings of the
//     platform business-status system: "system|code" only
//   references: the reference as stored ("Patient/123"); organisations given by ODS identifier
//     (requester, owner) also as "https://fhir.nhs.uk/Id/ods-organization-code|CODE" (only that
//     form)
// Fewer rows per resource is fewer B-tree inserts on the store's single writer; a search asks for
// the forms a value may be stored in through index_query_values. (Databases written before this
// encoding also hold the bare forms and the Task "priority" rows; the queries still match them.)
//   dates: a dateTime as a UTC instant "YYYY-MM-DDThh:mm:ssZ" (sorts as text); a date as is
//   priority-rank: "0" stat, "1" asap, "2" urgent, "3" routine (missing priority = routine), so
//     `_sort=priority-rank` gives the most urgent first
//
// Parameters:
//   ServiceRequest: identifier, patient, status, intent, requester, authored
//   Task: identifier, based-on, focus, patient, status, business-status, owner, requester,
//         priority-rank (also what a `priority` search matches), authored-on, modified
//   Observation, QuestionnaireResponse, DocumentReference: identifier, based-on (the referral's
//         ServiceRequest, see outcome_link.hpp), patient, status; Observation also code
//   anything else: nothing.
//
// Paired keys (search_pairs.hpp): a Task also has one "status+priority-rank" row whose value is
// its status, the separator '\x1f', then its priority rank ("requested\x1f2"). The platform's work
// queue, `Task?status=requested&_sort=priority`, then reads one index range already in its order
// (most urgent first, and within a priority the Task created first first) instead of looking up and
// sorting every waiting Task per request. Both parts are single-valued (one status, one rank per
// Task), so each Task has exactly one paired row. ServiceRequests and Tasks also have one
// "_owner+status" row, "<owner>\x1f<status>", so a referrer's total by status counts one index
// range. Databases written before hold none; the stores' migrations add them.
//
// Thread safety: pure function.

#include "gateway/core/store_records.hpp"  // index_entry, defined by the store port

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

namespace gateway::core {

// owner_org: the organisation the store keeps the resource under (resource_write::owner_org), for
// the owner-paired rows (search_pairs.hpp); required, so no write can leave them out.
std::vector<index_entry> search_index_entries(const rapidjson::Value& resource, std::string_view owner_org);

// The index values a search criterion on `index_param` must match for the searched `values` (as
// the API translated them: "system|value", "value", "Type/id"): a bare business-status code also
// as "business-status-system|code", a bare owner/requester value also as the ODS token, and a
// priority code ("urgent") as its rank ("2"; an unknown code as "", which nothing matches).
std::vector<std::string> index_query_values(std::string_view index_param, std::vector<std::string> values);

}  // namespace gateway::core
