// A micro-benchmark, not a test: disabled by default. Run with
//   sqlite_store_tests --gtest_also_run_disabled_tests --gtest_filter='*throughput*'

#include "tests/unit/store/store_fixture.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace gateway::store_test {
namespace {

// 64 "connections", each sending its next referral-sized unit (ServiceRequest + Task + claim +
// outbox item + audit) when the previous one is answered, like keep-alive clients.
TEST_P(store_test, DISABLED_throughput_of_referral_sized_units_from_64_callers) {
  constexpr int callers = 64, total = 20000;
  const std::string body = R"({"resourceType":"ServiceRequest","note":")" + std::string(3000, 'n') + "\"}";
  std::atomic<int> next{0}, done{0};
  std::mutex m;
  std::condition_variable all_done;

  std::function<void()> send = [&] {
    const int i = next++;
    if (i >= total) return;
    const std::string id = "sr" + std::to_string(i);
    auto w = create("ServiceRequest", id, "ORG-A", {{"identifier", "urn:ref|" + id}, {"status", "active"}});
    w.json = body;
    core::unit_of_work u = unit(std::move(w));
    u.writes.push_back(create("Task", "task-" + id, "ORG-A", {{"based-on", "ServiceRequest/" + id}}));
    u.claims.push_back({"ORG-A", "urn:ref", id, "ServiceRequest", id});
    u.outbox.push_back({"msg-" + id, "events", "jsonl", id, "application/json", body});
    u.audits.push_back(
        {"audit-" + id, "", "ORG-A", "referrer", core::audit_action::create, "ServiceRequest", id, "0", "req", "{}"});
    store_->commit(std::move(u), [&](core::commit_outcome r) {
      EXPECT_TRUE(r);
      if (++done == total) {
        std::lock_guard lock(m);
        all_done.notify_one();
      } else {
        send();
      }
    });
  };
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < callers; ++c) send();
  {
    std::unique_lock lock(m);
    all_done.wait(lock, [&] { return done.load() == total; });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto metrics = store_->metrics();
  std::printf("[ measured ] %d units in %.2f s = %.0f units/s, %llu transactions (mean batch %.1f)\n", total, seconds,
              total / seconds, static_cast<unsigned long long>(metrics.transactions_committed),
              double(metrics.units_committed) / double(metrics.transactions_committed));
}

}  // namespace
}  // namespace gateway::store_test
