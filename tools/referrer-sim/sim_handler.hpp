#pragma once
// What the simulated referrer answers (an http_handler behind gateway_net's HTTP session):
//   POST <path>  a FHIR message (Bundle type "message", MessageHeader first): injected failures
//                first (--answer-400, --fail-first with --retry-after, --delay-ms), then
//                fhir::validate (invalid -> 400 OperationOutcome), then de-duplication by
//                MessageHeader.id (a repeat -> 200, counted, not recorded again), then the message
//                is appended to the log as one JSON line and answered 200.
//   GET /stats   the counts as JSON.
// Thread-safe: counters are atomics, the seen-id set and the log have their own mutexes.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

#include "gateway/net/http_handler.hpp"
#include "tools/referrer-sim/message_log.hpp"
#include "tools/referrer-sim/sim_options.hpp"

namespace rg::referrer_sim {

struct sim_counters {
  std::atomic<std::int64_t> received{0};    // POSTs to the message path
  std::atomic<std::int64_t> accepted{0};    // recorded (first time seen)
  std::atomic<std::int64_t> duplicates{0};  // already seen: 200, not recorded again
  std::atomic<std::int64_t> invalid{0};     // failed validation: 400
  std::atomic<std::int64_t> failed{0};      // --fail-first: 503
  std::atomic<std::int64_t> rejected{0};    // --answer-400
  std::atomic<std::int64_t> closed{0};      // --close-mid-request: closed without an answer
  // When (Unix ms, 0 = never) the first and the last 503 went out and the last message was
  // accepted, so a test can check that the sender waited for Retry-After.
  std::atomic<std::int64_t> first_failed_at_ms{0};
  std::atomic<std::int64_t> last_failed_at_ms{0};
  std::atomic<std::int64_t> last_accepted_at_ms{0};

  std::string json() const;

  // Whether this message is one of the refusals --fail-first plans (`remaining` counts them down);
  // if so it is counted and its time stamped.
  bool take_planned_failure(std::atomic<std::int64_t>& remaining);
};

// Now, in Unix milliseconds.
std::int64_t unix_ms_now();

class sim_handler final : public gateway::net::http_handler {
 public:
  sim_handler(const sim_options& options, message_log& log, sim_counters& counters);

  boost::asio::awaitable<gateway::net::http_response> handle(gateway::net::http_request request,
                                                             gateway::net::request_context context) override;
  gateway::net::http_response fault_response(gateway::net::request_fault fault,
                                             const gateway::net::request_context& context) override;

 private:
  gateway::net::http_response accept_message(const gateway::net::http_request& request);

  const sim_options& options_;
  message_log& log_;
  sim_counters& counters_;
  std::atomic<std::int64_t> fail_remaining_;
  std::mutex seen_mutex_;
  std::unordered_set<std::string> seen_;
};

}  // namespace rg::referrer_sim
