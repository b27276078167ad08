
#include "tests/unit/store/store_fixture.hpp"

namespace gateway::store_test {
namespace {

core::audit_record audit(const std::string& id, const std::string& org, const std::string& entity_id,
                         const std::string& recorded = "") {
  return core::audit_record{id,
                            recorded,
                            org,
                            "referrer",
                            core::audit_action::read,
                            "ServiceRequest",
                            entity_id,
                            "0",
                            "req-" + id,
                            R"({"resourceType":"AuditEvent","id":")" + id + "\"}"};
}

TEST_P(store_test, audit_records_are_found_by_entity_newest_first_with_paging) {
  core::unit_of_work u;
  u.audits = {audit("e1", "ORG-A", "sr1"), audit("e2", "ORG-B", "sr2"), audit("e3", "ORG-A", "sr1"),
              audit("e4", "ORG-A", "sr1")};
  ASSERT_TRUE(commit(u));

  core::audit_query q;
  q.entity = core::resource_ref{"ServiceRequest", "sr1"};
  q.count = 2;
  auto first = search_audit(q);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, "e4");
  EXPECT_EQ(first->items[1].id, "e3");
  EXPECT_EQ(first->items[0].action, core::audit_action::read);
  EXPECT_EQ(first->items[0].request_id, "req-e4");
  EXPECT_FALSE(first->items[0].recorded.empty());  // the store filled the commit time
  ASSERT_TRUE(first->next_cursor);
  q.cursor = first->next_cursor;
  auto second = search_audit(q);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id, "e1");
  EXPECT_FALSE(second->next_cursor);
}

TEST_P(store_test, audit_records_are_found_by_time_and_caller) {
  core::unit_of_work u;
  u.audits = {audit("old", "ORG-A", "sr1", "2024-01-01T00:00:00.000Z"),
              audit("mid", "ORG-B", "sr1", "2024-06-01T00:00:00.000Z"),
              audit("new", "ORG-A", "sr1", "2024-12-01T00:00:00.000Z")};
  ASSERT_TRUE(commit(u));
  core::audit_query q;
  q.recorded_ge = "2024-05-01T00:00:00.000Z";
  q.oldest_first = true;
  auto page = search_audit(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, "mid");
  q.caller_org = "ORG-A";
  page = search_audit(q);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "new");
  q = {};
  q.recorded_le = "2024-02-01T00:00:00.000Z";
  EXPECT_EQ(search_audit(q)->items.at(0).id, "old");
  q.cursor = "not-a-number";
  EXPECT_EQ(search_audit(q).error(), core::store_errc::invalid_request);
}

}  // namespace
}  // namespace gateway::store_test
