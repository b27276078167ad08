#pragma once
// Maps a verified client certificate to a configured caller: by its issuer and subject
// distinguished names, both exactly (RFC 4514 normal form, gateway/config/distinguished_name.hpp),
// or by its SHA-256 fingerprint (and then also by issuer and subject when the caller names them).
// Configuration guarantees at most one caller can match a certificate (check_gateway_config);
// should two match anyway, the certificate is refused rather than given the first one's rights.
// Immutable after construction; safe to use from any thread.
#include <optional>
#include <vector>

#include "gateway/api/caller.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

// A certificate name in normal form; nullopt when an attribute is not text (such a name matches
// no configured caller).
std::optional<config::distinguished_name> certificate_name(const std::vector<net::name_attribute>& attributes);

// The audit name of a peer no configured caller matches: its certificate's fingerprint, or none
// (empty name and organisation: recorded as "unidentified").
caller unidentified_caller(const net::peer_identity& peer);

class caller_registry {
 public:
  explicit caller_registry(std::vector<config::caller> callers);
  std::optional<caller> find(const net::peer_identity& peer) const;

 private:
  std::vector<config::caller> callers_;
};

}  // namespace gateway::api
