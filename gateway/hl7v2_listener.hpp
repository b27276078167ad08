#pragma once
// The HL7 v2 front door's wiring (configuration "mllp"): who may send (client certificates as for
// HTTPS, or mllp.senders without TLS), the MLLP front door (api/hl7v2/mllp_front_door.hpp) on the
// referral-create use case (api/hl7v2/service_referral_port.hpp), and its listener on the server.
// main() builds it after the application has started (the services exist) and keeps it until the
// server has drained.
#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "gateway/api/caller_registry.hpp"
#include "gateway/api/hl7v2/mllp_front_door.hpp"
#include "gateway/api/hl7v2/sender_identity.hpp"
#include "gateway/api/hl7v2/service_referral_port.hpp"
#include "gateway/config/gateway_config.hpp"

namespace gateway::net {
class server;
class tls_context_slot;
}  // namespace gateway::net

namespace gateway {

class hl7v2_listener {
 public:
  // `base_url`: the FHIR base URL of the HTTPS listener (named in what the use case records).
  hl7v2_listener(const config::gateway_config& config, const app::services& services,
                 const api::caller_registry& callers, boost::asio::any_io_executor executor, std::string base_url);

  // Adds the MLLP listener (with `tls` when mllp.tls); the bound port, or why it failed.
  std::variant<std::uint16_t, std::string> listen(net::server& server, std::shared_ptr<net::tls_context_slot> tls);

 private:
  const config::mllp_listener& settings_;
  api::hl7v2::service_referral_port port_;
  api::hl7v2::sender_identity senders_;
  api::hl7v2::mllp_front_door door_;
};

}  // namespace gateway
