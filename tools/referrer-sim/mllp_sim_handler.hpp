#pragma once
// The simulated clinic system's HL7 v2 end (referrer-sim --mllp): every message arriving over
// MLLP is answered according to --ack (and --ack-first):
//   AA        ACK AA; the message is recorded (once per MSH-10: a repeat is counted, not recorded)
//   AE / AR   ACK AE (with ERR) / AR; nothing recorded
//   silence   no answer at all (the sender times out)
//   garbage   a frame that is not HL7
//   wrong-id  ACK AA whose MSA-2 names another message
// A message that does not parse gets ACK AE naming the problem. Recorded lines (--out):
// {"control_id":..,"type":"RRI^I12","received_at_ms":..,"message":"<ER7>"}.
//
// Thread-safe: counters are atomics, the seen set and the log have their own mutexes.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

#include "gateway/net/mllp_handler.hpp"
#include "tools/referrer-sim/message_log.hpp"
#include "tools/referrer-sim/sim_options.hpp"

namespace rg::referrer_sim {

struct mllp_counters {
  std::atomic<std::int64_t> received{0};
  std::atomic<std::int64_t> accepted{0};
  std::atomic<std::int64_t> duplicates{0};
  std::atomic<std::int64_t> refused{0};  // answered anything but AA, or not at all
  std::string json() const;
};

class mllp_sim_handler final : public gateway::net::mllp_handler {
 public:
  mllp_sim_handler(const sim_options& options, message_log& log, mllp_counters& counters);

  boost::asio::awaitable<gateway::net::mllp_answer> handle(std::string message,
                                                           gateway::net::mllp_context context) override;
  std::string malformed(std::string_view reason, std::string_view partial,
                        const gateway::net::mllp_context& context) override;

 private:
  gateway::net::mllp_answer answer(const std::string& message);

  const sim_options& options_;
  message_log& log_;
  mllp_counters& counters_;
  std::atomic<std::int64_t> sequence_{0};
  std::atomic<std::int64_t> ack_id_{0};
  std::mutex seen_mutex_;
  std::unordered_set<std::string> seen_;
};

}  // namespace rg::referrer_sim
