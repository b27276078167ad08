#include "gateway/outbox/dispatcher.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gateway/outbox/delivery_registry.hpp"
#include "gateway/outbox/outbox_metrics.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::outbox {
namespace asio = boost::asio;
using sys_clock = std::chrono::system_clock;
using steady = std::chrono::steady_clock;

namespace {

// Lets callbacks from store and port threads reach the dispatcher thread only while it runs: after
// close() they are dropped (their items stay leased and are released at the next start).
class gate {
 public:
  explicit gate(asio::io_context& io) : io_(&io) {}
  template <class F>
  void post(F f) {
    std::lock_guard lock(mutex_);
    if (io_ != nullptr) asio::post(*io_, std::move(f));
  }
  void close() {
    std::lock_guard lock(mutex_);
    io_ = nullptr;
  }

 private:
  std::mutex mutex_;
  asio::io_context* io_;
};

core::retry_schedule::random_source thread_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace

// An io_context whose queued handlers can be destroyed (execution_context::shutdown) at stop,
// before the objects they refer to, instead of only in its destructor.
struct shutdownable_io_context : asio::io_context {
  using asio::execution_context::shutdown;
  using asio::io_context::io_context;
};

struct dispatcher::impl {
  struct flight {
    core::outbox_entry entry;
    steady::time_point started;
  };

  impl(core::outbox_store& s, const delivery_registry& r, dispatcher_options o, outbox_metrics& m)
      : store(s),
        registry(r),
        options(o),
        metrics(m),
        ioc(1),
        work(asio::make_work_guard(ioc)),
        timer(ioc),
        stats_timer(ioc),
        stop_timer(ioc),
        door(std::make_shared<gate>(ioc)),
        state(o.limits,
              [&r](const std::string& channel, const std::string& destination) {
                const auto* route = r.find(channel, destination);
                return route == nullptr ? 1u : route->max_in_flight;
              }),
        schedule(o.retry, thread_random()) {}

  core::outbox_store& store;
  const delivery_registry& registry;
  dispatcher_options options;
  outbox_metrics& metrics;
  shutdownable_io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  asio::system_timer timer;
  asio::steady_timer stats_timer;
  asio::steady_timer stop_timer;
  std::shared_ptr<gate> door;
  core::dispatch_state state;
  core::retry_schedule schedule;
  std::unordered_map<std::string, flight> flights;  // sent, not yet answered
  std::vector<core::outbox_result> to_record;       // answered, waiting for the next record_results
  bool flush_posted = false;
  bool recording = false;  // a record_results is being written
  bool released = false;
  bool stats_outstanding = false;
  std::thread thread;
  steady::time_point stop_deadline;

  // --- everything below runs on the dispatcher thread ---

  void on_released(boost::system::error_code ec) {
    if (ec) telemetry::error("outbox: releasing stale leases failed", {{"error", ec.message()}});
    released = true;
    telemetry::info("outbox dispatcher started");
    pump();
    refresh_stats();
  }

  void pump() {
    if (!released || state.stopping()) return;
    const auto now = sys_clock::now();
    if (const std::size_t n = state.fetch_size(now); n > 0) {
      const core::outbox_fetch_scope scope = state.fetch_started(now, n);
      auto d = door;
      store.fetch_due(now, n, options.lease, scope, [d, this](core::outbox_entries_outcome r) {
        d->post([this, r = std::move(r)]() mutable { on_fetched(std::move(r)); });
      });
    }
    arm_timer(now);
  }

  void arm_timer(sys_clock::time_point now) {
    const auto at = state.next_look(now);
    if (at == sys_clock::time_point::max()) {
      timer.cancel();
      return;
    }
    timer.expires_at(at);
    timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) pump();
    });
  }

  void on_fetched(core::outbox_entries_outcome r) {
    const auto now = sys_clock::now();
    if (!r) {
      telemetry::warn("outbox: fetching due items failed", {{"error", r.error().message()}});
      state.fetch_failed(now);
    } else {
      for (auto& e : state.fetch_done(std::move(*r), now)) start_delivery(std::move(e));
    }
    pump();
  }

  void start_delivery(core::outbox_entry e) {
    const std::string id = e.item.id;
    const auto* route = registry.find(e.item.channel, e.item.destination);
    flights[id] = flight{std::move(e), steady::now()};
    if (route == nullptr || route->port == nullptr) {
      const auto& item = flights[id].entry.item;
      core::delivery_result none;
      none.what = core::delivery_result::kind::permanent_failure;
      none.detail =
          "no delivery configured for channel \"" + item.channel + "\" destination \"" + item.destination + "\"";
      on_result(id, std::move(none));
      return;
    }
    auto d = door;
    route->port->deliver(flights[id].entry, [d, this, id](core::delivery_result result) {
      d->post([this, id, result = std::move(result)]() mutable { on_result(id, std::move(result)); });
    });
  }

  void on_result(const std::string& id, core::delivery_result result) {
    const auto it = flights.find(id);
    if (it == flights.end()) return;
    const core::outbox_entry& e = it->second.entry;
    metrics.observe_attempt(e.item.channel, std::chrono::duration<double>(steady::now() - it->second.started).count());
    const auto now = sys_clock::now();
    const core::next_action next = schedule.decide({e.attempts, e.created_at}, result, now);
    metrics.count(e.item.channel, next.what);
    core::outbox_result r;
    r.id = id;
    switch (next.what) {
      case core::next_action::kind::delivered:
        r.what = core::outbox_result::kind::delivered;
        r.at = now;
        break;
      case core::next_action::kind::retry:
        telemetry::info("outbox: attempt failed, will retry", {{"id", id},
                                                               {"channel", e.item.channel},
                                                               {"destination", e.item.destination},
                                                               {"attempts", e.attempts},
                                                               {"error", next.error}});
        state.retry_at(next.retry_at);
        r.what = core::outbox_result::kind::failed;
        r.at = next.retry_at;
        r.error = next.error;
        break;
      case core::next_action::kind::dead:
        telemetry::warn("outbox: item dead-lettered", {{"id", id},
                                                       {"channel", e.item.channel},
                                                       {"destination", e.item.destination},
                                                       {"attempts", e.attempts},
                                                       {"error", next.error}});
        r.what = core::outbox_result::kind::dead;
        r.error = next.error;
        break;
    }
    flights.erase(it);
    to_record.push_back(std::move(r));
    flush_results();
    // The destination's slot frees now; the item itself stays held (its key blocked) until its
    // result is recorded.
    for (auto& next_item : state.answered(id)) start_delivery(std::move(next_item));
  }

  // Results are recorded in batches, one record_results (one unit of work) at a time: the results
  // that arrive while a batch is being written, and those of one turn of the loop, go together
  // into the next. Destinations do not wait for this (their slot frees when the answer arrives),
  // so the batches grow with the rate of results instead of the round trip's concurrency. Crash
  // safety is unchanged: an item stays leased until its batch is durable and is sent again (same
  // id) if the process dies first.
  void flush_results() {
    if (flush_posted || recording) return;
    flush_posted = true;
    asio::post(ioc, [this] {
      flush_posted = false;
      if (recording || to_record.empty()) return;
      recording = true;
      std::vector<core::outbox_result> batch;
      batch.swap(to_record);
      std::vector<std::string> ids;
      ids.reserve(batch.size());
      for (const auto& r : batch) ids.push_back(r.id);
      auto d = door;
      store.record_results(
          std::move(batch), [d, this, ids = std::move(ids)](std::vector<boost::system::error_code> errors) mutable {
            d->post([this, ids = std::move(ids), errors = std::move(errors)] { on_recorded(ids, errors); });
          });
    });
  }

  void on_recorded(const std::vector<std::string>& ids, const std::vector<boost::system::error_code>& errors) {
    recording = false;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto ec = i < errors.size() ? errors[i] : make_error_code(boost::system::errc::io_error);
      if (ec) {
        // The item stays leased; when the lease runs out it is fetched and sent again (same id).
        telemetry::warn("outbox: recording a delivery result failed", {{"id", ids[i]}, {"error", ec.message()}});
      }
      state.recorded(ids[i]);
    }
    flush_results();
    pump();
  }

  void refresh_stats() {
    if (state.stopping()) return;
    if (!stats_outstanding) {
      stats_outstanding = true;
      auto d = door;
      store.outbox_counts([d, this](core::outbox_stats_outcome s) {
        d->post([this, s = std::move(s)] {
          stats_outstanding = false;
          if (s) metrics.set_queue(*s);
        });
      });
    }
    stats_timer.expires_after(options.stats_interval);
    stats_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) refresh_stats();
    });
  }

  void halt() {
    state.stop();
    timer.cancel();
    stats_timer.cancel();
  }

  // Stops the loop once the results in flight are recorded, or the grace period is over.
  void wait_for_flights() {
    const bool settled = flights.empty() && !recording && to_record.empty();
    if (settled || steady::now() >= stop_deadline) {
      if (!settled) {
        telemetry::warn("outbox: stopping with deliveries in flight or results not recorded",
                        {{"in_flight", static_cast<unsigned long>(flights.size())},
                         {"unrecorded", static_cast<unsigned long>(to_record.size())}});
      }
      work.reset();
      ioc.stop();
      return;
    }
    stop_timer.expires_after(std::chrono::milliseconds(10));
    stop_timer.async_wait([this](const boost::system::error_code&) { wait_for_flights(); });
  }
};

dispatcher::dispatcher(core::outbox_store& store, const delivery_registry& registry, dispatcher_options options,
                       outbox_metrics& metrics)
    : impl_(std::make_shared<impl>(store, registry, options, metrics)) {}

dispatcher::~dispatcher() {
  stop();
}

asio::io_context& dispatcher::io() {
  return impl_->ioc;
}

void dispatcher::start() {
  impl* self = impl_.get();
  auto d = self->door;
  self->store.on_outbox_ready([d, self] {
    d->post([self] {
      self->state.wake();
      self->pump();
    });
  });
  self->thread = std::thread([self] { self->ioc.run(); });
  self->store.release_leases(
      [d, self](boost::system::error_code ec) { d->post([self, ec] { self->on_released(ec); }); });
}

void dispatcher::begin_stop() {
  impl* self = impl_.get();
  self->door->post([self] { self->halt(); });
}

void dispatcher::stop() {
  impl* self = impl_.get();
  if (self->thread.joinable()) {
    self->stop_deadline = steady::now() + self->options.stop_grace;
    self->door->post([self] {
      self->halt();
      self->wait_for_flights();
    });
    self->thread.join();
    // Deliveries still in flight after the grace are abandoned: their handlers (coroutine frames
    // holding client connections and destinations) are destroyed now, while everything they refer
    // to exists; the io_context's services stay until it is destroyed, so the owner can still
    // destroy its sockets (connections, ports) before the dispatcher (outbox_service.cpp).
    self->ioc.shutdown();
  }
  self->door->close();
}

}  // namespace gateway::outbox
