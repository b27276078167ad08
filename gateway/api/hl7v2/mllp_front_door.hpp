#pragma once
// The HL7 v2 front door: REF^I12 referrals arriving over MLLP (an MLLP listener of net::server), answered with
// an ACK only once the outcome is final (DESIGN.md §3 "HL7 v2 in"):
//   1. parse (ER7, bounded)                          unparseable: AE naming the field, or AR when
//                                                    not even MSH-10 can be read
//   2. who sent it (sender_identity)                 nobody known: AR, connection closed
//   3. MSH: REF^I12, MSH-10, P, 2.3-2.8.2            otherwise AR
//   4. MSH-10 seen before from this organisation     AA again, the same ACK, nothing created
//   5. REF^I12 -> FHIR transaction Bundle            AE naming the field
//   6. R4 validation of the Bundle                   AE, each issue named by its v2 field
//   7. the referral use case (referral_port)         AA after the commit; AE when refused
//                                                    (profile, access); AR when storage cannot
//                                                    take it now. MSA-2 always echoes MSH-10.
// Steps 4 and 7 are the port's: the same create use case as a FHIR transaction, with the
// control id claimed in the same unit of work.
// Every message leaves exactly one AuditEvent before its ACK: the use case's (a referral created,
// in its unit; a repeat), or else one through the port's record() (refused at any step, a control
// id answered again); when that cannot be stored the answer is AR, send it again.
//
// One log line per message (no content, no patient identifiers): listener, remote address,
// organisation, control id, ACK code, milliseconds.
//
// Thread safety: immutable after construction; handle() runs concurrently for different
// connections (one message at a time per connection, in order).
#include <string>

#include "adapters/hl7v2/er7_parser.hpp"
#include "gateway/api/hl7v2/referral_port.hpp"
#include "gateway/api/hl7v2/sender_identity.hpp"
#include "gateway/net/mllp_handler.hpp"

namespace gateway::api::hl7v2 {

class mllp_front_door final : public net::mllp_handler {
 public:
  mllp_front_door(referral_port& port, const sender_identity& senders, gateway::hl7v2::parse_limits limits = {});

  boost::asio::awaitable<net::mllp_answer> handle(std::string message, net::mllp_context context) override;
  std::string malformed(std::string_view reason, std::string_view partial, const net::mllp_context& context) override;

 private:
  referral_port& port_;
  const sender_identity& senders_;
  gateway::hl7v2::parse_limits limits_;
};

}  // namespace gateway::api::hl7v2
