#pragma once
// The answer to a search: an R4 Bundle of type searchset with total, self and next links, one
// entry per match (fullUrl, resource, search.mode "match") and, when the search has something to
// say (parameters ignored, _count clamped), an OperationOutcome entry with search.mode "outcome".
//
// Thread safety: pure functions.
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/outcome.hpp"
#include "gateway/api/api_request.hpp"
#include "gateway/app/refusal.hpp"

namespace gateway::api {

struct search_match {
  std::string full_url;
  std::string json;  // the resource, a JSON object as stored
};

struct searchset {
  std::int64_t total = -1;  // omitted when negative
  std::string self_url;
  std::optional<std::string> next_url;
  std::vector<search_match> matches;
  fhir::outcome notes;  // issues about the search itself; no entry when empty
};

std::string searchset_json(const searchset& bundle);

// base/Type?name=value&... with names and values percent-encoded, and `cursor` (when set) as the
// _cursor parameter last.
std::string search_url(std::string_view base_url, std::string_view type, const std::vector<query_param>& params,
                       const std::optional<std::string>& cursor);

// Percent-encodes everything but unreserved characters and ",:/" (kept for readable links).
std::string encode_query_component(std::string_view text);

// The notes of a lenient search: a warning per ignored parameter and, when _count was clamped,
// an information issue.
fhir::outcome search_notes(const std::vector<std::string>& ignored, std::optional<std::size_t> requested_count,
                           std::size_t count);

// The 400 of a strict search: an error per ignored parameter.
fhir::outcome strict_refusal(const std::vector<std::string>& ignored);

// A failed store search as an answer: a cursor the store does not recognise (the caller edited
// or reused a next link) is the caller's 400; anything else maps as every store error does.
app::refusal search_store_error(const boost::system::error_code& ec, bool had_cursor);

}  // namespace gateway::api
