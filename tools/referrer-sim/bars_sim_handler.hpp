#pragma once
// referrer-sim --bars: a BaRS sender's own $process-message, receiving the gateway's replies
// (servicerequest-response), checked as a BaRS receiver checks them (BaRS Core, transactional
// integrity and message headers):
//   POST <path>  X-Request-ID and X-Correlation-ID present and UUIDs, NHSD-Target-Identifier (when
//                sent) base64 of {"system", "value"} (else 400 REC_BAD_REQUEST);
//                injected answers first (--answer-400: 400 REC_BAD_REQUEST; --answer-409: 409
//                REC_CONFLICT duplicate; --fail-first N: 503 REC_UNAVAILABLE, with --retry-after);
//                then R4 validation (fhir::validate) and the reply's header: Bundle type message,
//                MessageHeader first with an id, eventCoding servicerequest-response of
//                message-events-bars, response.identifier given and response.code ok (else 400
//                REC_BAD_REQUEST naming the element); a repeat of the X-Correlation-ID and
//                X-Request-ID pair: 409 REC_CONFLICT duplicate, not recorded again; otherwise the
//                message is appended to the log as {"x_request_id", "x_correlation_id",
//                "target_identifier", "message"} and answered 200.
//   GET /stats   the counts as JSON (as without --bars).
// Every answer echoes X-Request-ID and X-Correlation-ID when they were sent, as BaRS requires.
// Thread-safe: counters are atomics, the seen-pair set and the log have their own mutexes.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>

#include "gateway/net/http_handler.hpp"
#include "tools/referrer-sim/message_log.hpp"
#include "tools/referrer-sim/sim_handler.hpp"
#include "tools/referrer-sim/sim_options.hpp"

namespace rg::referrer_sim {

class bars_sim_handler final : public gateway::net::http_handler {
 public:
  bars_sim_handler(const sim_options& options, message_log& log, sim_counters& counters);

  boost::asio::awaitable<gateway::net::http_response> handle(gateway::net::http_request request,
                                                             gateway::net::request_context context) override;
  gateway::net::http_response fault_response(gateway::net::request_fault fault,
                                             const gateway::net::request_context& context) override;

 private:
  gateway::net::http_response accept_reply(const gateway::net::http_request& request, const std::string& request_id,
                                           const std::string& correlation_id);

  const sim_options& options_;
  message_log& log_;
  sim_counters& counters_;
  std::atomic<std::int64_t> fail_remaining_;
  std::mutex seen_mutex_;
  std::unordered_set<std::string> seen_;  // "correlation|request"
};

}  // namespace rg::referrer_sim
