#include "gateway/service_level_timer.hpp"

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <deque>
#include <mutex>
#include <thread>

#include "gateway/app/services.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway {

namespace {

// Resumes the sweep on the timer's thread: store threads only queue the handle.
class queued_resumer final : public app::resumer {
 public:
  void resume_later(std::coroutine_handle<> handle) override {
    {
      std::lock_guard lock(mutex_);
      waiting_.push_back(handle);
    }
    wake_.notify_one();
  }
  // Runs queued steps until `finished` holds.
  void run_until(const std::atomic<bool>& finished) {
    for (;;) {
      std::coroutine_handle<> next;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return !waiting_.empty() || finished.load(); });
        if (waiting_.empty()) return;
        next = waiting_.front();
        waiting_.pop_front();
      }
      next.resume();
    }
  }
  void notify() { wake_.notify_one(); }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::coroutine_handle<>> waiting_;
};

struct sweep_done {
  std::atomic<bool>* finished;
  std::shared_ptr<std::atomic<std::uint64_t>> raised;
  std::shared_ptr<std::atomic<std::uint64_t>> completed;
  queued_resumer* where;
  void operator()(std::exception_ptr error, std::optional<app::result<app::overdue_sweep>> outcome) {
    if (error) {
      telemetry::error("service-level check failed", {});
    } else if (outcome && !*outcome) {
      telemetry::warn("service-level check could not finish", {{"reason", (*outcome).error().message()}});
    } else if (outcome) {
      completed->fetch_add(1, std::memory_order_relaxed);
      if ((**outcome).raised > 0) {
        raised->fetch_add((**outcome).raised, std::memory_order_relaxed);
        telemetry::warn("urgent referrals overdue", {{"notices", static_cast<unsigned long>((**outcome).raised)}});
      }
    }
    finished->store(true);
    where->notify();
  }
};

}  // namespace

struct service_level_timer::state {
  const app::services* services = nullptr;
  std::chrono::milliseconds interval{};
  std::shared_ptr<std::atomic<std::uint64_t>> raised = std::make_shared<std::atomic<std::uint64_t>>(0);
  std::shared_ptr<std::atomic<std::uint64_t>> completed = std::make_shared<std::atomic<std::uint64_t>>(0);
  std::mutex mutex;
  std::condition_variable stop_signal;
  bool stopping = false;
  std::thread thread;

  void run() {
    for (;;) {
      {
        std::unique_lock lock(mutex);
        if (stop_signal.wait_for(lock, interval, [&] { return stopping; })) return;
      }
      queued_resumer where;
      std::atomic<bool> finished{false};
      app::start(services->service_level.sweep(), where, sweep_done{&finished, raised, completed, &where});
      where.run_until(finished);
    }
  }
};

service_level_timer::service_level_timer(std::unique_ptr<state> s) : state_(std::move(s)) {}

std::unique_ptr<service_level_timer> service_level_timer::start(const app::services& services,
                                                                std::chrono::milliseconds interval,
                                                                telemetry::metrics& metrics) {
  auto s = std::make_unique<state>();
  s->services = &services;
  s->interval = interval;
  metrics.add_collector([raised = s->raised, completed = s->completed](std::string& out) {
    out +=
        "# HELP gateway_referrals_overdue_total referral.overdue notices raised for urgent referrals not accepted in "
        "time.\n";
    out += "# TYPE gateway_referrals_overdue_total counter\n";
    out += "gateway_referrals_overdue_total " + std::to_string(raised->load(std::memory_order_relaxed)) + "\n";
    // Alert when it stops rising: nothing would then notice an urgent referral left waiting.
    out += "# HELP gateway_service_level_checks_total service-level checks of urgent referrals completed.\n";
    out += "# TYPE gateway_service_level_checks_total counter\n";
    out += "gateway_service_level_checks_total " + std::to_string(completed->load(std::memory_order_relaxed)) + "\n";
  });
  state* raw = s.get();
  s->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<service_level_timer>(new service_level_timer(std::move(s)));
}

service_level_timer::~service_level_timer() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->stop_signal.notify_all();
  if (state_->thread.joinable()) state_->thread.join();
}

}  // namespace gateway
