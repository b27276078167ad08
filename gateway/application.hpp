#pragma once
// The application's wiring: opens the store, loads the triage rules, builds the use-case services
// (gateway/app) over them, registers every FHIR route, operator route (/ops) and readiness check, and starts background
// work (the outbox dispatcher, outbox_service.hpp). main() creates it, starts it before
// listening, and stops it after the server has drained. A new front door is wired here too: it
// gets services() and calls them.
#include <memory>
#include <string>

#include "gateway/api/ops_api.hpp"
#include "gateway/api/ops_route_table.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/config/gateway_config.hpp"

namespace gateway::net {
class server;
}
namespace gateway::app {
struct context;
struct services;
}  // namespace gateway::app
namespace gateway::telemetry {
class metrics;
}

namespace gateway {

class application {
 public:
  application(const config::gateway_config& config, api::route_table& routes, api::ops_route_table& ops_routes,
              api::ops_api& ops, telemetry::metrics& metrics);
  ~application();
  application(const application&) = delete;
  application& operator=(const application&) = delete;

  // Opens what the routes need and registers them; returns a message when something failed
  // (naming the configuration key concerned).
  std::string start(net::server& server);
  void stop();

  // The use cases every front door calls; valid between a successful start() and stop().
  const app::services& services() const;
  // The use cases' context (store, audit path); the FHIR front door audits its refusals with it.
  const app::context& use_case_context() const;

 private:
  struct parts;
  const config::gateway_config& config_;
  api::route_table& routes_;
  api::ops_route_table& ops_routes_;
  api::ops_api& ops_;
  telemetry::metrics& metrics_;
  std::unique_ptr<parts> parts_;
};

}  // namespace gateway
