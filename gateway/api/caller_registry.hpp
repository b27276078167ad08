#pragma once
// Maps a verified client certificate to a configured caller (by SHA-256 fingerprint, or by
// subject: every attribute configured must be present with that value). Immutable after
// construction; safe to use from any thread.
#include <optional>
#include <vector>

#include "gateway/api/caller.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

class caller_registry {
 public:
  explicit caller_registry(std::vector<config::caller> callers);
  std::optional<caller> find(const net::peer_identity& peer) const;

 private:
  std::vector<config::caller> callers_;
};

}  // namespace gateway::api
