#pragma once
// The application behind the FHIR routes: owns the components that later issues add (store,
// validator, dispatcher) and registers their routes. main() creates it, starts it, and stops it
// after the server has drained.
#include <string>

#include "gateway/api/ops_api.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/config/gateway_config.hpp"

namespace gateway::net {
class server;
}

namespace gateway {

class app_routes {
 public:
  app_routes(const config::gateway_config& config, api::route_table& routes, api::ops_api& ops);
  ~app_routes();
  app_routes(const app_routes&) = delete;
  app_routes& operator=(const app_routes&) = delete;

  // Opens what the routes need and registers them; returns a message when something failed.
  std::string start(net::server& server);
  void stop();

 private:
  const config::gateway_config& config_;
  api::route_table& routes_;
  api::ops_api& ops_;
};

}  // namespace gateway
