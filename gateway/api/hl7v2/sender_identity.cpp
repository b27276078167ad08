#include "gateway/api/hl7v2/sender_identity.hpp"

#include <algorithm>

namespace gateway::api::hl7v2 {

sender_identity::sender_identity(const caller_registry* certificates, std::vector<sender_rule> rules,
                                 const std::vector<config::caller>& callers)
    : certificates_(certificates), rules_(std::move(rules)) {
  for (const sender_rule& r : rules_) {
    caller c;
    const auto it =
        std::find_if(callers.begin(), callers.end(), [&](const config::caller& k) { return k.name == r.caller; });
    if (it != callers.end()) {
      c = caller{it->name,
                 it->role == config::caller_role::platform ? core::caller_role::platform : core::caller_role::referrer,
                 it->organization};
    }
    by_rule_.push_back(std::move(c));
  }
}

std::optional<caller> sender_identity::identify(const net::peer_identity& peer, std::string_view facility,
                                                std::string_view remote_address) const {
  if (peer.present) return certificates_ ? certificates_->find(peer) : std::nullopt;
  if (facility.empty()) return std::nullopt;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const sender_rule& r = rules_[i];
    if (r.facility != facility || by_rule_[i].name.empty()) continue;
    if (std::find(r.addresses.begin(), r.addresses.end(), remote_address) != r.addresses.end()) return by_rule_[i];
  }
  return std::nullopt;
}

}  // namespace gateway::api::hl7v2
