#pragma once
// What an HL7 v2 delivery attempt means for the outbox (DESIGN.md §3 "Feedback", mode hl7v2):
//   AA / CA                                   delivered
//   AR / CR, silence, an ACK for another
//   message, an answer that is no ACK,
//   transport failures                        retried (back-off, then dead-letter when exhausted)
//   AE / CE                                   dead-lettered at once, with the ERR text
// "Delivered" uses the outbox's convention for non-HTTP receivers: a 2xx result.
//
// Thread safety: pure functions.
#include <string>

#include "adapters/hl7v2/ack_message.hpp"
#include "gateway/core/retry_schedule.hpp"
#include "gateway/net/mllp_client.hpp"

namespace gateway::delivery {

core::delivery_result result_of_ack(const hl7v2::received_ack& ack, const std::string& kind);
core::delivery_result result_of_failure(const net::mllp_failure& failure);
core::delivery_result delivered_result(const std::string& detail);

}  // namespace gateway::delivery
