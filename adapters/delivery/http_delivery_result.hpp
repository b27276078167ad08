#pragma once
// What one HTTPS attempt means for the outbox: the client's answer (status, Retry-After) or its
// transport failure, as the core::delivery_result that retry_schedule classifies. Pure; callable
// from any thread.
#include <chrono>

#include "gateway/core/delivery_port.hpp"
#include "gateway/net/https_client_types.hpp"

namespace gateway::delivery {

// A response: kind http_response with its status and, when the field is present and valid,
// retry_after (seconds or HTTP-date relative to `now`). A failure: timeout, connection_refused,
// connection_lost and tls_failure map one to one (detail kept, e.g. "certificate verify failed:
// unable to get local issuer certificate"); an unresolvable host, a malformed or oversized answer
// and a local TLS set-up problem are transient failures (retried, then dead-lettered).
core::delivery_result to_delivery_result(const net::client_result& result, std::chrono::system_clock::time_point now);

}  // namespace gateway::delivery
