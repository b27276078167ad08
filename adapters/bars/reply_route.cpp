#include "adapters/bars/reply_route.hpp"

#include <algorithm>

namespace gateway::bars {
namespace {

// An https URL, not a "system|value" target identifier with an https system ('|' is not allowed
// in a URL unencoded, RFC 3986).
bool is_url(std::string_view text) {
  return text.starts_with("https://") && text.find('|') == std::string_view::npos;
}

}  // namespace

reply_route route_reply(const referrer_routing& referrer, std::string_view source_endpoint) {
  reply_route out;
  out.url = referrer.endpoint;
  const auto& allowed = referrer.allowed_source_endpoints;
  if (is_url(source_endpoint) && std::find(allowed.begin(), allowed.end(), source_endpoint) != allowed.end()) {
    out.url = std::string(source_endpoint);
    out.source_endpoint_used = true;
  }
  if (const auto named = is_url(source_endpoint) ? std::nullopt : parse_endpoint_identifier(source_endpoint)) {
    for (const auto& a : allowed) {
      const auto allowed_id = parse_endpoint_identifier(a);
      if (allowed_id && same_service(*allowed_id, *named)) {
        out.target = *named;
        out.source_endpoint_used = true;
        break;
      }
    }
  }
  if (!out.target && !referrer.target_identifier.empty())
    out.target = parse_endpoint_identifier(referrer.target_identifier);
  return out;
}

bool url_allowed(const referrer_routing& referrer, std::string_view url) {
  if (url.empty()) return false;
  if (url == referrer.endpoint) return true;
  const auto& allowed = referrer.allowed_source_endpoints;
  return is_url(url) && std::find(allowed.begin(), allowed.end(), url) != allowed.end();
}

}  // namespace gateway::bars
