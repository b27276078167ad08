#pragma once
// What a BaRS receiver's answer to a reply means for the outbox (BaRS Core, transactional
// integrity, sender responsibilities):
//   2xx with both ids echoed                             delivered
//   409 OperationOutcome with issue.code duplicate       delivered (the receiver has it already;
//                                                        BaRS: do not send it again)
//   408, 429, 503 with an OperationOutcome               retried (back-off, Retry-After honoured)
//   any answer without an OperationOutcome (non-2xx), or
//   without X-Request-ID and X-Correlation-ID echoed     retried: BaRS deems it from an intermediary
//                                                        (a communications failure), not the receiver
//   other 4xx with an OperationOutcome                   dead-letter at once
//   other 5xx with an OperationOutcome (REC_SERVER_ERROR) dead-letter at once: BaRS retries only
//                                                        REC_TIMEOUT, REC_TOO_MANY_REQUESTS and
//                                                        REC_UNAVAILABLE
//   transport failures                                   as every HTTPS delivery (http_delivery_result.hpp)
// "Delivered" uses the outbox's convention for results that are not a plain 2xx: kind
// http_response with status 200 and the real answer in `detail`. Other details carry the BaRS code
// and the receiver's diagnostics, for operators (the receiver's text, never ours).
//
// Thread safety: pure function.
#include <chrono>
#include <string_view>

#include "gateway/core/retry_schedule.hpp"
#include "gateway/net/https_client_types.hpp"

namespace gateway::delivery {

core::delivery_result classify_bars_answer(const net::client_result& result, std::string_view request_id,
                                           std::string_view correlation_id, std::chrono::system_clock::time_point now);

}  // namespace gateway::delivery
