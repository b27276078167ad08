#include "adapters/sqlite/sqlite_store.hpp"

#include "adapters/sqlite/outbox_sql.hpp"
#include "adapters/sqlite/schema.hpp"
#include "tests/unit/store/store_fixture.hpp"

#include <sqlite3.h>

#include <fstream>

namespace gateway::store_test {
namespace {

// SQLite only: files, locks, the disk quota and the SQLite schema's own migrations.
using sqlite::connection;
using sqlite::latest_schema_version;
using sqlite::prepare_database;
using sqlite::sqlite_options;
using sqlite::sqlite_store;

using core::store_errc;

class open_test : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  sqlite_options options(const std::string& name) {
    sqlite_options o;
    o.path = (dir_ / name).string();
    o.busy_timeout_ms = 100;
    return o;
  }
  static void raw_exec(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  static int user_version(const std::string& path) { return pragma_int(path, "PRAGMA user_version"); }
  static int pragma_int(const std::string& path, const char* pragma) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, pragma, -1, &s, nullptr);
    sqlite3_step(s);
    const int v = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
  }

  std::filesystem::path dir_;
};

TEST_F(open_test, a_missing_directory_is_an_error_naming_the_path) {
  auto o = options("no/such/dir/store.db");
  auto r = sqlite_store::open(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_errc::unavailable);
  EXPECT_NE(r.error().message.find(o.path), std::string::npos) << r.error().message;
}

TEST_F(open_test, a_directory_is_not_a_database) {
  std::filesystem::create_directory(dir_ / "d");
  auto r = sqlite_store::open(options("d"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_errc::unavailable);
}

TEST_F(open_test, a_file_that_is_not_a_database_is_refused_with_a_clear_message) {
  std::ofstream(dir_ / "junk.db") << std::string(8192, 'x');
  auto r = sqlite_store::open(options("junk.db"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store_errc::unavailable);
  EXPECT_NE(r.error().message.find("not a database"), std::string::npos) << r.error().message;
}

TEST_F(open_test, a_schema_newer_than_this_build_is_refused) {
  const auto o = options("new.db");
  raw_exec(o.path, "PRAGMA user_version=999");
  auto r = sqlite_store::open(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos) << r.error().message;
}

TEST_F(open_test, migrations_run_once_and_reopen_is_a_no_op) {
  const auto o = options("m.db");
  {
    auto r = sqlite_store::open(o);
    ASSERT_TRUE(r) << r.error().message;
    auto c = wait_for<core::commit_outcome>([&](auto cb) { (*r)->commit(unit(create("Task", "t1")), std::move(cb)); });
    ASSERT_TRUE(c);
  }
  EXPECT_EQ(user_version(o.path), latest_schema_version());
  for (int i = 0; i < 2; ++i) {
    auto r = sqlite_store::open(o);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(wait_for<core::read_outcome>([&](auto cb) { (*r)->read("Task", "t1", std::move(cb)); }));
  }
  EXPECT_EQ(user_version(o.path), latest_schema_version());
}

// The outbox fetch walks each destination's due items in order along the index and stops at its
// share; a plan that visits every pending row and sorts them (what SQLite chose without the INDEXED
// BY) makes each fetch cost grow with the backlog.
TEST_F(open_test, the_outbox_fetch_walks_the_due_index_without_sorting_the_backlog) {
  const auto o = options("plan.db");
  {
    auto r = sqlite_store::open(o);
    ASSERT_TRUE(r) << r.error().message;
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(o.path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  const std::string sql = "EXPLAIN QUERY PLAN " + sqlite::outbox_fetch_due_query();
  ASSERT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string plan;
  while (sqlite3_step(s) == SQLITE_ROW)
    plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 3))) + "\n";
  sqlite3_finalize(s);
  sqlite3_close(db);
  EXPECT_NE(plan.find("SEARCH o USING INDEX outbox_pending_by_destination (channel=? AND destination=? AND "
                      "next_attempt_at<?)"),
            std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

// Migration 2 (search rows keyed by rkey instead of the resource id): a database written by a
// gateway at schema 1 keeps every search working, and later updates replace the migrated rows.
TEST_F(open_test, a_version_1_database_migrates_its_search_index) {
  const auto o = options("v1.db");
  {
    std::string error;
    auto db = connection::open(o.path, false, 100, error);
    ASSERT_TRUE(db) << error;
    ASSERT_EQ(prepare_database(*db, 0, 1), "");
    db->exec(R"sql(
      INSERT INTO resource_history (seq, type, id, version, last_updated, owner_org, deleted, json) VALUES
        (1, 'Task', 't1', 1, '2024-01-01T00:00:00.000Z', 'ORG-A', 0, '{"resourceType":"Task","id":"t1"}'),
        (2, 'Task', 't2', 1, '2024-01-01T00:00:01.000Z', 'ORG-A', 0, '{"resourceType":"Task","id":"t2"}'),
        (3, 'Task', 't1', 2, '2024-01-01T00:00:02.000Z', 'ORG-A', 0, '{"resourceType":"Task","id":"t1"}');
      INSERT INTO resources (type, id, version, last_updated, seq, owner_org, deleted) VALUES
        ('Task', 't1', 2, '2024-01-01T00:00:02.000Z', 3, 'ORG-A', 0),
        ('Task', 't2', 1, '2024-01-01T00:00:01.000Z', 2, 'ORG-A', 0);
      INSERT INTO search_index (type, param, value, id) VALUES
        ('Task', 'status', 'requested', 't1'), ('Task', 'priority-rank', '3', 't1'),
        ('Task', 'status', 'requested', 't2'), ('Task', 'priority-rank', '1', 't2');
    )sql");
  }
  EXPECT_EQ(user_version(o.path), 1);
  auto r = sqlite_store::open(o);
  ASSERT_TRUE(r) << r.error().message;
  auto& store = **r;
  EXPECT_EQ(user_version(o.path), latest_schema_version());
  auto find = [&](const std::string& status) {
    core::search_query q;
    q.type = "Task";
    q.criteria = {{"status", {status}}};
    q.sort = {{"priority-rank", false}};
    auto page = wait_for<core::search_outcome>([&](auto cb) { store.search(q, std::move(cb)); });
    EXPECT_TRUE(page);
    std::vector<std::string> ids;
    for (const auto& item : page->items) ids.push_back(item.id);
    return ids;
  };
  EXPECT_EQ(find("requested"), (std::vector<std::string>{"t2", "t1"}));  // rank 1 before rank 3
  // Migration 6 gave each Task its paired work-queue row (search_pairs.hpp), which the work queue
  // (one status, sorted by priority then creation) reads alone.
  {
    core::search_query q;
    q.type = "Task";
    q.criteria = {{"status", {"requested"}}};
    q.sort = {{"priority-rank", false}, {core::sort_created, false}};
    auto page = wait_for<core::search_outcome>([&](auto cb) { store.search(q, std::move(cb)); });
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 2);
    ASSERT_EQ(page->items.size(), 2u);
    EXPECT_EQ(page->items[0].id, "t2");
    EXPECT_EQ(page->items[1].id, "t1");
    // ... and its owner-paired row (migration 7), which the owner's total by one status counts.
    q.owner_org = "ORG-A";
    q.sort.clear();
    page = wait_for<core::search_outcome>([&](auto cb) { store.search(q, std::move(cb)); });
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 2);
    q.owner_org = "ORG-B";
    page = wait_for<core::search_outcome>([&](auto cb) { store.search(q, std::move(cb)); });
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 0);
  }

  core::resource_write w = create("Task", "t1");
  w.kind = core::write_kind::update;
  w.index = {{"status", "accepted"}, {"priority-rank", "0"}};
  ASSERT_TRUE(wait_for<core::commit_outcome>([&](auto cb) { store.commit(unit(w), std::move(cb)); }));
  EXPECT_EQ(find("requested"), (std::vector<std::string>{"t2"}));
  EXPECT_EQ(find("accepted"), (std::vector<std::string>{"t1"}));

  // A new resource after the migration gets its own key: no clash with the migrated ones.
  ASSERT_TRUE(wait_for<core::commit_outcome>([&](auto cb) {
    store.commit(unit(create("Task", "t3", "ORG-A", {{"status", "requested"}})), std::move(cb));
  }));
  EXPECT_EQ(find("requested"), (std::vector<std::string>{"t3", "t2"}));  // no rank sorts as "" first
}

// A new database is made with 8 KiB pages (fewer bytes per referral, schema.cpp); a database made
// with 4 KiB pages keeps them and works as before.
TEST_F(open_test, a_new_database_has_8_kib_pages_and_an_older_one_keeps_its_own) {
  const auto fresh = options("fresh.db");
  { ASSERT_TRUE(sqlite_store::open(fresh)); }
  EXPECT_EQ(pragma_int(fresh.path, "PRAGMA page_size"), 8192);

  const auto older = options("older.db");
  {
    std::string error;
    auto db = connection::open(older.path, false, 100, error);
    ASSERT_TRUE(db) << error;
    db->exec("PRAGMA page_size=4096; PRAGMA journal_mode=WAL; CREATE TABLE made_before (x)");
  }
  auto r = sqlite_store::open(older);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(wait_for<core::commit_outcome>([&](auto cb) {
    (*r)->commit(unit(create("Task", "t1", "ORG-A", {{"status", "requested"}})), std::move(cb));
  }));
  r->reset();
  EXPECT_EQ(pragma_int(older.path, "PRAGMA page_size"), 4096);
}

TEST_F(open_test, a_database_locked_by_another_writer_is_an_error_not_a_hang) {
  const auto o = options("locked.db");
  { ASSERT_TRUE(sqlite_store::open(o)); }
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(o.path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = sqlite_store::open(o);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("locked"), std::string::npos) << r.error().message;
}

TEST_F(open_test, a_full_disk_answers_unavailable_acknowledges_nothing_and_the_store_keeps_working) {
  auto o = options("full.db");
  o.max_page_count = 64;  // 512 KiB with 8 KiB pages
  auto r = sqlite_store::open(o);
  ASSERT_TRUE(r) << r.error().message;
  auto& store = **r;
  auto commit = [&](core::unit_of_work u) {
    return wait_for<core::commit_outcome>([&](auto cb) { store.commit(std::move(u), std::move(cb)); });
  };
  ASSERT_TRUE(commit(unit(create("Task", "small"))));
  EXPECT_EQ(store.metrics().consecutive_failures, 0u);
  auto big = create("Task", "big");
  big.json = R"({"resourceType":"Task","note":")" + std::string(1 << 20, 'n') + "\"}";
  auto failed = commit(unit(big));
  ASSERT_FALSE(failed);
  EXPECT_EQ(store.metrics().consecutive_failures, 1u) << "health now: failing, although a commit succeeded before";
  EXPECT_EQ(failed.error().code, store_errc::unavailable);
  EXPECT_FALSE(failed.error().detail.empty());
  EXPECT_EQ(wait_for<core::read_outcome>([&](auto cb) { store.read("Task", "big", std::move(cb)); }).error(),
            store_errc::not_found);
  EXPECT_TRUE(wait_for<core::read_outcome>([&](auto cb) { store.read("Task", "small", std::move(cb)); }));
  EXPECT_TRUE(commit(unit(create("Task", "after"))));
  EXPECT_GE(store.metrics().transactions_failed, 1u);
  EXPECT_EQ(store.metrics().consecutive_failures, 0u) << "healthy again";
}

TEST_F(open_test, a_corrupted_file_gives_unavailable_not_a_crash) {
  const auto o = options("corrupt.db");
  {
    auto r = sqlite_store::open(o);
    ASSERT_TRUE(r);
    for (int i = 0; i < 50; ++i) {
      auto w = create("Task", "t" + std::to_string(i));
      w.json = R"({"resourceType":"Task","note":")" + std::string(2000, 'n') + "\"}";
      ASSERT_TRUE(wait_for<core::commit_outcome>([&](auto cb) { (*r)->commit(unit(w), std::move(cb)); }));
    }
  }
  {  // Keep the header page, scribble over every other page.
    std::fstream f(o.path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0, std::ios::end);
    const auto size = static_cast<std::size_t>(f.tellp());
    ASSERT_GT(size, 8192u);
    f.seekp(4096);
    const std::string junk(size - 4096, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto r = sqlite_store::open(o);
  if (!r) {
    EXPECT_EQ(r.error().code, store_errc::unavailable);
    EXPECT_FALSE(r.error().message.empty());
    return;
  }
  auto read = wait_for<core::read_outcome>([&](auto cb) { (*r)->read("Task", "t1", std::move(cb)); });
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), store_errc::unavailable);
  auto c = wait_for<core::commit_outcome>([&](auto cb) { (*r)->commit(unit(create("Task", "x")), std::move(cb)); });
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, store_errc::unavailable);
}

}  // namespace
}  // namespace gateway::store_test
