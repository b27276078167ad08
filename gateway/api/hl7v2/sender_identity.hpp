#pragma once
// Who sent an HL7 v2 message (DESIGN.md §3 "HL7 v2 in"):
//   - over TLS, the client certificate, mapped to a configured caller exactly as HTTPS does
//     (caller_registry); MSH-4 does not change who it is;
//   - without TLS, a configured sender rule: the sending facility (MSH-4, its first component)
//     and the source address together, naming a configured caller. A facility from an address
//     not listed is nobody.
// Only referrers may send referrals; the use case checks that the requester is the caller's
// organisation, as for FHIR.
//
// Thread safety: immutable after construction; identify() may run concurrently.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/caller.hpp"
#include "gateway/api/caller_registry.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api::hl7v2 {

struct sender_rule {
  std::string facility;                // MSH-4.1 as sent
  std::vector<std::string> addresses;  // source IP addresses it may come from
  std::string caller;                  // the configured caller it is (callers[].name)
};

class sender_identity {
 public:
  sender_identity(const caller_registry* certificates, std::vector<sender_rule> rules,
                  const std::vector<config::caller>& callers);

  std::optional<caller> identify(const net::peer_identity& peer, std::string_view facility,
                                 std::string_view remote_address) const;

 private:
  const caller_registry* certificates_;
  std::vector<sender_rule> rules_;
  std::vector<caller> by_rule_;  // the caller of rules_[i]; empty name when configuration names none
};

}  // namespace gateway::api::hl7v2
