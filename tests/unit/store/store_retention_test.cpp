// The retention operation of the store port (core/store_retention.hpp), on both engines: what is
// purged, what never is, and bounded batches. On SQLite also: a purged payload is gone from the
// file, and the file is private.
#include "tests/unit/store/store_fixture.hpp"

#include <fstream>
#include <sstream>

namespace gateway::store_test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;
using error_code = boost::system::error_code;

const clock_type::time_point t0 = clock_type::time_point(std::chrono::sys_days(std::chrono::year(2024) / 5 / 1));

class store_retention_test : public store_test {
 protected:
  void enqueue(const std::string& id, const std::string& payload = "{}") {
    core::unit_of_work u;
    u.outbox.push_back({id, "feedback", "ORG-A", "key-" + id, "application/fhir+json", payload});
    ASSERT_TRUE(commit(u));
  }
  void deliver(const std::string& id, clock_type::time_point at) {
    // Leased first, as the dispatcher does.
    wait_for<core::outbox_entries_outcome>(
        [&](auto cb) { store_->fetch_due(clock_type::now() + 1h, 1000, 30s, {}, std::move(cb)); });
    ASSERT_FALSE(wait_for<error_code>([&](auto cb) { store_->mark_delivered(id, at, std::move(cb)); }));
  }
  void audit(const std::string& id, const std::string& recorded) {
    core::unit_of_work u;
    u.audits.push_back({id, recorded, "ORG-A", "referrer", core::audit_action::read, "ServiceRequest", "sr", "0", "req",
                        R"({"resourceType":"AuditEvent","id":")" + id + "\"}"});
    ASSERT_TRUE(commit(u));
  }
  core::purge_outcome purge(clock_type::time_point delivered_before, clock_type::time_point audit_before,
                            std::size_t max_rows = 500) {
    return wait_for<core::purge_outcome>([&](auto cb) {
      store_->purge_expired({delivered_before, audit_before, max_rows}, std::move(cb));
    });
  }
  bool exists(const std::string& id) {
    return wait_for<core::outbox_entry_outcome>([&](auto cb) { store_->show_outbox(id, std::move(cb)); }).has_value();
  }
  std::size_t audits() {
    core::audit_query q;
    q.count = 1000;
    return search_audit(q)->items.size();
  }
};

TEST_P(store_retention_test, delivered_items_older_than_the_cutoff_go_and_everything_else_stays) {
  enqueue("delivered-old");
  enqueue("delivered-new");
  enqueue("pending-old");
  enqueue("dead-old");
  deliver("delivered-old", t0 - 31 * 24h);
  deliver("delivered-new", t0 - 29 * 24h);
  ASSERT_FALSE(wait_for<error_code>([&](auto cb) { store_->park_dead("dead-old", "400", std::move(cb)); }));
  audit("audit-old", "2016-04-30T00:00:00.000Z");
  audit("audit-new", "2024-04-30T00:00:00.000Z");

  const auto r = purge(t0 - 30 * 24h, t0 - 2922 * 24h);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->outbox_deleted, 1);
  EXPECT_EQ(r->audit_deleted, 1);
  EXPECT_FALSE(r->more);
  EXPECT_FALSE(exists("delivered-old"));
  EXPECT_TRUE(exists("delivered-new"));
  EXPECT_TRUE(exists("pending-old")) << "never delivered: kept however old";
  EXPECT_TRUE(exists("dead-old")) << "dead items wait for an operator";
  EXPECT_EQ(audits(), 1u);
}

TEST_P(store_retention_test, a_purge_deletes_at_most_its_batch_and_says_when_more_remains) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = std::string("d").append(std::to_string(i));  // not operator+: g++ 12 -Wrestrict
    enqueue(id);
    deliver(id, t0 - 40 * 24h);
  }
  audit("a1", "2000-01-01T00:00:00.000Z");
  audit("a2", "2000-01-01T00:00:00.000Z");
  std::vector<std::int64_t> batches;
  for (int pass = 0; pass < 10; ++pass) {
    const auto r = purge(t0, t0, 3);
    ASSERT_TRUE(r);
    batches.push_back(r->outbox_deleted + r->audit_deleted);
    EXPECT_LE(batches.back(), 3);
    if (!r->more) break;
  }
  EXPECT_EQ(batches, (std::vector<std::int64_t>{3, 3, 1})) << "outbox first, then audit, 3 rows per transaction";
  EXPECT_EQ(audits(), 0u);
}

RG_STORE_CONTRACT(store_retention_test);

// What only the embedded file can show.
class sqlite_retention_test : public store_retention_test {};

TEST_P(sqlite_retention_test, a_purged_payload_is_not_left_readable_in_the_database_file) {
  const std::string secret = "NHS-9434765919-PURGE-MARKER";
  enqueue("gone", R"({"payload":")" + secret + std::string(6000, 'p') + "\"}");  // spills to overflow pages
  deliver("gone", t0 - 60 * 24h);
  ASSERT_TRUE(purge(t0, t0 - 3000 * 24h));
  store_.reset();  // the last connection checkpoints the WAL into the file and removes it
  std::ifstream in(sqlite_.path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(bytes.str().find(secret), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(sqlite_.path + "-wal"));
}

TEST_P(sqlite_retention_test, the_database_file_is_created_private_and_an_existing_world_readable_one_is_tightened) {
  namespace fs = std::filesystem;
  EXPECT_EQ(fs::status(sqlite_.path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  store_.reset();
  fs::permissions(sqlite_.path, fs::perms::others_read | fs::perms::group_read, fs::perm_options::add);
  reopen();
  EXPECT_EQ(fs::status(sqlite_.path).permissions() & fs::perms::others_all, fs::perms::none);
  EXPECT_EQ(fs::status(sqlite_.path + "-wal").permissions() & fs::perms::others_all, fs::perms::none);
}

INSTANTIATE_TEST_SUITE_P(sqlite, sqlite_retention_test, ::testing::Values(engine::sqlite), engine_name);

}  // namespace
}  // namespace gateway::store_test
