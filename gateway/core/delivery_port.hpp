#pragma once
// The delivery port: one way of handing an outbox item to its receiver. The dispatcher picks an
// implementation per (channel, destination) and feeds each result to retry_schedule::decide.
// Implementations: the JSON Lines event file (adapters/sinks), HTTPS POST of a FHIR message or a
// CloudEvent (adapters/delivery), later HL7 v2 over MLLP.
//
// Thread safety: deliver() may be called from any thread, concurrently for different items; the
// dispatcher never has two items of the same (channel, ordering_key) in flight. `done` runs
// exactly once, on any thread, and must not block.

#include "gateway/core/retry_schedule.hpp"
#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_outbox.hpp"

namespace gateway::core {

class delivery_port {
 public:
  virtual ~delivery_port() = default;
  virtual void deliver(const outbox_entry& item, store_callback<delivery_result> done) = 0;
};

}  // namespace gateway::core
