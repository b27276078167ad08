#include "gateway/api/if_match.hpp"

#include <charconv>

#include "gateway/api/resource_answer.hpp"
#include "gateway/core/store_errc.hpp"

namespace gateway::api {

if_match parse_if_match(std::string_view header) {
  if_match out;
  if (header.empty()) return out;
  out.present = true;
  if (header.starts_with("W/")) header.remove_prefix(2);
  if (header.size() >= 2 && header.front() == '"' && header.back() == '"') header = header.substr(1, header.size() - 2);
  std::int64_t version = 0;
  const auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), version);
  if (ec == std::errc() && end == header.data() + header.size() && !header.empty() && version > 0)
    out.version = version;
  return out;
}

std::optional<api_error> malformed_if_match(const if_match& wanted) {
  if (!wanted.present || wanted.version) return std::nullopt;
  return api_error::single(400, fhir::issue_code::invalid, "If-Match must name a version as the ETag does: W/\"n\"");
}

std::optional<api_error> stale_if_match(const if_match& wanted, std::int64_t current) {
  if (!wanted.version || *wanted.version == current) return std::nullopt;
  return error_from_store(core::store_errc::version_conflict);
}

}  // namespace gateway::api
