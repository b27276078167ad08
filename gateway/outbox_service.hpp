#pragma once
// Wiring of the outbox from configuration (application.cpp creates it after the store): the
// delivery adapters (adapters/sinks, adapters/delivery), the engine (gateway/outbox: registry
// mapping (channel, destination) to a port, dispatcher, metrics). The operator's outbox routes
// are registered by application.cpp (api/ops_outbox_routes.hpp).
//
// Routes (DESIGN.md §3):
// - channel "events", destination "platform": the JSON Lines file platform.events_jsonl; with
//   platform.webhook set, the file and then the webhook (delivery_chain);
// - channel "feedback", destination a referrer's ODS code: by referrers[].delivery: "fhir-message"
//   POSTs to referrers[].endpoint (adapters/delivery/https_sender); "none" and referrers not in
//   configuration are marked delivered at once (they poll GET /Task). A (channel, destination)
//   with no route at all is dead-lettered by the dispatcher (visible, replayable).
// HTTPS deliveries share one client pool on the dispatcher's io_context.
// In flight per destination: delivery.max_per_destination, except the local file alone, which
// writes a batch per fsync and takes more (local_file_in_flight).
//
// Thread safety: create and destroy from the main thread; begin_stop() from any thread.
#include <memory>
#include <string>

namespace gateway::config {
struct gateway_config;
}
namespace gateway::core {
class store;
}
namespace gateway::net {
class server;
}
namespace gateway::telemetry {
class metrics;
}

namespace gateway {

inline constexpr unsigned local_file_in_flight = 64;

class outbox_service {
 public:
  ~outbox_service();  // stops the dispatcher, then closes the ports
  outbox_service(const outbox_service&) = delete;
  outbox_service& operator=(const outbox_service&) = delete;

  // Builds and starts everything; stops the dispatcher when `server` begins shutting down. Returns
  // null and sets `problem` (naming the configuration key) when something cannot be set up.
  static std::unique_ptr<outbox_service> start(const config::gateway_config& config, core::store& store,
                                               telemetry::metrics& metrics, net::server& server, std::string& problem);

 private:
  struct parts;
  explicit outbox_service(std::unique_ptr<parts> p);
  std::unique_ptr<parts> parts_;
};

}  // namespace gateway
