#include "adapters/sqlite/outbox_sql.hpp"

#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/sqlite_store.hpp"
#include "tests/unit/store/store_fixture.hpp"

#include <sqlite3.h>

#include <iostream>

namespace gateway::store_test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;
using kind = core::outbox_result::kind;

// SQLite only (issue 16, hazard H-DLV-FAIR): the fetch walks each destination's due items along
// outbox_pending_by_destination and skips those that are not the head of their key. The items
// queued behind a failed or dead head used to stay due there, so with one referrer down every
// fetch walked (and checked) all of them again, and its cost grew with that referrer's backlog.
// Measured as SQLite VM steps over every statement of one fetch, run on the store's own file.
class outbox_walk_test : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // ORG-A: 10 keys, each a head and `behind` items queued after it, the heads failed (retry in an
  // hour) or dead, recorded as the dispatcher records them. ORG-B: 5 due items. Then the VM steps
  // of one fetch, which must return ORG-B's items and nothing of ORG-A's.
  std::int64_t steps_of_a_fetch(int behind, kind head_outcome) {
    sqlite::sqlite_options o;
    o.path = (dir_ / ("walk-" + std::to_string(behind) + ".db")).string();
    const auto later = clock_type::now() + 1min;
    {
      auto opened = sqlite::sqlite_store::open(o);
      EXPECT_TRUE(opened) << opened.error().message;
      if (!opened) return 0;
      auto& store = **opened;
      core::unit_of_work u;
      for (int round = 0; round <= behind; ++round) {
        for (int key = 0; key < keys; ++key) {
          std::string id = "a";
          id.append(std::to_string(key)).append("-").append(std::to_string(round));
          std::string ordering_key = "sr-a";
          ordering_key.append(std::to_string(key));
          u.outbox.push_back({id, "feedback", "ORG-A", ordering_key, "application/fhir+json", "{}"});
        }
      }
      for (int i = 0; i < 5; ++i) {
        const std::string n = std::to_string(i);
        u.outbox.push_back(
            {std::string("b").append(n), "feedback", "ORG-B", std::string("sr-b").append(n), "application/json", "{}"});
      }
      EXPECT_TRUE(wait_for<core::commit_outcome>([&](auto cb) { store.commit(std::move(u), std::move(cb)); }));
      core::outbox_fetch_scope only_a;
      only_a.shares = {{"feedback", "ORG-B", 0}};
      const auto heads = wait_for<core::outbox_entries_outcome>(
          [&](auto cb) { store.fetch_due(later, 64, 30s, only_a, std::move(cb)); });
      EXPECT_TRUE(heads && heads->size() == static_cast<std::size_t>(keys));
      if (!heads) return 0;
      std::vector<core::outbox_result> results;
      for (const auto& e : *heads) results.push_back({e.item.id, head_outcome, later + 1h, "503 from peer"});
      const auto errors = wait_for<std::vector<boost::system::error_code>>(
          [&](auto cb) { store.record_results(std::move(results), std::move(cb)); });
      for (const auto& e : errors) EXPECT_FALSE(e);
    }

    std::string error;
    auto db = sqlite::connection::open(o.path, false, 1000, error);
    EXPECT_TRUE(db) << error;
    if (!db) return 0;
    db->exec("BEGIN");
    core::outbox_fetch_scope scope;
    scope.per_destination = 8;
    sqlite3* h = db->handle();
    // The fetch prepares its statements on first use: once to prepare them, once to count.
    sqlite::outbox_fetch_due(*db, later, 64, 30s, scope);
    db->exec("ROLLBACK");
    db->exec("BEGIN");
    for (sqlite3_stmt* s = sqlite3_next_stmt(h, nullptr); s != nullptr; s = sqlite3_next_stmt(h, s))
      sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 1);
    const auto due = sqlite::outbox_fetch_due(*db, later, 64, 30s, scope);
    std::int64_t steps = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(h, nullptr); s != nullptr; s = sqlite3_next_stmt(h, s))
      steps += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_VM_STEP, 0);
    db->exec("ROLLBACK");
    EXPECT_TRUE(due);
    if (due) {
      std::vector<std::string> ids;
      for (const auto& e : *due) ids.push_back(e.item.id);
      EXPECT_EQ(ids, (std::vector<std::string>{"b0", "b1", "b2", "b3", "b4"})) << behind << " behind each head";
    }
    std::cout << keys * behind << " items behind " << keys << " heads: " << steps << " VM steps per fetch\n";
    return steps;
  }

  static constexpr int keys = 10;
  std::filesystem::path dir_;
};

TEST_F(outbox_walk_test, a_fetch_does_not_walk_the_items_queued_behind_failed_heads) {
  const auto few = steps_of_a_fetch(30, kind::failed);
  const auto many = steps_of_a_fetch(300, kind::failed);
  ASSERT_GT(few, 0);
  EXPECT_LT(static_cast<double>(many) / static_cast<double>(few), 1.5) << few << " vs " << many << " VM steps";
}

TEST_F(outbox_walk_test, a_fetch_does_not_walk_the_items_queued_behind_dead_heads) {
  const auto few = steps_of_a_fetch(30, kind::dead);
  const auto many = steps_of_a_fetch(300, kind::dead);
  ASSERT_GT(few, 0);
  EXPECT_LT(static_cast<double>(many) / static_cast<double>(few), 1.5) << few << " vs " << many << " VM steps";
}

}  // namespace
}  // namespace gateway::store_test
