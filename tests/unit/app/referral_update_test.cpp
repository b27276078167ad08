#include "gateway/app/referral_update.hpp"

#include <algorithm>

#include "fhir/json_view.hpp"
#include "gateway/core/store_outbox.hpp"
#include "tests/unit/app/use_case_fixture.hpp"

namespace gateway::app::testing {
namespace {

// The stored referral as the referrer would PUT it back, with one change.
rapidjson::Document edited(const core::resource_record& stored, const char* member, const char* value) {
  rapidjson::Document doc = parse(stored.json);
  doc.RemoveMember(member);
  doc.AddMember(rapidjson::StringRef(member), rapidjson::Value(value, doc.GetAllocator()), doc.GetAllocator());
  return doc;
}

std::string status_of(const std::string& json) {
  return std::string(fhir::json::string_member(parse(json), "status"));
}

class referral_update : public use_case_test {
 protected:
  void SetUp() override { stored = create_referral(referral("REF-U-1")).service_request; }

  result<core::resource_record> update(const caller& who, const rapidjson::Value& body,
                                       std::optional<std::int64_t> if_match) {
    return run(use_cases->referral_update.update({who, meta, stored.id, &body, if_match}));
  }
  result<core::resource_record> cancel(std::variant<std::string, core::identifier> which,
                                       std::optional<std::int64_t> if_match = {}) {
    return run(use_cases->referral_update.cancel({practice_a, meta, std::move(which), if_match}));
  }
  // A change to the Task that another request commits (the platform moving it on).
  void platform_moves_the_task() { store.touch("Task", task_of(stored.id).id); }

  core::resource_record stored;
};

TEST_F(referral_update, a_change_with_the_current_version_is_stored_with_a_referral_updated_event) {
  const auto body = edited(stored, "priority", "urgent");
  auto done = update(practice_a, body, stored.version);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->version, 2);
  EXPECT_NE(done->json.find("\"priority\":\"urgent\""), std::string::npos);
  // received, updated, and escalated: the referrer's own urgency is a new flag on the Task.
  ASSERT_EQ(outbox_count(core::events_channel), 3u);
  const auto updated = std::find_if(store.outbox().begin(), store.outbox().end(), [](const core::outbox_item& i) {
    return i.payload.find("\"type\":\"referral.updated\"") != std::string::npos;
  });
  ASSERT_NE(updated, store.outbox().end());
  EXPECT_EQ(updated->ordering_key, stored.id);
}

TEST_F(referral_update, a_stale_version_is_a_failed_precondition_and_changes_nothing) {
  ASSERT_TRUE(update(practice_a, edited(stored, "priority", "urgent"), stored.version));
  auto done = update(practice_a, edited(stored, "priority", "asap"), stored.version);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::precondition_failed);
  EXPECT_EQ(store.current("ServiceRequest", stored.id)->version, 2);
}

TEST_F(referral_update, a_version_pinned_change_that_loses_a_race_is_a_failed_precondition) {
  const auto body = edited(stored, "priority", "urgent");
  store.before_next_commit = [&] { ASSERT_TRUE(update(practice_a, edited(stored, "priority", "asap"), {})); };
  auto done = update(practice_a, body, stored.version);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::precondition_failed);
  EXPECT_NE(store.current("ServiceRequest", stored.id)->json.find("asap"), std::string::npos);
}

TEST_F(referral_update, an_unpinned_cancel_that_races_the_platform_moving_the_task_is_merged_and_retried) {
  store.before_next_commit = [&] { platform_moves_the_task(); };
  auto done = update(practice_a, edited(stored, "status", "revoked"), {});
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(status_of(done->json), "revoked");
  const core::resource_record task = task_of(stored.id);
  EXPECT_EQ(task.version, 3) << "created, moved by the platform, then cancelled on the retry";
  EXPECT_EQ(status_of(task.json), "cancelled");
}

TEST_F(referral_update, another_organisation_gets_not_found_and_the_refusal_is_audited) {
  const std::size_t audits = store.audits().size();
  auto done = update(practice_b, edited(stored, "priority", "urgent"), {});
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::not_found);
  ASSERT_EQ(store.audits().size(), audits + 1);
  EXPECT_EQ(store.audits().back().caller_org, "B82002");
  EXPECT_EQ(store.audits().back().outcome, "4");
  EXPECT_EQ(store.current("ServiceRequest", stored.id)->version, 1);
}

TEST_F(referral_update, the_platform_may_not_change_a_referral) {
  auto done = update(platform, edited(stored, "priority", "urgent"), {});
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::forbidden);
}

TEST_F(referral_update, the_referral_identifier_may_not_change) {
  rapidjson::Document body = parse(stored.json);
  body["identifier"][0]["value"].SetString("REF-OTHER");
  auto done = update(practice_a, body, {});
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(done.error().details.issues[0].expression.rfind("ServiceRequest.identifier", 0), 0u);
}

TEST_F(referral_update, cancel_by_id_revokes_the_referral_cancels_its_task_and_queues_referral_cancelled) {
  auto done = cancel(stored.id, stored.version);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(status_of(done->json), "revoked");
  EXPECT_EQ(status_of(task_of(stored.id).json), "cancelled");
  EXPECT_NE(store.outbox().back().payload.find("referral.cancelled"), std::string::npos);
}

TEST_F(referral_update, cancel_by_the_referrers_identifier_finds_its_referral) {
  auto done = cancel(core::identifier{"https://fhir.a81001.example.org/referral", "REF-U-1"});
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->id, stored.id);
  EXPECT_EQ(status_of(done->json), "revoked");
  auto unknown = cancel(core::identifier{"https://fhir.a81001.example.org/referral", "REF-NONE"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, refusal_kind::not_found);
}

TEST_F(referral_update, a_cancelled_referral_can_no_longer_change) {
  ASSERT_TRUE(cancel(stored.id));
  auto again = cancel(stored.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(again.error().details.issues[0].expression, "ServiceRequest.status");
}

}  // namespace
}  // namespace gateway::app::testing
