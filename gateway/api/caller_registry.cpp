#include "gateway/api/caller_registry.hpp"

#include <algorithm>

namespace gateway::api {

caller_registry::caller_registry(std::vector<config::caller> callers) : callers_(std::move(callers)) {}

std::optional<caller> caller_registry::find(const net::peer_identity& peer) const {
  if (!peer.present) return std::nullopt;
  for (const auto& c : callers_) {
    bool match = false;
    if (!c.sha256.empty()) {
      match = c.sha256 == peer.sha256;
    } else {
      match = std::all_of(c.subject.begin(), c.subject.end(), [&](const auto& wanted) {
        return std::find(peer.subject.begin(), peer.subject.end(), wanted) != peer.subject.end();
      });
    }
    if (match) {
      return caller{c.name,
                    c.role == config::caller_role::platform ? core::caller_role::platform : core::caller_role::referrer,
                    c.organization};
    }
  }
  return std::nullopt;
}

}  // namespace gateway::api
