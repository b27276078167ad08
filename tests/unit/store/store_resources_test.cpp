
#include "tests/unit/store/store_fixture.hpp"

namespace gateway::store_test {
namespace {

RG_STORE_CONTRACT(store_test);

using core::store_errc;

TEST_P(store_test, create_then_read_returns_version_1_with_meta_patched_in) {
  auto created = commit(unit(create("ServiceRequest", "sr1")));
  ASSERT_TRUE(created) << created.error().detail;
  ASSERT_EQ(created->written.size(), 1u);
  const auto& w = created->written[0];
  EXPECT_EQ(w.version, 1);
  EXPECT_EQ(w.last_updated.size(), 24u);  // YYYY-MM-DDThh:mm:ss.sssZ
  EXPECT_NE(w.json.find(R"("id":"sr1")"), std::string::npos);
  EXPECT_NE(w.json.find(R"("versionId":"1","lastUpdated":")" + w.last_updated), std::string::npos) << w.json;

  auto r = read("ServiceRequest", "sr1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->json, w.json);
  EXPECT_EQ(r->owner_org, "ORG-A");
  EXPECT_EQ(r->version, 1);
}

TEST_P(store_test, read_of_unknown_resource_is_not_found) {
  EXPECT_EQ(read("ServiceRequest", "nope").error(), store_errc::not_found);
  EXPECT_EQ(vread("ServiceRequest", "nope", 1).error(), store_errc::not_found);
  EXPECT_EQ(history("ServiceRequest", "nope").error(), store_errc::not_found);
}

TEST_P(store_test, updates_make_versions_and_history_keeps_each_newest_first) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  for (int v = 1; v <= 2; ++v) {
    auto w = create("Task", "t1");
    w.kind = core::write_kind::update;
    w.expected_version = v;
    w.json = R"({"resourceType":"Task","status":"s)" + std::to_string(v) + R"("})";
    auto u = commit(unit(w));
    ASSERT_TRUE(u) << u.error().detail;
    EXPECT_EQ(u->written[0].version, v + 1);
  }
  auto h = history("Task", "t1");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ((*h)[0].version, 3);
  EXPECT_EQ((*h)[2].version, 1);
  auto v2 = vread("Task", "t1", 2);
  ASSERT_TRUE(v2);
  EXPECT_NE(v2->json.find(R"("status":"s1")"), std::string::npos);
  EXPECT_NE(v2->json.find(R"("versionId":"2")"), std::string::npos);
  EXPECT_EQ(vread("Task", "t1", 4).error(), store_errc::not_found);
  EXPECT_LE((*h)[2].last_updated, (*h)[0].last_updated);
}

TEST_P(store_test, stale_if_match_is_a_version_conflict_and_changes_nothing) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  auto w = create("Task", "t1");
  w.kind = core::write_kind::update;
  w.expected_version = 1;
  ASSERT_TRUE(commit(unit(w)));
  w.json = R"({"resourceType":"Task","status":"stale"})";
  auto stale = commit(unit(w));  // still says version 1
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, store_errc::version_conflict);
  EXPECT_EQ(stale.error().current_version, 2);
  EXPECT_EQ(stale.error().write_index, 0u);
  EXPECT_EQ(read("Task", "t1")->version, 2);
  EXPECT_EQ(read("Task", "t1")->json.find("stale"), std::string::npos);
}

TEST_P(store_test, update_without_if_match_takes_any_version_and_update_of_missing_is_not_found) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  auto w = create("Task", "t1");
  w.kind = core::write_kind::update;
  EXPECT_TRUE(commit(unit(w)));
  w.id = "missing";
  EXPECT_EQ(commit(unit(w)).error().code, store_errc::not_found);
}

TEST_P(store_test, second_create_of_same_id_is_already_exists) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  EXPECT_EQ(commit(unit(create("Task", "t1"))).error().code, store_errc::already_exists);
}

TEST_P(store_test, delete_writes_a_tombstone_read_is_gone_history_shows_it) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  auto d = create("Task", "t1");
  d.kind = core::write_kind::remove;
  auto removed = commit(unit(d));
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->written[0].deleted);
  EXPECT_EQ(removed->written[0].version, 2);
  EXPECT_EQ(read("Task", "t1").error(), store_errc::gone);
  EXPECT_EQ(vread("Task", "t1", 2).error(), store_errc::gone);
  EXPECT_TRUE(vread("Task", "t1", 1));
  EXPECT_TRUE(history("Task", "t1")->front().deleted);
}

TEST_P(store_test, a_unit_is_all_or_nothing) {
  ASSERT_TRUE(commit(unit(create("Task", "exists"))));
  core::unit_of_work u;
  u.writes.push_back(create("ServiceRequest", "sr1"));
  u.writes.push_back(create("Task", "exists"));  // fails: already exists
  u.outbox.push_back({"m1", "events", "jsonl", "sr1", "application/json", "{}"});
  auto r = commit(u);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().write_index, 1u);
  EXPECT_EQ(read("ServiceRequest", "sr1").error(), store_errc::not_found);
  auto shown = wait_for<core::outbox_entry_outcome>([&](auto cb) { store_->show_outbox("m1", std::move(cb)); });
  EXPECT_EQ(shown.error(), store_errc::not_found);
}

TEST_P(store_test, malformed_json_is_invalid_request) {
  auto w = create("Task", "t1");
  w.json = "{not json";
  EXPECT_EQ(commit(unit(w)).error().code, store_errc::invalid_request);
}

TEST_P(store_test, data_survives_close_and_reopen_and_versions_continue) {
  ASSERT_TRUE(commit(unit(create("Task", "t1"))));
  const auto before = read("Task", "t1")->last_updated;
  reopen();
  auto r = read("Task", "t1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, 1);
  auto w = create("Task", "t1");
  w.kind = core::write_kind::update;
  w.expected_version = 1;
  auto u = commit(unit(w));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->written[0].version, 2);
  EXPECT_GE(u->written[0].last_updated, before);
}

}  // namespace
}  // namespace gateway::store_test
