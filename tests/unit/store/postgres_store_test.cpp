// PostgreSQL only: several instances sharing one database (claims, leases, order, wake-ups),
// migrations under the advisory lock, and a connection that breaks. The contract every engine
// keeps is in the store_*_test.cpp files.
#include "adapters/postgres/postgres_store.hpp"

#include "adapters/postgres/pg_schema.hpp"
#include "tests/unit/store/store_fixture.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace gateway::store_test {
namespace {

using core::store_errc;
using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;
using error_code = boost::system::error_code;
using rg::testing::shared_postgres;

class postgres_instances : public store_test {
 protected:
  void SetUp() override {
    store_test::SetUp();
    if (IsSkipped()) return;
    // Items are due from the moment they are committed; fetching "an hour from now" makes every
    // item enqueued by a test due however long the enqueueing takes on a loaded machine.
    later_ = clock_type::now() + 1h;
    other_ = open_another("test-b");
    ASSERT_TRUE(other_);
  }
  void TearDown() override {
    other_.reset();
    store_test::TearDown();
  }
  static void enqueue(core::store& s, const std::string& id, const std::string& key) {
    core::unit_of_work u;
    u.outbox.push_back({id, "feedback", "ORG-A", key, "application/fhir+json", "{}"});
    ASSERT_TRUE(wait_for<core::commit_outcome>([&](auto cb) { s.commit(std::move(u), std::move(cb)); }));
  }
  static std::vector<std::string> fetch(core::store& s, clock_type::time_point now,
                                        std::chrono::milliseconds lease = 30s) {
    auto r = wait_for<core::outbox_entries_outcome>([&](auto cb) { s.fetch_due(now, 100, lease, {}, std::move(cb)); });
    EXPECT_TRUE(r);
    std::vector<std::string> out;
    if (r)
      for (const auto& e : *r) out.push_back(e.item.id);
    return out;
  }
  static error_code delivered(core::store& s, const std::string& id) {
    return wait_for<error_code>([&](auto cb) { s.mark_delivered(id, clock_type::now(), std::move(cb)); });
  }
  std::string query(const std::string& sql) { return shared_postgres().query_value("postgres", sql); }

  std::unique_ptr<core::store> other_;
  clock_type::time_point later_;
};

INSTANTIATE_TEST_SUITE_P(postgres, postgres_instances, ::testing::Values(engine::postgres), engine_name);

core::unit_of_work referral(const std::string& id) {
  auto u = unit(create("ServiceRequest", id, "ORG-A", {{"identifier", "urn:ref|REF-1"}}));
  u.claims.push_back({"ORG-A", "urn:ref", "REF-1", "ServiceRequest", id});
  return u;
}

TEST_P(postgres_instances, fifty_identical_creates_spread_over_two_instances_store_exactly_one) {
  constexpr int n = 50;
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  std::vector<core::commit_outcome> results(n, core::commit_failure{});
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      core::store& s = i % 2 == 0 ? *store_ : *other_;
      while (go.load() == 0) {
      }
      results[i] =
          wait_for<core::commit_outcome>([&](auto cb) { s.commit(referral("sr" + std::to_string(i)), std::move(cb)); });
    });
  go = 1;
  for (auto& t : threads) t.join();
  std::set<std::string> winners;
  for (const auto& r : results) {
    if (r) {
      winners.insert(r->written[0].id);
    } else {
      EXPECT_EQ(r.error().code, store_errc::identifier_taken) << r.error().detail;
    }
  }
  ASSERT_EQ(winners.size(), 1u);
  for (const auto& r : results)
    if (!r && r.error().existing) {
      EXPECT_EQ(r.error().existing->id, *winners.begin());
    }
  EXPECT_EQ(query("SELECT count(*) FROM " + schema_ + ".resources WHERE type = 'ServiceRequest'"), "1");
}

TEST_P(postgres_instances, only_heads_are_leased_and_no_item_by_two_instances_at_once) {
  for (int k = 0; k < 20; ++k)
    for (int i = 0; i < 3; ++i) {
      std::string id = "k";  // appended: g++ 12 warns falsely (-Wrestrict) on "k" + ...
      id += std::to_string(k) + "-" + std::to_string(i);
      enqueue(*store_, id, std::to_string(k));
    }
  // Both instances fetch at the same moment, many times; every lease is of a head, none twice.
  std::multiset<std::string> leased;
  std::mutex m;
  auto fetcher = [&](core::store& s) {
    for (int round = 0; round < 5; ++round) {
      auto got = fetch(s, later_);
      std::lock_guard lock(m);
      leased.insert(got.begin(), got.end());
    }
  };
  std::thread a(fetcher, std::ref(*store_)), b(fetcher, std::ref(*other_));
  a.join();
  b.join();
  EXPECT_EQ(leased.size(), 20u);
  for (const auto& id : leased) {
    EXPECT_EQ(leased.count(id), 1u) << id;
    EXPECT_EQ(id.substr(id.find('-')), "-0") << "not a head: " << id;
  }
  // Delivered on instance A, the key's next item is leasable on instance B.
  EXPECT_FALSE(delivered(*store_, "k7-0"));
  EXPECT_EQ(fetch(*other_, later_), (std::vector<std::string>{"k7-1"}));
}

TEST_P(postgres_instances, a_dead_instances_lease_runs_out_and_another_takes_over_in_order) {
  enqueue(*store_, "a1", "sr-a");
  enqueue(*store_, "a2", "sr-a");
  ASSERT_EQ(fetch(*store_, later_, 2s), (std::vector<std::string>{"a1"}));
  store_.reset();  // instance A dies holding a1
  EXPECT_TRUE(fetch(*other_, later_).empty()) << "a1 is leased, a2 is behind it";
  // B's release frees only B's own leases.
  EXPECT_FALSE(wait_for<error_code>([&](auto cb) { other_->release_leases(std::move(cb)); }));
  EXPECT_TRUE(fetch(*other_, later_).empty());
  // Once the lease has run out, B takes a1 over (same id), then a2.
  EXPECT_EQ(fetch(*other_, later_ + 3s), (std::vector<std::string>{"a1"}));
  EXPECT_FALSE(delivered(*other_, "a1"));
  EXPECT_EQ(fetch(*other_, later_ + 3s), (std::vector<std::string>{"a2"}));
  // A restarted under its own name releases what it held before at once.
  enqueue(*other_, "b1", "sr-b");
  reopen();
  ASSERT_EQ(fetch(*store_, later_), (std::vector<std::string>{"b1"}));
  reopen();
  EXPECT_FALSE(wait_for<error_code>([&](auto cb) { store_->release_leases(std::move(cb)); }));
  EXPECT_EQ(fetch(*store_, later_), (std::vector<std::string>{"b1"}));
}

TEST_P(postgres_instances, a_commit_with_outbox_items_on_one_instance_wakes_the_other) {
  std::mutex m;
  std::condition_variable cv;
  int wakes = 0;
  other_->on_outbox_ready([&] {
    std::lock_guard lock(m);
    ++wakes;
    cv.notify_all();
  });
  // The listener wakes once when its connection is up; wait for that, then for the NOTIFY.
  std::unique_lock lock(m);
  ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return wakes >= 1; }));
  const int before = wakes;
  lock.unlock();
  enqueue(*store_, "n1", "sr-n");
  lock.lock();
  EXPECT_TRUE(cv.wait_for(lock, 10s, [&] { return wakes > before; })) << "no NOTIFY reached instance B";
  lock.unlock();
  other_->on_outbox_ready(nullptr);
}

class postgres_open : public store_test {};
INSTANTIATE_TEST_SUITE_P(postgres, postgres_open, ::testing::Values(engine::postgres), engine_name);

TEST_P(postgres_open, instances_starting_together_migrate_once_and_reopen_is_a_no_op) {
  store_.reset();
  std::string schema;
  postgres::postgres_options o;
  o.dsn = fresh_postgres_schema(schema);
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      auto options = o;
      options.instance = "i" + std::to_string(i);
      auto s = postgres::postgres_store::open(options);
      EXPECT_TRUE(s) << s.error().message;
      if (s) ++opened;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 4);
  const auto version = std::to_string(postgres::latest_schema_version());
  EXPECT_EQ(shared_postgres().query_value("postgres", "SELECT max(version) FROM " + schema + ".rg_schema"), version);
  EXPECT_EQ(shared_postgres().query_value("postgres", "SELECT count(*) FROM " + schema + ".rg_schema"), version)
      << "each migration applied once";
}

TEST_P(postgres_open, a_schema_newer_than_this_build_is_refused) {
  store_.reset();
  shared_postgres().execute("postgres", "INSERT INTO " + schema_ + ".rg_schema (version) VALUES (999)");
  auto r = postgres::postgres_store::open(postgres_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_errc::unavailable);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
}

TEST_P(postgres_open, an_unreachable_server_is_an_open_error_that_does_not_show_the_password) {
  store_.reset();
  postgres::postgres_options o;
  o.dsn = "host=127.0.0.1 port=1 dbname=x user=rg password=s3cret connect_timeout=2";
  auto r = postgres::postgres_store::open(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_errc::unavailable);
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("s3cret"), std::string::npos) << r.error().message;
}

TEST_P(postgres_open, a_broken_connection_answers_unavailable_then_the_store_reconnects) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  ASSERT_TRUE(read("Task", "t1"));
  // Cut every connection of the store, as a server restart would.
  shared_postgres().execute("postgres",
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = 'referral-gateway' AND pid <> pg_backend_pid()");
  auto failed = commit(unit(create("Task", "t2")));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, store_errc::unavailable);
  EXPECT_FALSE(store_->metrics().transactions_failed == 0);
  // The next requests open new connections.
  auto ok = commit(unit(create("Task", "t3")));
  for (int i = 0; i < 50 && !ok; ++i) {
    std::this_thread::sleep_for(50ms);  // connection_slot waits reconnect_interval between attempts
    ok = commit(unit(create("Task", "t3")));
  }
  ASSERT_TRUE(ok) << ok.error().detail;
  core::read_outcome r = read("Task", "t1");
  for (int i = 0; i < 50 && !r; ++i) {
    std::this_thread::sleep_for(50ms);
    r = read("Task", "t1");
  }
  EXPECT_TRUE(r);
  EXPECT_EQ(read("Task", "t2").error(), store_errc::not_found);
  EXPECT_TRUE(store_->metrics().available);
}

}  // namespace
}  // namespace gateway::store_test
