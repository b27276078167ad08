#include "gateway/app_routes.hpp"

namespace gateway {

app_routes::app_routes(const config::gateway_config& config, api::route_table& routes, api::ops_api& ops)
    : config_(config), routes_(routes), ops_(ops) {}

app_routes::~app_routes() = default;

std::string app_routes::start(net::server&) {
  ops_.add_readiness_check("fhir", [] { return std::string(); });
  return {};
}

void app_routes::stop() {}

}  // namespace gateway
