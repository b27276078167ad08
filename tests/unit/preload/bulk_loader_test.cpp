#include "adapters/sqlite/bulk_loader.hpp"

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/triage_rules.hpp"
#include "tests/unit/store/store_fixture.hpp"
#include "tools/preload/synthetic_referrals.hpp"

#include <regex>

namespace gateway::store_test {
namespace {

using sqlite::bulk_loader;
using sqlite::bulk_options;
using clock = std::chrono::system_clock;

class bulk_loader_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    auto rules = core::load_triage_rules(core::embedded::triage_rules_json());
    ASSERT_TRUE(rules);
    rules_ = std::make_unique<core::triage_rules>(std::move(*rules));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  rg::preload::synthetic_referrals maker() const {
    return rg::preload::synthetic_referrals({3, "A81001", "PLT01", "urn:test", rules_.get(), 11});
  }

  // `n` referrals into `file` through the bulk path, the first `accepted` with their Task accepted.
  void preload(const std::string& file, int n, int accepted) {
    auto loader = bulk_loader::open(bulk_options{file, 7, false});  // several transactions
    ASSERT_TRUE(loader) << loader.error().message;
    auto m = maker();
    for (int i = 0; i < n; ++i) {
      const auto at = start_ + std::chrono::seconds(10 * i);
      auto made = m.next(at, i < accepted ? std::optional(at + std::chrono::seconds(5)) : std::nullopt);
      ASSERT_TRUE(made) << made.error();
      ASSERT_TRUE((*loader)->add(std::move(made->create), at));
      if (made->accept) {
        ASSERT_TRUE((*loader)->add(std::move(*made->accept), at + std::chrono::seconds(5)));
      }
    }
    ASSERT_EQ((*loader)->finish(), "");
  }

  // Every row of the store that is not a time the store chose, in write order: what the bulk path
  // and the normal path must agree on.
  static std::string rows(const std::string& file) {
    std::string error;
    auto db = sqlite::connection::open(file, true, 1000, error);
    EXPECT_TRUE(db) << error;
    if (!db) return {};
    const std::regex stamped(R"("lastUpdated":"[^"]*")");
    std::string out;
    for (const char* sql :
         {"SELECT type, id, version, owner_org, deleted, json FROM resource_history ORDER BY seq",
          "SELECT type, id, version, owner_org, deleted, rkey = (SELECT min(seq) FROM resource_history h "
          "WHERE h.type = r.type AND h.id = r.id) FROM resources r ORDER BY type, id",
          "SELECT r.id, s.type, s.param, s.value FROM search_keys s JOIN resources r ON r.rkey = s.rkey "
          "ORDER BY r.id, s.param, s.value",
          "SELECT owner_org, system, value, resource_type, resource_id FROM identifier_claims ORDER BY 1, 2, 3",
          "SELECT id, channel, destination, ordering_key, content_type, payload, state FROM outbox ORDER BY seq",
          "SELECT id, caller_org, caller_role, action, entity_type, entity_id, outcome, request_id, json "
          "FROM audit ORDER BY seq"}) {
      auto s = db->prepare(sql);
      const int columns = s->column_count();
      while (s->step()) {
        for (int c = 0; c < columns; ++c) out += std::regex_replace(s->text(c), stamped, "\"lastUpdated\":\"-\"") + "|";
        out += "\n";
      }
      out += "--\n";
    }
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<core::triage_rules> rules_;
  const clock::time_point start_ = clock::now() - std::chrono::hours(24);
};

// The bulk path writes exactly the rows the store's commit writes for the same units: resource
// versions, current rows, search keys, claims, outbox items and audit records (only the times the
// store chooses differ: the commit time, where the bulk path takes the caller's).
TEST_F(bulk_loader_test, writes_the_rows_the_commit_path_writes) {
  preload(path("bulk.db"), 20, 12);
  {
    sqlite::sqlite_options o;
    o.path = path("normal.db");
    auto store = sqlite::sqlite_store::open(o);
    ASSERT_TRUE(store) << store.error().message;
    auto m = maker();
    for (int i = 0; i < 20; ++i) {
      const auto at = start_ + std::chrono::seconds(10 * i);
      auto made = m.next(at, i < 12 ? std::optional(at + std::chrono::seconds(5)) : std::nullopt);
      ASSERT_TRUE(made) << made.error();
      auto commit = [&](core::unit_of_work u) {
        return wait_for<core::commit_outcome>([&](auto cb) { (*store)->commit(std::move(u), std::move(cb)); });
      };
      ASSERT_TRUE(commit(std::move(made->create)));
      if (made->accept) {
        ASSERT_TRUE(commit(std::move(*made->accept)));
      }
    }
  }
  const std::string bulk = rows(path("bulk.db"));
  EXPECT_GT(bulk.size(), 20000u);
  EXPECT_EQ(bulk, rows(path("normal.db")));
}

// What a gateway does with a preloaded store: finds the referrals by search (the referrer's own,
// by status; the platform's work queue), reads their history, knows their identifiers, updates
// one through the normal path, and commits new work after the preloaded times.
TEST_F(bulk_loader_test, a_preloaded_store_is_searched_read_and_updated_through_the_store) {
  preload(path("store.db"), 30, 21);
  sqlite::sqlite_options o;
  o.path = path("store.db");
  auto opened = sqlite::sqlite_store::open(o);
  ASSERT_TRUE(opened) << opened.error().message;
  auto& store = **opened;
  auto search = [&](core::search_query q) {
    return wait_for<core::search_outcome>([&](auto cb) { store.search(std::move(q), std::move(cb)); });
  };

  core::search_query mine;
  mine.type = "ServiceRequest";
  mine.owner_org = "A81001";
  mine.criteria.push_back({"status", {"active"}});
  mine.count = 4;
  auto page = search(mine);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 10) << "practice 0 of 3 sent referrals 0, 3, ..., 27";
  ASSERT_EQ(page->items.size(), 4u);
  ASSERT_TRUE(page->next_cursor);
  mine.cursor = page->next_cursor;
  auto next = search(mine);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->items.size(), 4u);
  EXPECT_LT(page->items.back().last_updated, next->items.front().last_updated);

  core::search_query queue;
  queue.type = "Task";
  queue.criteria.push_back({"status", {"requested"}});
  queue.sort.push_back({"priority-rank", false});
  auto waiting = search(queue);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->total, 9) << "the newest 9 Tasks were not accepted";
  queue.criteria[0].any_of = {"accepted"};
  EXPECT_EQ(search(queue)->total, 21);

  const auto accepted = search(queue)->items.front();
  auto versions =
      wait_for<core::history_outcome>([&](auto cb) { store.history("Task", accepted.id, 10, std::move(cb)); });
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_NE((*versions)[1].json.find(R"("status":"requested")"), std::string::npos);

  auto claim = wait_for<core::claim_lookup_outcome>(
      [&](auto cb) { store.find_claim("A81001", "https://fhir.a81001.example.org/referral", "SYN-0", std::move(cb)); });
  ASSERT_TRUE(claim && *claim);
  EXPECT_EQ((*claim)->type, "ServiceRequest");

  // The referrer revokes a preloaded referral: version 2 through the normal commit, its search
  // keys replaced.
  auto current =
      wait_for<core::read_outcome>([&](auto cb) { store.read("ServiceRequest", (*claim)->id, std::move(cb)); });
  ASSERT_TRUE(current);
  core::resource_write w;
  w.kind = core::write_kind::update;
  w.type = "ServiceRequest";
  w.id = current->id;
  w.expected_version = 1;
  w.owner_org = "A81001";
  w.json = std::regex_replace(current->json, std::regex(R"("status":"active")"), R"("status":"revoked")");
  w.index = {{"status", "revoked"}};
  core::unit_of_work u;
  u.writes.push_back(std::move(w));
  auto done = wait_for<core::commit_outcome>([&](auto cb) { store.commit(std::move(u), std::move(cb)); });
  ASSERT_TRUE(done);
  EXPECT_EQ(done->written[0].version, 2);
  EXPECT_GT(done->written[0].last_updated, current->last_updated) << "new commits come after the preloaded times";
  mine.cursor.reset();
  EXPECT_EQ(search(mine)->total, 9);
}

TEST_F(bulk_loader_test, refuses_a_database_that_holds_data_unless_told) {
  preload(path("full.db"), 2, 0);
  auto refused = bulk_loader::open(bulk_options{path("full.db"), 100, false});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("already holds data"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("rows in resource_history"), std::string::npos) << refused.error().message;
  auto allowed = bulk_loader::open(bulk_options{path("full.db"), 100, true});
  EXPECT_TRUE(allowed);
}

// A unit the store would refuse (the same referral identifier claimed twice) fails the load, and
// the open transaction with it: nothing of that batch is left behind.
TEST_F(bulk_loader_test, a_refused_unit_fails_the_load_and_rolls_its_batch_back) {
  auto loader = bulk_loader::open(bulk_options{path("bad.db"), 100, false});
  ASSERT_TRUE(loader) << loader.error().message;
  const auto at = start_;
  core::unit_of_work first = unit(create("Task", "t1"));
  first.claims.push_back({"ORG-A", "sys", "v", "Task", "t1"});
  ASSERT_TRUE((*loader)->add(std::move(first), at));
  core::unit_of_work again = unit(create("Task", "t2"));
  again.claims.push_back({"ORG-A", "sys", "v", "Task", "t2"});
  auto refused = (*loader)->add(std::move(again), at);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::store_errc::identifier_taken);
  EXPECT_NE((*loader)->finish(), "");
  loader->reset();

  std::string error;
  auto db = sqlite::connection::open(path("bad.db"), true, 1000, error);
  ASSERT_TRUE(db) << error;
  auto count = db->prepare("SELECT count(*) FROM resource_history");
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->int64(0), 0);
}

TEST_F(bulk_loader_test, refuses_times_that_go_backwards) {
  auto loader = bulk_loader::open(bulk_options{path("times.db"), 100, false});
  ASSERT_TRUE(loader) << loader.error().message;
  ASSERT_TRUE((*loader)->add(unit(create("Task", "t1")), start_));
  auto earlier = (*loader)->add(unit(create("Task", "t2")), start_ - std::chrono::seconds(1));
  ASSERT_FALSE(earlier);
  EXPECT_EQ(earlier.error().code, core::store_errc::invalid_request);
}

}  // namespace
}  // namespace gateway::store_test
