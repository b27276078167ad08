#include "gateway/api/conditional_request.hpp"

#include <charconv>

#include "gateway/api/route_table.hpp"

namespace gateway::api {

std::variant<std::optional<std::int64_t>, api_error> read_if_match(std::string_view header) {
  if (header.empty()) return std::optional<std::int64_t>();
  if (header.starts_with("W/")) header.remove_prefix(2);
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"') header = header.substr(1, header.size() - 2);
  std::int64_t version = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), version);
  if (ec == std::errc() && end == header.data() + header.size() && !header.empty() && version > 0) {
    return std::optional<std::int64_t>(version);
  }
  return api_error::single(400, fhir::issue_code::invalid, "If-Match must name a version as the ETag does: W/\"n\"");
}

std::optional<core::identifier> if_none_exist_identifier(std::string_view criteria) {
  const auto query = parse_query(criteria);
  if (query.size() != 1 || query[0].name != "identifier") return std::nullopt;
  const auto bar = query[0].value.find('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 == query[0].value.size()) return std::nullopt;
  return core::identifier{query[0].value.substr(0, bar), query[0].value.substr(bar + 1)};
}

}  // namespace gateway::api
