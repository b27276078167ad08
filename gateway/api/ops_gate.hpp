#pragma once
// The operator routes' door on the mutual-TLS listener: fhir_api hands it every request under
// /ops. It lets in only callers of role operator or platform (401 without a certificate, 403
// otherwise), refuses cross-site state changes (a browser holding an operator certificate must
// not be driven by another site: a POST whose Origin is not this listener's, or whose
// Sec-Fetch-Site is not same-origin, answers 403), then runs the route (ops_route_table.hpp) and
// audits the access. Answers are JSON ({"error": ...} on refusals).
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "gateway/api/caller.hpp"
#include "gateway/api/ops_route_table.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::app {
struct context;
}

namespace gateway::api {

inline constexpr std::string_view ops_prefix = "/ops";

// True when `path` is /ops or below it.
bool is_ops_path(std::string_view path);

struct ops_call {
  const net::http_request& http;
  std::string_view path;   // below /ops
  std::string_view query;  // after '?', undecoded
  std::optional<caller> who;
  bool certificate_present = false;
  app::request_meta meta;
};

// `route_name` is set to the matched pattern (for logs and metrics).
boost::asio::awaitable<net::http_response> serve_ops(const ops_route_table& routes, const app::context& audit,
                                                     ops_call call, std::string& route_name);

// The cross-site rule for state-changing requests, on their headers alone: Sec-Fetch-Site, when
// present, must be same-origin or none (typed by the user); Origin, when present, must be
// https://<Host>. Empty when allowed, else why not.
std::string cross_site_refusal(const net::http_request& request);

}  // namespace gateway::api
