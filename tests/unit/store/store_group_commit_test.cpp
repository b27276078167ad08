
#include "tests/unit/store/store_fixture.hpp"

#include <atomic>
#include <thread>

namespace gateway::store_test {
namespace {

using core::store_errc;

std::future<core::commit_outcome> commit_async(core::store& store, core::unit_of_work u) {
  auto p = std::make_shared<std::promise<core::commit_outcome>>();
  auto f = p->get_future();
  store.commit(std::move(u), [p](core::commit_outcome r) { p->set_value(std::move(r)); });
  return f;
}

TEST_P(store_test, two_hundred_units_from_many_threads_commit_in_far_fewer_transactions) {
  const auto before = store_->metrics();
  constexpr int threads_n = 8, per_thread = 25;
  std::vector<std::vector<std::future<core::commit_outcome>>> futures(threads_n);
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        futures[t].push_back(
            commit_async(*store_, unit(create("Task", "t" + std::to_string(t) + "-" + std::to_string(i)))));
    });
  for (auto& th : threads) th.join();
  for (auto& fs : futures)
    for (auto& f : fs) ASSERT_TRUE(f.get());

  const auto after = store_->metrics();
  const auto transactions = after.transactions_committed - before.transactions_committed;
  EXPECT_EQ(after.units_committed - before.units_committed, 200u);
  EXPECT_LE(transactions, 200u / 4) << "group commit did not batch";
  EXPECT_GT(after.largest_batch, 1u);
  std::printf("[ measured ] 200 units in %llu transactions, largest batch %llu\n",
              static_cast<unsigned long long>(transactions), static_cast<unsigned long long>(after.largest_batch));
}

TEST_P(store_test, callers_waiting_for_each_commit_share_fsyncs) {
  // The request/response pattern of the API: each caller waits for its answer before sending
  // the next, so at most one unit per caller can wait; batches form from concurrent callers.
  const auto before = store_->metrics();
  constexpr int threads_n = 8, per_thread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        if (!commit(unit(create("Task", "s" + std::to_string(t) + "-" + std::to_string(i))))) ++failures;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto transactions = store_->metrics().transactions_committed - before.transactions_committed;
  EXPECT_LT(transactions, 200u) << "no two callers ever shared a transaction";
  std::printf("[ measured ] 8 blocking callers x 25: %llu transactions for 200 units\n",
              static_cast<unsigned long long>(transactions));
}

TEST_P(store_test, a_failing_unit_in_a_batch_does_not_affect_the_others) {
  ASSERT_TRUE(commit(unit(create("Task", "shared"))));
  const auto before = store_->metrics();
  std::vector<std::future<core::commit_outcome>> futures;
  for (int i = 0; i < 100; ++i) {
    if (i % 10 == 0) {
      auto w = create("Task", "shared");
      w.kind = core::write_kind::update;
      w.expected_version = 99;  // always stale
      futures.push_back(commit_async(*store_, unit(w)));
    } else {
      futures.push_back(commit_async(*store_, unit(create("Task", "t" + std::to_string(i)))));
    }
  }
  for (int i = 0; i < 100; ++i) {
    auto r = futures[i].get();
    if (i % 10 == 0) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, store_errc::version_conflict);
    } else {
      ASSERT_TRUE(r) << r.error().detail;
      EXPECT_TRUE(read("Task", "t" + std::to_string(i)));
    }
  }
  const auto after = store_->metrics();
  EXPECT_EQ(after.units_committed - before.units_committed, 90u);
  EXPECT_EQ(after.units_rejected - before.units_rejected, 10u);
  EXPECT_LT(after.transactions_committed - before.transactions_committed, 50u);
  EXPECT_EQ(read("Task", "shared")->version, 1);
}

// The writer applies a batch without savepoints first and, when a unit is rejected, rolls the
// transaction back and applies the batch again with one savepoint per unit (writer.cpp). A unit
// rejected after it had already claimed an identifier and written a resource must leave nothing
// behind, while every other unit of its batch commits once, with its own search rows, claim,
// outbox item and AuditEvent.
TEST_P(store_test, a_unit_rejected_after_writing_leaves_nothing_and_its_batch_keeps_the_rest) {
  ASSERT_TRUE(commit(unit(create("Task", "shared"))));
  const auto before = store_->metrics();
  std::vector<std::future<core::commit_outcome>> futures;
  for (int i = 0; i < 60; ++i) {
    const std::string n = std::to_string(i);
    core::unit_of_work u;
    u.claims.push_back({"ORG-A", "urn:ref", "REF-" + n, "Task", "t" + n});
    u.writes.push_back(create("Task", "t" + n, "ORG-A", {{"code", "batch-" + n}}));
    if (i % 7 == 3) {
      auto stale = create("Task", "shared");
      stale.kind = core::write_kind::update;
      stale.expected_version = 99;  // rejected after the claim and the first write
      u.writes.push_back(stale);
    }
    u.outbox.push_back({"msg-" + n, "events", "jsonl", "t" + n, "application/cloudevents+json", "{}"});
    std::string audit_json = R"({"resourceType":"AuditEvent","id":"audit-)";
    audit_json.append(n).append("\"}");
    u.audits.push_back({"audit-" + n, "", "ORG-A", "referrer", core::audit_action::create, "Task", "t" + n, "0",
                        "req-" + n, audit_json});
    futures.push_back(commit_async(*store_, std::move(u)));
  }
  int rejected = 0;
  for (int i = 0; i < 60; ++i) {
    const std::string n = std::to_string(i);
    auto r = futures[i].get();
    auto claim = wait_for<core::claim_lookup_outcome>(
        [&](auto cb) { store_->find_claim("ORG-A", "urn:ref", "REF-" + n, std::move(cb)); });
    ASSERT_TRUE(claim);
    core::search_query q;
    q.type = "Task";
    q.criteria.push_back({"code", {"batch-" + n}});
    auto found = search(q);
    ASSERT_TRUE(found) << found.error().message();
    core::audit_query aq;
    aq.entity = core::resource_ref{"Task", "t" + n};
    auto audits = search_audit(aq);
    ASSERT_TRUE(audits);
    auto outbox =
        wait_for<core::outbox_entry_outcome>([&](auto cb) { store_->show_outbox("msg-" + n, std::move(cb)); });
    if (i % 7 == 3) {
      ++rejected;
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, store_errc::version_conflict);
      EXPECT_EQ(read("Task", "t" + n).error(), store_errc::not_found) << n;
      EXPECT_FALSE(*claim) << n;
      EXPECT_TRUE(found->items.empty()) << n;
      EXPECT_EQ(outbox.error(), store_errc::not_found) << n;
      EXPECT_TRUE(audits->items.empty()) << n;
    } else {
      ASSERT_TRUE(r) << r.error().detail;
      ASSERT_TRUE(read("Task", "t" + n)) << n;
      EXPECT_EQ(read("Task", "t" + n)->version, 1);
      ASSERT_TRUE(*claim) << n;
      EXPECT_EQ((*claim)->id, "t" + n);
      EXPECT_EQ(found->items.size(), 1u) << n;
      EXPECT_TRUE(outbox) << n;
      ASSERT_EQ(audits->items.size(), 1u) << n;  // every committed unit keeps its AuditEvent
      EXPECT_EQ(audits->items[0].id, "audit-" + n);
    }
  }
  const auto after = store_->metrics();
  EXPECT_EQ(after.units_rejected - before.units_rejected, static_cast<std::uint64_t>(rejected));
  EXPECT_EQ(after.units_committed - before.units_committed, static_cast<std::uint64_t>(60 - rejected));
  EXPECT_EQ(read("Task", "shared")->version, 1);
}

TEST_P(store_test, over_the_queue_bound_commits_fail_fast_with_too_busy) {
  max_queue_ = 1;
  max_batch_ = 1;
  reopen();
  std::vector<std::future<core::commit_outcome>> futures;
  for (int i = 0; i < 200; ++i) {
    std::string id = "t";
    id += std::to_string(i);  // not "t" + to_string: g++ 12 warns (-Wrestrict) on that inlined insert
    futures.push_back(commit_async(*store_, unit(create("Task", id))));
  }
  int busy = 0, ok = 0;
  for (auto& f : futures) {
    auto r = f.get();
    if (r)
      ++ok;
    else if (r.error().code == store_errc::too_busy)
      ++busy;
  }
  EXPECT_GT(busy, 0);
  EXPECT_GT(ok, 0);
  EXPECT_EQ(busy + ok, 200);
  EXPECT_EQ(store_->metrics().too_busy, static_cast<std::uint64_t>(busy));
}

}  // namespace
}  // namespace gateway::store_test
