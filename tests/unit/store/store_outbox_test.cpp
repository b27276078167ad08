
#include "tests/unit/store/store_fixture.hpp"

#include <atomic>

namespace gateway::store_test {
namespace {

using core::store_errc;
using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;
using error_code = boost::system::error_code;

class outbox_test : public store_test {
 protected:
  void SetUp() override {
    store_test::SetUp();
    later_ = clock_type::now() + 1min;  // after the store (and the PostgreSQL cluster) started; items enqueued
    // by a test (slowly, on a loaded machine) are due by then
  }
  void enqueue(const std::string& id, const std::string& key, const std::string& channel = "feedback") {
    core::unit_of_work u;
    u.outbox.push_back({id, channel, "ORG-A", key, "application/fhir+json", "{\"n\":\"" + id + "\"}"});
    ASSERT_TRUE(commit(u));
  }
  std::vector<std::string> fetch(clock_type::time_point now, std::size_t limit = 100,
                                 std::chrono::milliseconds lease = 30s, const core::outbox_fetch_scope& scope = {}) {
    auto r = wait_for<core::outbox_entries_outcome>(
        [&](auto cb) { store_->fetch_due(now, limit, lease, scope, std::move(cb)); });
    EXPECT_TRUE(r);
    std::vector<std::string> out;
    for (const auto& e : *r) out.push_back(e.item.id);
    return out;
  }
  error_code delivered(const std::string& id) {
    return wait_for<error_code>([&](auto cb) { store_->mark_delivered(id, clock_type::now(), std::move(cb)); });
  }
  error_code failed(const std::string& id, clock_type::time_point next) {
    return wait_for<error_code>([&](auto cb) { store_->mark_failed(id, next, "503 from peer", std::move(cb)); });
  }
  error_code dead(const std::string& id) {
    return wait_for<error_code>([&](auto cb) { store_->park_dead(id, "400 from peer", std::move(cb)); });
  }
  error_code requeue(const std::string& id, clock_type::time_point at) {
    return wait_for<error_code>([&](auto cb) { store_->requeue(id, at, std::move(cb)); });
  }
  std::vector<error_code> record(std::vector<core::outbox_result> results) {
    return wait_for<std::vector<error_code>>(
        [&](auto cb) { store_->record_results(std::move(results), std::move(cb)); });
  }
  core::outbox_entry show(const std::string& id) {
    return wait_for<core::outbox_entry_outcome>([&](auto cb) { store_->show_outbox(id, std::move(cb)); }).value();
  }
  clock_type::time_point later_ = clock_type::now() + 1s;
};

RG_STORE_CONTRACT(outbox_test);

TEST_P(outbox_test, only_the_head_of_each_key_is_due_and_in_order) {
  enqueue("a1", "sr-a");
  enqueue("b1", "sr-b");
  enqueue("a2", "sr-a");
  enqueue("a3", "sr-a");
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a1", "b1"}));
  // Leased: nothing more of those keys until they are recorded.
  EXPECT_TRUE(fetch(later_).empty());
  EXPECT_FALSE(delivered("a1"));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a2"}));
  EXPECT_FALSE(delivered("a2"));
  EXPECT_FALSE(delivered("b1"));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a3"}));
  EXPECT_EQ(show("a3").attempts, 1);
}

// Fairness across destinations (issue 16, hazard H-DLV-FAIR): with thousands of due items for one
// referrer, queued first, another referrer's items are in the same fetch; a destination that holds
// its share is left out, and one with a share of its own gets that many.
TEST_P(outbox_test, a_destinations_backlog_does_not_hide_another_destinations_items_from_a_fetch) {
  constexpr int backlog = 3'000;
  core::unit_of_work u;
  for (int i = 0; i < backlog; ++i) {
    // Names built by append, not operator+: g++ 12 warns (-Wrestrict) on the latter here.
    const std::string n = std::to_string(i);
    u.outbox.push_back({std::string("a").append(n), "feedback", "ORG-A", std::string("sr-a").append(n),
                        "application/fhir+json", "{}"});
  }
  ASSERT_TRUE(commit(u));
  core::unit_of_work b;
  for (const char* id : {"b1", "b2", "b3"})
    b.outbox.push_back({id, "feedback", "ORG-B", std::string("sr-").append(id), "application/fhir+json", "{}"});
  b.outbox.push_back({"b4", "feedback", "ORG-B", "sr-b1", "application/fhir+json", "{}"});  // behind b1
  ASSERT_TRUE(commit(b));

  core::outbox_fetch_scope scope;
  scope.per_destination = 4;
  EXPECT_EQ(fetch(later_, 64, 30s, scope), (std::vector<std::string>{"a0", "a1", "a2", "a3", "b1", "b2", "b3"}));
  // ORG-A holds its share: left out; ORG-B has nothing more due (b4 waits for b1).
  scope.shares = {{"feedback", "ORG-A", 0}};
  EXPECT_TRUE(fetch(later_, 64, 30s, scope).empty());
  // A share of its own, and the limit still takes the oldest first.
  scope.shares = {{"feedback", "ORG-A", 10}};
  EXPECT_EQ(fetch(later_, 3, 30s, scope), (std::vector<std::string>{"a4", "a5", "a6"}));
  // Without a scope the fetch is the oldest `limit` eligible items.
  EXPECT_EQ(fetch(later_, 2), (std::vector<std::string>{"a7", "a8"}));
}

TEST_P(outbox_test, several_results_recorded_in_one_unit_have_each_its_effect_and_report_unknown_ids) {
  enqueue("a1", "A");
  enqueue("a2", "A");
  enqueue("b1", "B");
  enqueue("b2", "B");
  enqueue("c1", "C");
  enqueue("c2", "C");
  enqueue("d1", "D");
  enqueue("d2", "D");
  ASSERT_EQ(fetch(later_), (std::vector<std::string>{"a1", "b1", "c1", "d1"}));
  const auto units_before = store_->metrics().units_committed;
  using kind = core::outbox_result::kind;
  std::vector<core::outbox_result> results{{"a1", kind::delivered, clock_type::now(), ""},
                                           {"nope", kind::delivered, clock_type::now(), ""},
                                           {"b1", kind::failed, later_ + 10s, "503 from peer"},
                                           {"c1", kind::dead, {}, "400 from peer"},
                                           {"d1", kind::delivered, clock_type::now(), ""}};
  const auto errors =
      wait_for<std::vector<error_code>>([&](auto cb) { store_->record_results(std::move(results), std::move(cb)); });
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_FALSE(errors[0]);
  EXPECT_EQ(errors[1], store_errc::not_found);
  EXPECT_FALSE(errors[2]);
  EXPECT_FALSE(errors[3]);
  EXPECT_FALSE(errors[4]);
  if (GetParam() == engine::sqlite) {
    EXPECT_EQ(store_->metrics().units_committed, units_before + 1);  // one writer unit for all of them
  }
  EXPECT_EQ(show("a1").state, core::outbox_state::delivered);
  EXPECT_EQ(show("d1").state, core::outbox_state::delivered);
  const auto b1 = show("b1");
  EXPECT_EQ(b1.state, core::outbox_state::pending);
  EXPECT_EQ(b1.last_error, "503 from peer");
  EXPECT_FALSE(b1.leased_until) << "its lease ended with the result";
  const auto c1 = show("c1");
  EXPECT_EQ(c1.state, core::outbox_state::dead);
  EXPECT_EQ(c1.last_error, "400 from peer");
  // Delivered heads free their keys; a failed head holds its key until it is due; a dead one until
  // it is requeued.
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a2", "d2"}));
  EXPECT_EQ(fetch(later_ + 10s), (std::vector<std::string>{"b1"}));
}

TEST_P(outbox_test, failed_item_waits_for_its_next_attempt_and_keeps_its_error) {
  enqueue("a1", "sr-a");
  enqueue("a2", "sr-a");
  ASSERT_EQ(fetch(later_).size(), 1u);
  EXPECT_FALSE(failed("a1", later_ + 10s));
  EXPECT_TRUE(fetch(later_).empty());  // a1 not due yet, a2 behind it
  EXPECT_EQ(fetch(later_ + 10s), (std::vector<std::string>{"a1"}));
  const auto e = show("a1");
  EXPECT_EQ(e.attempts, 2);
  EXPECT_EQ(e.last_error, "503 from peer");
  EXPECT_EQ(e.state, core::outbox_state::pending);
}

TEST_P(outbox_test, items_behind_a_dead_item_wait_until_it_is_requeued) {
  enqueue("a1", "sr-a");
  enqueue("a2", "sr-a");
  enqueue("b1", "sr-b");
  ASSERT_EQ(fetch(later_).size(), 2u);
  EXPECT_FALSE(dead("a1"));
  EXPECT_FALSE(delivered("b1"));
  EXPECT_TRUE(fetch(later_).empty()) << "a2 must not overtake the dead a1";
  EXPECT_EQ(show("a1").state, core::outbox_state::dead);

  auto counts = wait_for<core::outbox_stats_outcome>([&](auto cb) { store_->outbox_counts(std::move(cb)); });
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->dead, 1);
  EXPECT_EQ(counts->pending, 1);

  core::outbox_list_query only_dead;
  only_dead.state = core::outbox_state::dead;
  auto listed = wait_for<core::outbox_entries_outcome>([&](auto cb) { store_->list_outbox(only_dead, std::move(cb)); });
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().item.id, "a1");
  EXPECT_EQ(listed->front().last_error, "400 from peer");

  EXPECT_FALSE(requeue("a1", later_));
  EXPECT_EQ(show("a1").attempts, 0);
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a1"}));
  EXPECT_FALSE(delivered("a1"));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a2"}));
}

// Issue 16 (hazard H-DLV-FAIR): the items queued behind a failed head wait for its retry in the
// store too, not only in the fetch's check, so a fetch does not walk them while it waits; then
// the head goes first and the rest in order. Both ways of recording a failure.
TEST_P(outbox_test, items_behind_a_failed_head_are_due_at_its_retry_then_go_in_order) {
  for (const char* id : {"a1", "a2", "a3"}) enqueue(id, "sr-a");
  for (const char* id : {"b1", "b2"}) enqueue(id, "sr-b");
  ASSERT_EQ(fetch(later_), (std::vector<std::string>{"a1", "b1"}));
  const auto retry = std::chrono::floor<std::chrono::milliseconds>(later_ + 10min);  // as the store keeps it
  EXPECT_FALSE(failed("a1", retry));
  using kind = core::outbox_result::kind;
  const auto errors = record({{"b1", kind::failed, retry + 1min, "503 from peer"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_FALSE(errors[0]);
  for (const char* id : {"a2", "a3"}) EXPECT_GE(show(id).next_attempt_at, retry) << id;
  EXPECT_GE(show("b2").next_attempt_at, retry + 1min);

  EXPECT_TRUE(fetch(retry - 1s).empty());
  EXPECT_EQ(fetch(retry), (std::vector<std::string>{"a1"}));
  EXPECT_FALSE(delivered("a1"));
  EXPECT_EQ(fetch(retry), (std::vector<std::string>{"a2"}));
  EXPECT_FALSE(delivered("a2"));
  EXPECT_EQ(fetch(retry), (std::vector<std::string>{"a3"}));
  EXPECT_FALSE(delivered("a3"));
  EXPECT_EQ(fetch(retry + 1min), (std::vector<std::string>{"b1"}));
  EXPECT_FALSE(delivered("b1"));
  EXPECT_EQ(fetch(retry + 1min), (std::vector<std::string>{"b2"}));
}

// Behind a dead head nothing is ever fetched, and in the store nothing behind it is due (so no
// fetch walks it, however long the head stays dead); the stats still age those items by their
// creation. Requeued, the head comes back first, then the rest in order. Dead by record_results
// (the dispatcher) and by park_dead (an operator); back by requeue and by requeue_all_dead.
TEST_P(outbox_test, items_behind_a_dead_head_are_never_due_until_it_is_requeued_then_go_in_order) {
  for (const char* id : {"a1", "a2", "a3"}) enqueue(id, "sr-a");
  for (const char* id : {"b1", "b2"}) enqueue(id, "sr-b");
  ASSERT_EQ(fetch(later_), (std::vector<std::string>{"a1", "b1"}));
  using kind = core::outbox_result::kind;
  const auto errors = record({{"a1", kind::dead, {}, "400 from peer"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_FALSE(errors[0]);
  EXPECT_FALSE(dead("b1"));
  const auto far = later_ + 24h * 365 * 50;
  for (const char* id : {"a2", "a3", "b2"}) EXPECT_GT(show(id).next_attempt_at, far) << id;
  EXPECT_TRUE(fetch(far).empty());
  const auto counts = wait_for<core::outbox_stats_outcome>([&](auto cb) { store_->outbox_counts(std::move(cb)); });
  ASSERT_TRUE(counts);
  ASSERT_TRUE(counts->oldest_pending_created_at);
  EXPECT_LT(*counts->oldest_pending_created_at, later_);

  EXPECT_FALSE(requeue("a1", later_));
  for (const char* id : {"a2", "a3"}) EXPECT_LE(show(id).next_attempt_at, later_) << id;
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a1"}));
  EXPECT_FALSE(delivered("a1"));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a2"}));
  EXPECT_FALSE(delivered("a2"));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a3"}));

  auto n =
      wait_for<boost::system::result<std::int64_t>>([&](auto cb) { store_->requeue_all_dead(later_, std::move(cb)); });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_LE(show("b2").next_attempt_at, later_);
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"b1"}));
  EXPECT_FALSE(delivered("b1"));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"b2"}));
}

// An operator parks an item while its last attempt is on the wire, and the attempt succeeds: the
// item is delivered after all, and the items behind it, taken out of the due range by the park,
// are due again (else they would wait for a requeue that can never come: it is delivered).
TEST_P(outbox_test, items_behind_a_dead_item_that_is_delivered_after_all_are_due_again) {
  for (const char* id : {"a1", "a2"}) enqueue(id, "sr-a");
  ASSERT_EQ(fetch(later_), (std::vector<std::string>{"a1"}));
  EXPECT_FALSE(dead("a1"));
  using kind = core::outbox_result::kind;
  const auto errors = record({{"a1", kind::delivered, clock_type::now(), ""}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_FALSE(errors[0]);
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a2"}));
}

TEST_P(outbox_test, requeue_all_dead_and_errors_for_unknown_or_delivered_items) {
  enqueue("a1", "sr-a");
  enqueue("b1", "sr-b");
  fetch(later_);
  dead("a1");
  dead("b1");
  auto n =
      wait_for<boost::system::result<std::int64_t>>([&](auto cb) { store_->requeue_all_dead(later_, std::move(cb)); });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(requeue("nope", later_), store_errc::not_found);
  EXPECT_EQ(delivered("nope"), store_errc::not_found);
  EXPECT_FALSE(delivered("a1"));
  EXPECT_EQ(requeue("a1", later_), store_errc::invalid_request);
}

TEST_P(outbox_test, an_expired_lease_makes_the_item_due_again_and_release_clears_leases) {
  enqueue("a1", "sr-a");
  ASSERT_EQ(fetch(later_, 10, 1s).size(), 1u);
  EXPECT_TRUE(fetch(later_).empty());
  EXPECT_EQ(fetch(later_ + 2s), (std::vector<std::string>{"a1"}));  // crash between send and record
  EXPECT_FALSE(wait_for<error_code>([&](auto cb) { store_->release_leases(std::move(cb)); }));
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a1"}));
}

TEST_P(outbox_test, channels_order_independently_for_the_same_key) {
  enqueue("f1", "sr-a", "feedback");
  enqueue("e1", "sr-a", "events");
  fetch(later_);
  dead("f1");
  enqueue("e2", "sr-a", "events");
  delivered("e1");
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"e2"}));
}

TEST_P(outbox_test, commits_with_outbox_items_wake_the_dispatcher_and_survive_reopen) {
  std::atomic<int> wakes{0};
  store_->on_outbox_ready([&] { ++wakes; });
  enqueue("a1", "sr-a");
  EXPECT_GE(wakes.load(), 1);
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));  // no outbox item: no wake needed
  // SQLite: only the writer wakes it. PostgreSQL also wakes it from LISTEN (its own NOTIFY arrives
  // there too, at a time of its own), so only the lower bound is the contract.
  if (GetParam() == engine::sqlite) {
    EXPECT_EQ(wakes.load(), 1);
  }
  store_->on_outbox_ready(nullptr);
  reopen();
  EXPECT_EQ(show("a1").item.payload, "{\"n\":\"a1\"}");
  EXPECT_EQ(fetch(later_), (std::vector<std::string>{"a1"}));
}

}  // namespace
}  // namespace gateway::store_test
