#include "gateway/hl7v2_listener.hpp"

#include "gateway/net/server.hpp"

namespace gateway {
namespace {

std::vector<api::hl7v2::sender_rule> rules_of(const config::mllp_listener& m) {
  std::vector<api::hl7v2::sender_rule> rules;
  for (const auto& s : m.senders) rules.push_back({s.facility, s.addresses, s.caller});
  return rules;
}

}  // namespace

hl7v2_listener::hl7v2_listener(const config::gateway_config& config, const app::services& services,
                               const api::caller_registry& callers, boost::asio::any_io_executor executor,
                               std::string base_url)
    : settings_(config.mllp),
      port_(services, std::move(executor), std::move(base_url)),
      senders_(&callers, rules_of(config.mllp), config.callers),
      door_(port_, senders_, gateway::hl7v2::parse_limits{}) {}

std::variant<std::uint16_t, std::string> hl7v2_listener::listen(net::server& server,
                                                                std::shared_ptr<net::tls_context_slot> tls) {
  net::listener_spec spec;
  spec.name = "mllp";
  spec.address = settings_.address;
  spec.port = settings_.port;
  if (settings_.tls) spec.tls = std::move(tls);
  spec.mllp = &door_;
  spec.mllp_bounds = {settings_.max_frame_bytes, settings_.read_timeout, settings_.idle_timeout,
                      settings_.write_timeout};
  return server.add_listener(std::move(spec));
}

}  // namespace gateway
