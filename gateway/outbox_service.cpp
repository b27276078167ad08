#include "gateway/outbox_service.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <variant>
#include <vector>

#include "adapters/delivery/bars_sender.hpp"
#include "adapters/delivery/hl7v2_sender.hpp"
#include "adapters/delivery/https_sender.hpp"
#include "adapters/sinks/jsonl_sink.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/core/store.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/net/https_client_pool.hpp"
#include "gateway/net/server.hpp"
#include "gateway/outbox/delivery_chain.hpp"
#include "gateway/outbox/delivery_registry.hpp"
#include "gateway/outbox/discard_port.hpp"
#include "gateway/outbox/dispatcher.hpp"
#include "gateway/outbox/outbox_metrics.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway {

using outbox::delivery_chain;
using outbox::delivery_registry;
using outbox::discard_port;
using outbox::dispatcher;
using outbox::dispatcher_options;
using outbox::outbox_metrics;

using core::feedback_channel;

// Teardown (~outbox_service), issue 10 item 5: the dispatcher stops first (no new deliveries;
// those in flight get the shutdown grace, then its loop stops, their items stay leased so the next
// start finds them pending, never dropped, and their queued handlers are destroyed while
// everything they refer to still exists); idle client connections close. Then, explicitly: the
// events file (its worker joined: the last thing that could call a port, through a chain), the
// ports and the client pool (a busy connection, owned by its destination, is a socket of the
// dispatcher's io_context and must go before it: destroyed after it, it corrupted the heap at
// SIGTERM with a slow receiver), and last the dispatcher with its io_context.
struct outbox_service::parts {
  outbox_metrics metrics;
  std::vector<std::shared_ptr<core::delivery_port>> ports;  // HTTPS senders, chains
  discard_port discard;
  delivery_registry registry;
  std::unique_ptr<dispatcher> run;
  std::unique_ptr<net::https_client_pool> pool;
  std::unique_ptr<sinks::jsonl_sink> events_file;
};

outbox_service::outbox_service(std::unique_ptr<parts> p) : parts_(std::move(p)) {}

outbox_service::~outbox_service() {
  if (!parts_) return;
  if (parts_->run) parts_->run->stop();
  if (parts_->pool) parts_->pool->close_idle();
  // Every socket (a busy connection is owned by its destination, which the ports and the pool
  // share) must go before the dispatcher's io_context: stop() destroyed the abandoned handlers,
  // so nothing calls the ports any more once the events file's worker is joined.
  parts_->events_file.reset();
  parts_->ports.clear();
  parts_->pool.reset();
  parts_->run.reset();
}

namespace {

net::client_options client_options_from(const config::delivery_settings& d) {
  net::client_options o;
  o.connect_timeout = d.connect_timeout;
  o.request_timeout = d.request_timeout;
  o.max_per_destination = std::max(1u, d.max_per_destination);
  o.max_idle_per_destination = o.max_per_destination;
  return o;
}

// An HTTPS sender, or the start-up problem naming the configuration key.
std::shared_ptr<core::delivery_port> make_sender(net::https_client_pool& pool, const std::string& url,
                                                 net::client_tls_files tls, const std::string& key,
                                                 std::string& problem) {
  auto made = delivery::https_sender::create(pool, url, std::move(tls));
  if (auto* e = std::get_if<std::string>(&made)) {
    problem = "configuration: " + key + ": " + *e;
    return nullptr;
  }
  return std::get<std::shared_ptr<delivery::https_sender>>(std::move(made));
}

// An HL7 v2 sender (MLLP, TLS for mllps://) with the delivery timeouts: connect, then the ACK
// within request_timeout_ms; or the start-up problem naming the configuration key.
std::shared_ptr<core::delivery_port> make_v2_sender(boost::asio::any_io_executor executor, const std::string& url,
                                                    net::client_tls_files tls, const config::delivery_settings& d,
                                                    const std::string& key, std::string& problem) {
  net::mllp_client_options o;
  o.connect_timeout = d.connect_timeout;
  o.answer_timeout = d.request_timeout;
  auto made = delivery::hl7v2_sender::create(std::move(executor), url, std::move(tls), o, {});
  if (auto* e = std::get_if<std::string>(&made)) {
    problem = "configuration: " + key + ": " + *e;
    return nullptr;
  }
  return std::get<std::shared_ptr<delivery::hl7v2_sender>>(std::move(made));
}

dispatcher_options options_from(const config::delivery_settings& d) {
  dispatcher_options o;
  o.retry.base = d.retry_base;
  o.retry.cap = d.retry_cap;
  o.retry.max_attempts = static_cast<int>(std::max(1u, d.max_attempts));
  o.retry.max_age = std::chrono::duration_cast<std::chrono::seconds>(d.max_age);
  // A lease must outlast one attempt (connect + request; the configuration checks delivery.lease_ms);
  // the dispatcher also ignores a held item that comes back after its lease ran out, so a long wait
  // in memory cannot send it twice. With several instances, the lease is also how long another
  // instance waits before it takes over the items of one that died.
  o.lease = d.lease.count() > 0 ? d.lease
                                : std::max<std::chrono::milliseconds>(std::chrono::seconds(30),
                                                                      2 * (d.connect_timeout + d.request_timeout));
  // Held = waiting + in flight + answered and being recorded: room for many destinations' worth of
  // attempts while a batch of results is written.
  o.limits.max_held = std::max<std::size_t>(1024, 4 * static_cast<std::size_t>(d.max_per_destination));
  // Fairness: a destination seen for the first time takes at most its window (twice its in-flight
  // limit) of one fetch, so a referrer's backlog cannot fill the fetch ahead of other referrers.
  o.limits.per_destination = 2 * static_cast<std::size_t>(std::max(1u, d.max_per_destination));
  return o;
}

}  // namespace

std::unique_ptr<outbox_service> outbox_service::start(const config::gateway_config& config, core::store& store,
                                                      telemetry::metrics& metrics, net::server& server,
                                                      std::string& problem) {
  auto p = std::make_unique<parts>();
  const config::delivery_settings& d = config.delivery;
  const unsigned per_destination = std::max(1u, d.max_per_destination);
  // Not started yet: the registry is filled below, before start().
  auto options = options_from(d);
  options.stop_grace = config.runtime.shutdown_grace;
  p->run = std::make_unique<dispatcher>(store, p->registry, options, p->metrics);
  p->pool = std::make_unique<net::https_client_pool>(p->run->io().get_executor(), client_options_from(d));

  // Triage events: the JSON Lines file, exactly once per event id; then the webhook if configured.
  auto opened = sinks::jsonl_sink::open(
      {.path = config.platform.events_jsonl, .rotate_bytes = config.platform.events_rotate_bytes});
  if (auto* e = std::get_if<std::string>(&opened)) {
    problem = "configuration: " + *e;
    return nullptr;
  }
  p->events_file = std::move(std::get<std::unique_ptr<sinks::jsonl_sink>>(opened));
  if (config.platform.webhook.empty()) {
    p->registry.add(core::events_channel, core::platform_events_destination,
                    {p->events_file.get(), std::max(per_destination, local_file_in_flight), "jsonl"});
  } else {
    auto webhook = make_sender(*p->pool, config.platform.webhook,
                               {d.server_ca, d.client_cert, d.client_key, config.revocation.crl_files},
                               "platform.webhook", problem);
    if (!webhook) return nullptr;
    auto chain = std::make_shared<delivery_chain>(*p->events_file, *webhook);
    p->ports.push_back(std::move(webhook));
    p->registry.add(core::events_channel, core::platform_events_destination,
                    {chain.get(), per_destination, "jsonl+webhook"});
    p->ports.push_back(std::move(chain));
  }

  // Feedback: per referrer. "none" (and unknown referrers) are delivered at once without sending.
  p->registry.set_default(feedback_channel, {&p->discard, per_destination, "none"});
  for (const auto& r : config.referrers) {
    const std::string key = "referrers[" + r.organization + "]";
    const std::string mode(config::to_string(r.delivery));
    switch (r.delivery) {
      case config::delivery_mode::none:
        p->registry.add(feedback_channel, r.organization, {&p->discard, per_destination, mode});
        break;
      case config::delivery_mode::fhir_message: {
        auto sender = make_sender(
            *p->pool, r.endpoint,
            {r.server_ca.empty() ? d.server_ca : r.server_ca, d.client_cert, d.client_key, config.revocation.crl_files},
            key + ".endpoint", problem);
        if (!sender) return nullptr;
        p->registry.add(feedback_channel, r.organization, {sender.get(), per_destination, mode});
        p->ports.push_back(std::move(sender));
        break;
      }
      case config::delivery_mode::bars: {
        // BaRS replies, built from the feedback item and the referral's conversation at each
        // attempt, to the URL this referrer's configuration allows.
        core::store* s = &store;
        auto sender = std::make_shared<delivery::bars_sender>(
            *p->pool,
            delivery::bars_sender_settings{
                bars::referrer_routing{r.endpoint, r.bars.allowed_source_endpoints, r.bars.target_identifier},
                config.platform.organization},
            net::client_tls_files{r.server_ca.empty() ? d.server_ca : r.server_ca, d.client_cert, d.client_key,
                                  config.revocation.crl_files},
            [s](std::string type, std::string id, core::store_callback<core::read_outcome> done) {
              s->read(std::move(type), std::move(id), std::move(done));
            });
        p->registry.add(feedback_channel, r.organization, {sender.get(), per_destination, mode});
        p->ports.push_back(std::move(sender));
        break;
      }
      case config::delivery_mode::hl7v2: {
        auto sender = make_v2_sender(
            p->run->io().get_executor(), r.endpoint,
            {r.server_ca.empty() ? d.server_ca : r.server_ca, d.client_cert, d.client_key, config.revocation.crl_files},
            d, key + ".endpoint", problem);
        if (!sender) return nullptr;
        p->registry.add(feedback_channel, r.organization, {sender.get(), per_destination, mode});
        p->ports.push_back(std::move(sender));
        break;
      }
    }
  }

  outbox_metrics* m = &p->metrics;
  metrics.add_collector([m](std::string& out) { m->collect(out); });

  dispatcher* run = p->run.get();
  server.on_shutdown([run] { run->begin_stop(); });
  // SIGHUP: receivers' certificates are checked against the reloaded CRLs from then on.
  net::https_client_pool* pool = p->pool.get();
  server.on_reload([pool, &metrics] {
    const std::string failed = pool->reload_tls();
    metrics.tls_reloaded(failed.empty());
    if (!failed.empty()) telemetry::error("reload: an outbound destination keeps its TLS context", {{"error", failed}});
  });
  run->start();
  return std::unique_ptr<outbox_service>(new outbox_service(std::move(p)));
}

}  // namespace gateway
