#pragma once
// The delivery port: one way of handing an outbox item to its receiver. The dispatcher picks an
// implementation per (channel, destination) and feeds each result to retry_schedule::decide.
// Implementations: the JSON Lines event file (adapters/sinks), HTTPS POST of a FHIR message or a
// CloudEvent (adapters/delivery), later HL7 v2 over MLLP.
//
// Header-only, like the rest of the ports (CMake target gateway_ports), so an adapter depends on
// the port, not on the core's code.
//
// Thread safety: deliver() may be called from any thread, concurrently for different items; the
// dispatcher never has two items of the same (channel, ordering_key) in flight. `done` runs
// exactly once, on any thread, and must not block.

#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_outbox.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace gateway::core {

// What one delivery attempt came to; core::retry_schedule decides what follows from it.
struct delivery_result {
  enum class kind {
    http_response,  // `http_status` holds the status
    timeout,
    connection_refused,
    connection_lost,    // reset or closed mid-request
    tls_failure,        // handshake failed, certificate not trusted, ...
    transient_failure,  // another transport's "try again" (e.g. HL7 v2 no ACK)
    permanent_failure,  // another transport's "never" (e.g. HL7 v2 AR judged permanent)
  };
  kind what = kind::http_response;
  int http_status = 0;
  std::optional<std::chrono::seconds> retry_after;  // parsed by the HTTP layer (seconds or date)
  std::string detail;                               // for last_error: "certificate verify failed"
};

// A 2xx: the receiver has the item.
inline bool is_delivered(const delivery_result& r) {
  return r.what == delivery_result::kind::http_response && r.http_status >= 200 && r.http_status <= 299;
}

class delivery_port {
 public:
  virtual ~delivery_port() = default;
  virtual void deliver(const outbox_entry& item, store_callback<delivery_result> done) = 0;
};

}  // namespace gateway::core
