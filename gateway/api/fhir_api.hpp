#pragma once
// The FHIR REST front door (implements net::http_handler): request id, routing (404/405),
// content negotiation (406/415), caller identification (401/403), the route's handler, then
// the access log line and request metrics. Requests under /ops go to the operator routes
// (ops_gate.hpp). Every refusal made here is audited before it is answered (the handlers audit
// what they serve). Thread-safe: all state is immutable or atomic.
#include <string>

#include "gateway/api/caller_registry.hpp"
#include "gateway/api/ops_route_table.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::telemetry {
class metrics;
}

namespace gateway::app {
struct context;
}

namespace gateway::api {

class fhir_api final : public net::http_handler {
 public:
  // Every reference must outlive this object; the route tables must not change once requests
  // arrive. `audit` is the use cases' context, through which refusals are audited.
  fhir_api(std::string base_path, const route_table& routes, const ops_route_table& ops_routes,
           const caller_registry& callers, const app::context& audit, telemetry::metrics& metrics);

  boost::asio::awaitable<net::http_response> handle(net::http_request request, net::request_context context) override;
  net::http_response fault_response(net::request_fault fault, const net::request_context& context) override;

 private:
  // The route `head` (a request line and headers) is for; nullptr when none matches.
  const route* route_of(const net::http_request& head) const;

  std::string base_path_;
  const route_table& routes_;
  const ops_route_table& ops_routes_;
  const caller_registry& callers_;
  const app::context& audit_;
  telemetry::metrics& metrics_;
};

// A request id from the client's X-Request-ID if it is safe to echo and log (1-128 characters
// of [A-Za-z0-9._:-]), otherwise a new random UUID.
std::string request_id_for(std::string_view client_value);

}  // namespace gateway::api
