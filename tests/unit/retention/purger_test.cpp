// The retention purger against the real SQLite store, with its clock injected: time moves by
// setting the clock, never by waiting.
#include "gateway/retention/purger.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/unit/store/store_fixture.hpp"

namespace gateway::retention {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;
using error_code = boost::system::error_code;
using store_test::wait_for;

// The real store from the store contract suite's fixture, on SQLite (the retention operation
// itself is tested on both engines in tests/unit/store/store_retention_test.cpp).
class purger_test : public store_test::store_test {
 protected:
  // An outbox item delivered at `at` (or left pending), and an audit record made now.
  void item(const std::string& id, std::optional<clock_type::time_point> delivered_at) {
    core::unit_of_work u;
    u.outbox.push_back({id, "events", "platform", id, "application/cloudevents+json", "{}"});
    u.audits.push_back(
        {"audit-" + id, "", "ORG-A", "referrer", core::audit_action::create, "ServiceRequest", id, "0", "req", "{}"});
    ASSERT_TRUE(commit(std::move(u)));
    if (!delivered_at) return;
    wait_for<core::outbox_entries_outcome>(
        [&](auto cb) { store_->fetch_due(clock_type::now() + 1h, 1000, 30s, {}, std::move(cb)); });
    ASSERT_FALSE(wait_for<error_code>([&](auto cb) { store_->mark_delivered(id, *delivered_at, std::move(cb)); }));
  }
  std::int64_t outbox_rows() {
    core::outbox_list_query q;
    q.count = 10'000;
    return static_cast<std::int64_t>(
        wait_for<core::outbox_entries_outcome>([&](auto cb) { store_->list_outbox(q, std::move(cb)); })->size());
  }
  std::int64_t audit_rows() {
    core::audit_query q;
    q.count = 10'000;
    return static_cast<std::int64_t>(search_audit(q)->items.size());
  }

  std::atomic<clock_type::time_point> now_{clock_type::now()};
  purger::clock_fn clock() {
    return [this] { return now_.load(); };
  }
};

TEST(purge_cutoffs, are_now_minus_each_period) {
  retention_policy p;
  p.outbox_delivered = 24h * 30;
  p.audit = 24h * 2922;
  p.batch_rows = 7;
  const auto now = clock_type::now();
  const auto r = purge_cutoffs(p, now);
  EXPECT_EQ(r.delivered_before, now - 24h * 30);
  EXPECT_EQ(r.audit_before, now - 24h * 2922);
  EXPECT_EQ(r.max_rows, 7u);
}

TEST_P(purger_test, delivered_items_go_after_the_outbox_period_and_audit_records_only_after_theirs) {
  const auto delivered = now_.load();
  for (int i = 0; i < 10; ++i) item("sent-" + std::to_string(i), delivered);
  item("waiting", std::nullopt);
  retention_policy policy;
  policy.outbox_delivered = 24h * 30;
  policy.audit = 24h * 2922;
  policy.batch_rows = 3;
  purger p(*store_, policy, clock());

  now_ = delivered + 24h * 29;
  EXPECT_EQ(p.purge_now().outbox_deleted, 0) << "within the period";
  EXPECT_EQ(outbox_rows(), 11);

  now_ = delivered + 24h * 31;
  const purge_totals pass = p.purge_now();
  EXPECT_EQ(pass.outbox_deleted, 10);
  EXPECT_EQ(pass.audit_deleted, 0);
  EXPECT_EQ(pass.batches, 4) << "3 + 3 + 3 + 1 rows, one store transaction each";
  EXPECT_EQ(outbox_rows(), 1) << "the pending item stays";
  EXPECT_EQ(audit_rows(), 11) << "the audit trail outlives the outbox";

  now_ = delivered + 24h * 2923;
  EXPECT_EQ(p.purge_now().audit_deleted, 11);
  EXPECT_EQ(outbox_rows(), 1);
  EXPECT_EQ(p.totals().outbox_deleted, 10);
  EXPECT_EQ(p.totals().audit_deleted, 11);
}

TEST_P(purger_test, the_background_thread_purges_at_start_and_stops_promptly) {
  const auto delivered = now_.load();
  item("sent", delivered);
  now_ = delivered + 24h * 31;
  retention_policy policy;
  policy.interval = std::chrono::hours(1);  // only the pass at start can run in this test
  purger p(*store_, policy, clock());
  p.start();
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (outbox_rows() != 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_EQ(outbox_rows(), 0);
  p.stop();  // returns without waiting for the hour
}

INSTANTIATE_TEST_SUITE_P(sqlite, purger_test, ::testing::Values(store_test::engine::sqlite), store_test::engine_name);

}  // namespace
}  // namespace gateway::retention
