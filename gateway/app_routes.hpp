#pragma once
// The application behind the FHIR routes: opens the store, loads the triage rules, registers
// every FHIR route and readiness check, and starts background work (the outbox dispatcher).
// main() creates it, starts it before listening, and stops it after the server has drained.
#include <memory>
#include <string>

#include "gateway/api/app_context.hpp"
#include "gateway/api/ops_api.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/config/gateway_config.hpp"

namespace gateway::net {
class server;
}
namespace gateway::core {
struct triage_rules;
}
namespace gateway::telemetry {
class metrics;
}

namespace gateway {

class app_routes {
 public:
  app_routes(const config::gateway_config& config, api::route_table& routes, api::ops_api& ops,
             telemetry::metrics& metrics);
  ~app_routes();
  app_routes(const app_routes&) = delete;
  app_routes& operator=(const app_routes&) = delete;

  // Opens what the routes need and registers them; returns a message when something failed
  // (naming the configuration key concerned).
  std::string start(net::server& server);
  void stop();

 private:
  struct parts;
  const config::gateway_config& config_;
  api::route_table& routes_;
  api::ops_api& ops_;
  telemetry::metrics& metrics_;
  std::unique_ptr<parts> parts_;
};

}  // namespace gateway
