// The retention operation of the store port on SQLite (core/store_retention.hpp): what is purged,
// what never is, bounded batches, and that a purged payload is gone from the file.
#include "adapters/sqlite/sqlite_store.hpp"

#include "tests/unit/sqlite/store_fixture.hpp"

#include <fstream>
#include <sstream>

namespace gateway::sqlite::test {
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
        [&](auto cb) { store_->fetch_due(clock_type::now() + 1h, 1000, 30s, std::move(cb)); });
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

TEST_F(store_retention_test, delivered_items_older_than_the_cutoff_go_and_everything_else_stays) {
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

TEST_F(store_retention_test, a_purge_deletes_at_most_its_batch_and_says_when_more_remains) {
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

TEST_F(store_retention_test, a_purged_payload_is_not_left_readable_in_the_database_file) {
  const std::string secret = "NHS-9434765919-PURGE-MARKER";
  enqueue("gone", R"({"payload":")" + secret + std::string(6000, 'p') + "\"}");  // spills to overflow pages
  deliver("gone", t0 - 60 * 24h);
  ASSERT_TRUE(purge(t0, t0 - 3000 * 24h));
  store_.reset();  // the last connection checkpoints the WAL into the file and removes it
  std::ifstream in(options_.path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(bytes.str().find(secret), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(options_.path + "-wal"));
}

TEST_F(store_retention_test, the_database_file_is_created_private_and_an_existing_world_readable_one_is_tightened) {
  EXPECT_EQ(std::filesystem::status(options_.path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  store_.reset();
  std::filesystem::permissions(options_.path, std::filesystem::perms::others_read | std::filesystem::perms::group_read,
                               std::filesystem::perm_options::add);
  reopen();
  EXPECT_EQ(std::filesystem::status(options_.path).permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::none);
  EXPECT_EQ(std::filesystem::status(options_.path + "-wal").permissions() & std::filesystem::perms::others_all,
            std::filesystem::perms::none);
}

}  // namespace
}  // namespace gateway::sqlite::test
