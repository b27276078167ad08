#include "gateway/outbox/outbox_service.hpp"

#include <algorithm>
#include <variant>
#include <vector>

#include "adapters/sinks/jsonl_sink.hpp"
#include "gateway/api/ops_api.hpp"
#include "gateway/api/ops_outbox_routes.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/net/server.hpp"
#include "gateway/outbox/delivery_registry.hpp"
#include "gateway/outbox/discard_port.hpp"
#include "gateway/outbox/dispatcher.hpp"
#include "gateway/outbox/outbox_metrics.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::outbox {

inline constexpr const char* feedback_channel = "feedback";

// Declaration order is teardown order reversed: the dispatcher stops before the ports it uses go.
struct outbox_service::parts {
  outbox_metrics metrics;
  std::unique_ptr<sinks::jsonl_sink> events_file;
  discard_port discard;
  std::vector<std::unique_ptr<core::delivery_port>> other_ports;
  delivery_registry registry;
  std::unique_ptr<dispatcher> run;
};

outbox_service::outbox_service(std::unique_ptr<parts> p) : parts_(std::move(p)) {}

outbox_service::~outbox_service() {
  if (parts_ && parts_->run) parts_->run->stop();
}

namespace {

dispatcher_options options_from(const config::delivery_settings& d) {
  dispatcher_options o;
  o.retry.base = d.retry_base;
  o.retry.cap = d.retry_cap;
  o.retry.max_attempts = static_cast<int>(std::max(1u, d.max_attempts));
  o.retry.max_age = std::chrono::duration_cast<std::chrono::seconds>(d.max_age);
  // A lease must outlast one attempt (connect + request); the dispatcher also ignores a held item
  // that comes back after its lease ran out, so a long wait in memory cannot send it twice.
  o.lease = std::max<std::chrono::milliseconds>(std::chrono::seconds(30), 2 * (d.connect_timeout + d.request_timeout));
  o.limits.max_held = std::max<std::size_t>(256, 4 * static_cast<std::size_t>(d.max_per_destination));
  return o;
}

}  // namespace

std::unique_ptr<outbox_service> outbox_service::start(const config::gateway_config& config, core::outbox_store& store,
                                                      api::ops_api& ops, telemetry::metrics& metrics,
                                                      net::server& server, std::string& problem) {
  auto p = std::make_unique<parts>();
  const unsigned per_destination = std::max(1u, config.delivery.max_per_destination);

  // Triage events: the JSON Lines file, exactly once per event id.
  auto opened = sinks::jsonl_sink::open({config.platform.events_jsonl});
  if (auto* e = std::get_if<std::string>(&opened)) {
    problem = "configuration: " + *e;
    return nullptr;
  }
  p->events_file = std::move(std::get<std::unique_ptr<sinks::jsonl_sink>>(opened));
  if (!config.platform.webhook.empty()) {
    // The HTTPS sender (adapters/delivery) is not part of this build yet; refuse rather than
    // silently not posting events the configuration asks for.
    problem = "configuration: platform.webhook: webhook delivery is not available in this build";
    return nullptr;
  }
  p->registry.add(core::events_channel, core::platform_events_destination,
                  {p->events_file.get(), std::max(per_destination, local_file_in_flight), "jsonl"});

  // Feedback: per referrer. "none" (and unknown referrers) are delivered at once without sending.
  p->registry.set_default(feedback_channel, {&p->discard, per_destination, "none"});
  for (const auto& r : config.referrers) {
    if (r.delivery == "none") {
      p->registry.add(feedback_channel, r.organization, {&p->discard, per_destination, "none"});
    } else {
      // No port yet for this mode: the dispatcher dead-letters its items (visible, replayable)
      // instead of dropping them as the default would.
      p->registry.add(feedback_channel, r.organization, {nullptr, per_destination, r.delivery});
      telemetry::warn("outbox: no sender for this delivery mode in this build; its feedback is dead-lettered",
                      {{"organization", r.organization}, {"delivery", r.delivery}});
    }
  }

  api::register_outbox_routes(ops, store);
  outbox_metrics* m = &p->metrics;
  metrics.add_collector([m](std::string& out) { m->collect(out); });

  p->run = std::make_unique<dispatcher>(store, p->registry, options_from(config.delivery), p->metrics);
  dispatcher* run = p->run.get();
  server.on_shutdown([run] { run->begin_stop(); });
  run->start();
  return std::unique_ptr<outbox_service>(new outbox_service(std::move(p)));
}

}  // namespace gateway::outbox
