#pragma once
// The Bundle a transaction or batch answers with (type transaction-response or batch-response):
// one entry per request entry, in the same order, each with its response (status, location,
// etag, lastModified, and an OperationOutcome for a failed batch entry) and, when asked for,
// the resource as stored.
//
// Thread safety: pure functions.
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/store_records.hpp"

namespace gateway::api {

struct bundle_entry_answer {
  std::string status;         // "201 Created", "404 Not Found" (Bundle.entry.response.status)
  std::string full_url;       // absolute URL of the resource, or ""
  std::string location;       // "ServiceRequest/1/_history/1", or ""
  std::string etag;           // W/"1", or ""
  std::string last_modified;  // FHIR instant, or ""
  std::string resource_json;  // the resource (raw JSON object), or ""
  std::string outcome_json;   // an OperationOutcome (raw JSON object), or ""
};

// "201 Created" from 201.
std::string status_text(unsigned status);

// The answer for a stored resource: status, fullUrl base/Type/id, location Type/id/_history/v,
// etag, lastModified, and the resource when `with_resource`.
bundle_entry_answer answer_for_record(const core::resource_record& record, unsigned status, const std::string& base_url,
                                      bool with_resource);

// `type` is "transaction-response" or "batch-response".
std::string bundle_response_json(std::string_view type, const std::vector<bundle_entry_answer>& entries);

}  // namespace gateway::api
