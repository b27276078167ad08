// The dispatcher driver over a real SQLite store and scripted delivery ports: results recorded in
// the store, retries and dead-letter, order per key, the bound per destination, resuming after a
// crash that left items leased.
#include "gateway/outbox/dispatcher.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "adapters/sqlite/sqlite_store.hpp"
#include "gateway/outbox/delivery_registry.hpp"
#include "gateway/outbox/outbox_metrics.hpp"

namespace gateway::outbox {
namespace {

using namespace std::chrono_literals;

template <class Result, class Start>
Result wait_for(Start start) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  start(core::store_callback<Result>([promise](Result r) { promise->set_value(std::move(r)); }));
  return future.get();
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

core::delivery_result http(int status) {
  core::delivery_result r;
  r.http_status = status;
  return r;
}

// Answers each delivery at once with what `answer` says, and records the order of calls.
class scripted_port final : public core::delivery_port {
 public:
  explicit scripted_port(std::function<core::delivery_result(const core::outbox_entry&, int call)> answer)
      : answer_(std::move(answer)) {}
  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override {
    int call = 0;
    {
      std::lock_guard lock(mutex_);
      calls_.push_back(item.item.id);
      call = ++per_id_[item.item.id];
    }
    done(answer_(item, call));
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::function<core::delivery_result(const core::outbox_entry&, int)> answer_;
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
  std::map<std::string, int> per_id_;
};

// Holds every delivery until the test releases it, counting how many are held at once.
class holding_port final : public core::delivery_port {
 public:
  void deliver(const core::outbox_entry&, core::store_callback<core::delivery_result> done) override {
    std::lock_guard lock(mutex_);
    held_.push_back(std::move(done));
    most_ = std::max(most_, held_.size());
    changed_.notify_all();
  }
  std::size_t held() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  std::size_t most() const {
    std::lock_guard lock(mutex_);
    return most_;
  }
  void release_all() {
    std::vector<core::store_callback<core::delivery_result>> done;
    {
      std::lock_guard lock(mutex_);
      done.swap(held_);
    }
    for (auto& d : done) d(http(200));
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<core::store_callback<core::delivery_result>> held_;
  std::size_t most_ = 0;
};

class dispatcher_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "rg-dispatch-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    sqlite::sqlite_options o;
    o.path = (dir_ / "store.db").string();
    auto opened = sqlite::sqlite_store::open(o);
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    options_.retry.base = 10ms;
    options_.retry.cap = 20ms;
    options_.retry.max_attempts = 5;
    options_.limits.idle_poll = 50ms;
    options_.stats_interval = 20ms;
  }
  void TearDown() override {
    run_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void add(const std::string& id, const std::string& key, const std::string& destination = "A81001") {
    core::unit_of_work u;
    u.outbox.push_back({id, "feedback", destination, key, "application/fhir+json", "{}"});
    auto r = wait_for<core::commit_outcome>([&](auto cb) { store_->commit(std::move(u), std::move(cb)); });
    ASSERT_TRUE(r.has_value());
  }
  core::outbox_entry show(const std::string& id) {
    return wait_for<core::outbox_entry_outcome>([&](auto cb) { store_->show_outbox(id, std::move(cb)); }).value();
  }
  bool delivered(const std::string& id) { return show(id).state == core::outbox_state::delivered; }
  void start() {
    run_ = std::make_unique<dispatcher>(*store_, registry_, options_, metrics_);
    run_->start();
  }

  std::filesystem::path dir_;
  std::unique_ptr<sqlite::sqlite_store> store_;
  delivery_registry registry_;
  dispatcher_options options_;
  outbox_metrics metrics_;
  std::unique_ptr<dispatcher> run_;
};

TEST_F(dispatcher_test, delivers_in_order_per_key_and_retries_a_503_until_it_is_accepted) {
  scripted_port port(
      [](const core::outbox_entry& e, int call) { return e.item.id == "r1-a" && call < 3 ? http(503) : http(200); });
  registry_.add("feedback", "A81001", {&port, 4, "test"});
  start();
  add("r1-a", "referral-1");
  add("r1-b", "referral-1");
  add("r2-a", "referral-2");
  ASSERT_TRUE(eventually([&] { return delivered("r1-a") && delivered("r1-b") && delivered("r2-a"); }));
  const auto calls = port.calls();
  // r1-b is not sent before r1-a is delivered (its third call); r2 does not wait for r1.
  const auto last_a = std::find(calls.rbegin(), calls.rend(), "r1-a");
  const auto b = std::find(calls.rbegin(), calls.rend(), "r1-b");
  ASSERT_NE(b, calls.rend());
  EXPECT_LT(b - calls.rbegin(), last_a - calls.rbegin()) << "r1-b after the last r1-a";
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "r1-a"), 3);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "r1-b"), 1);
  EXPECT_EQ(show("r1-a").attempts, 3);
  EXPECT_EQ(show("r1-a").last_error, "HTTP 503");
  EXPECT_EQ(metrics_.deliveries("feedback", core::next_action::kind::retry), 2u);
  EXPECT_EQ(metrics_.deliveries("feedback", core::next_action::kind::delivered), 3u);
}

TEST_F(dispatcher_test, a_400_is_dead_lettered_at_once_and_holds_its_key_until_requeued) {
  std::atomic<bool> accept{false};
  scripted_port port(
      [&](const core::outbox_entry& e, int) { return e.item.id == "r1-a" && !accept ? http(400) : http(200); });
  registry_.add("feedback", "A81001", {&port, 4, "test"});
  start();
  add("r1-a", "referral-1");
  add("r1-b", "referral-1");
  ASSERT_TRUE(eventually([&] { return show("r1-a").state == core::outbox_state::dead; }));
  EXPECT_EQ(show("r1-a").last_error, "HTTP 400 (not retryable)");
  EXPECT_EQ(show("r1-a").attempts, 1);
  // An item of another referral, queued after: once it is delivered, the dispatcher has fetched
  // since r1-b was due, and r1-b must still wait behind the dead one.
  add("r2-a", "referral-2");
  ASSERT_TRUE(eventually([&] { return delivered("r2-a"); }));
  EXPECT_EQ(show("r1-b").state, core::outbox_state::pending);
  EXPECT_EQ(show("r1-b").attempts, 0);
  accept = true;
  auto ec = wait_for<boost::system::error_code>(
      [&](auto cb) { store_->requeue("r1-a", std::chrono::system_clock::now(), std::move(cb)); });
  ASSERT_FALSE(ec);
  ASSERT_TRUE(eventually([&] { return delivered("r1-a") && delivered("r1-b"); }));
}

TEST_F(dispatcher_test, an_item_without_a_delivery_route_is_dead_lettered_saying_so) {
  start();
  add("x", "referral-1", "ZZZ99");
  ASSERT_TRUE(eventually([&] { return show("x").state == core::outbox_state::dead; }));
  EXPECT_NE(show("x").last_error.find("no delivery configured"), std::string::npos) << show("x").last_error;
}

TEST_F(dispatcher_test, never_more_than_the_bound_in_flight_per_destination) {
  holding_port slow;
  scripted_port other([](const core::outbox_entry&, int) { return http(200); });
  registry_.add("feedback", "A81001", {&slow, 2, "slow"});
  registry_.add("feedback", "B82002", {&other, 2, "other"});
  // Names built by append, not operator+: g++ 12 warns (-Wrestrict) on the latter here.
  const auto name = [](const char* prefix, int i) { return std::string(prefix).append(std::to_string(i)); };
  for (int i = 0; i < 8; ++i) add(name("a", i), name("ra", i), "A81001");
  add("b0", "rb0", "B82002");
  start();
  ASSERT_TRUE(eventually([&] { return slow.held() == 2; }));
  // The other destination is not held up by the slow one; and after another round for it, the slow
  // one still has only its bound in flight.
  ASSERT_TRUE(eventually([&] { return delivered("b0"); }));
  add("b1", "rb1", "B82002");
  ASSERT_TRUE(eventually([&] { return delivered("b1"); }));
  EXPECT_EQ(slow.held(), 2u);
  while (!eventually(
      [&] {
        for (int i = 0; i < 8; ++i) {
          if (!delivered(name("a", i))) return false;
        }
        return true;
      },
      20ms)) {
    slow.release_all();
  }
  EXPECT_EQ(slow.most(), 2u);
}

// Fairness across destinations (issue 16, hazard H-DLV-FAIR): a referrer whose receiver does not
// answer, with thousands of feedback messages due, holds a bounded share of the dispatcher's window
// (leased items), and another referrer's feedback, queued after all of them, is delivered at once.
TEST_F(dispatcher_test, a_backlog_for_a_stalled_destination_does_not_delay_another_destination) {
  holding_port stalled;
  scripted_port prompt([](const core::outbox_entry&, int) { return http(200); });
  registry_.add("feedback", "A81001", {&stalled, 4, "stalled"});
  registry_.add("feedback", "B82002", {&prompt, 4, "prompt"});
  options_.stop_grace = 50ms;
  constexpr int backlog = 3'000;
  core::unit_of_work u;
  for (int i = 0; i < backlog; ++i) {
    u.outbox.push_back({std::string("a").append(std::to_string(i)), "feedback", "A81001",
                        std::string("ra").append(std::to_string(i)), "application/fhir+json", "{}"});
  }
  ASSERT_TRUE(wait_for<core::commit_outcome>([&](auto cb) { store_->commit(std::move(u), std::move(cb)); }));
  for (const char* id : {"b0", "b1", "b2"}) add(id, std::string("rb-").append(id), "B82002");
  start();
  ASSERT_TRUE(eventually([&] { return delivered("b0") && delivered("b1") && delivered("b2"); }))
      << "B82002's feedback waits behind A81001's backlog";
  EXPECT_EQ(stalled.held(), 4u);
  // A81001 holds its in-flight bound plus as many waiting, not the window (max_held, 1,024).
  core::outbox_list_query q;
  q.state = core::outbox_state::pending;
  q.count = backlog;
  const auto pending = wait_for<core::outbox_entries_outcome>([&](auto cb) { store_->list_outbox(q, std::move(cb)); });
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->size(), static_cast<std::size_t>(backlog));
  const auto leased = std::count_if(pending->begin(), pending->end(),
                                    [](const core::outbox_entry& e) { return e.leased_until.has_value(); });
  EXPECT_EQ(leased, 8);
  run_.reset();  // before the ports: the stalled deliveries are abandoned, their items stay leased
}

TEST_F(dispatcher_test, resumes_items_a_crashed_process_left_leased) {
  add("r1-a", "referral-1");
  // A previous process fetched it (leased for an hour) and died before recording anything.
  auto leased = wait_for<core::outbox_entries_outcome>(
      [&](auto cb) { store_->fetch_due(std::chrono::system_clock::now(), 10, 1h, {}, std::move(cb)); });
  ASSERT_EQ(leased.value().size(), 1u);
  scripted_port port([](const core::outbox_entry&, int) { return http(200); });
  registry_.add("feedback", "A81001", {&port, 4, "test"});
  start();
  ASSERT_TRUE(eventually([&] { return delivered("r1-a"); }, 5s)) << "release_leases at start, not after the hour";
  EXPECT_EQ(show("r1-a").attempts, 2);
}

TEST_F(dispatcher_test, stop_waits_for_results_in_flight_to_be_recorded) {
  holding_port slow;
  registry_.add("feedback", "A81001", {&slow, 4, "slow"});
  add("r1-a", "referral-1");
  start();
  ASSERT_TRUE(eventually([&] { return slow.held() == 1; }));
  run_->begin_stop();
  slow.release_all();  // the result arrives after shutdown began
  run_->stop();
  EXPECT_TRUE(delivered("r1-a"));
}

}  // namespace
}  // namespace gateway::outbox
