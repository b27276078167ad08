#pragma once
// The MSK clinic's side of HL7 v2 in the integration tests: its REF^I12 referral, and sending a
// message the way a clinic system does it - `gatewayctl send-v2` (a real peer process) over
// MLLP/TLS with the clinic's development certificate (msk-clinic, ODS RXX01), or plain MLLP.
#include <string>

#include "tests/support/gateway_process.hpp"

namespace rg::testing {

// tests/data/hl7v2/ref-i12-msk-clinic.hl7: MSH-4 RXX01, MSH-10 RXX01-0001, RF1-6 REF-V2-0001,
// NHS number 9434765919, PHQ-9 item 9 answered 0.
std::string clinic_referral();
// The same referral with its own control id (MSH-10) and referral id (RF1-6).
std::string clinic_referral(const std::string& control_id, const std::string& referral_id);

struct v2_answer {
  int exit_code = -1;  // gatewayctl send-v2: 0 AA, 1 AE/AR or another message's ACK, 3 no answer
  std::string ack;     // the ACK as printed (one segment per line)
  std::string err;
};

// Writes `message` to a file in `dir` and sends it to the MLLP port on localhost.
v2_answer send_v2(const temp_dir& dir, int port, const std::string& message, bool tls = true);

}  // namespace rg::testing
