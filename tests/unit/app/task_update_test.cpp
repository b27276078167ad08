#include "gateway/app/task_update.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/store_outbox.hpp"
#include "tests/unit/app/use_case_fixture.hpp"

namespace gateway::app::testing {
namespace {

class task_update : public use_case_test {
 protected:
  void SetUp() override {
    referral_id = create_referral(referral("REF-T-1")).service_request.id;
    task = task_of(referral_id);
  }

  // The stored Task with another status.
  rapidjson::Document moved_to(const char* status) const {
    rapidjson::Document doc = parse(task.json);
    doc["status"].SetString(status, doc.GetAllocator());
    return doc;
  }
  result<core::resource_record> update(const caller& who, const rapidjson::Value& body,
                                       std::optional<std::int64_t> if_match) {
    return run(use_cases->task_update.update({who, meta, task.id, &body, if_match}));
  }
  std::size_t feedback() const { return outbox_count(core::feedback_channel); }

  std::string referral_id;
  core::resource_record task;
};

TEST_F(task_update, the_platform_moves_the_task_and_the_referrer_gets_a_status_update) {
  auto done = update(platform, moved_to("received"), task.version);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->version, 2);
  EXPECT_EQ(fhir::json::string_member(parse(done->json), "status"), "received");
  ASSERT_EQ(feedback(), 1u);
  const core::outbox_item& message = store.outbox().back();
  EXPECT_EQ(message.destination, "A81001");
  EXPECT_EQ(message.ordering_key, referral_id);
  EXPECT_NE(message.payload.find("status-update"), std::string::npos);
  EXPECT_NE(message.payload.find("https://practice-a.test/fhir/$process-message"), std::string::npos)
      << "addressed to the referrer's configured endpoint";
  EXPECT_NE(message.payload.find("https://gateway.test/fhir/Task/" + task.id), std::string::npos)
      << "the message names stored resources under the request's base URL";
}

TEST_F(task_update, a_transition_the_state_machine_does_not_allow_is_unprocessable) {
  ASSERT_TRUE(update(platform, moved_to("rejected"), {}));
  task = task_of(referral_id);
  auto done = update(platform, moved_to("in-progress"), {});
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(done.error().details.issues[0].expression, "Task.status");
  EXPECT_EQ(feedback(), 1u) << "only the allowed change was queued";
}

TEST_F(task_update, a_referrer_is_forbidden_its_own_task_and_not_told_of_anothers) {
  auto own = update(practice_a, moved_to("received"), {});
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().kind, refusal_kind::forbidden);
  auto other = update(practice_b, moved_to("received"), {});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, refusal_kind::not_found);
  EXPECT_EQ(feedback(), 0u);
  EXPECT_EQ(store.audits().back().entity_id, task.id);
  EXPECT_EQ(store.audits().back().outcome, "4");
}

TEST_F(task_update, a_stale_version_is_a_failed_precondition) {
  store.touch("Task", task.id);
  auto done = update(platform, moved_to("received"), task.version);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::precondition_failed);
  EXPECT_EQ(feedback(), 0u);
}

TEST_F(task_update, an_unpinned_change_that_races_another_is_merged_onto_the_new_version) {
  store.before_next_commit = [&] { store.touch("Task", task.id); };
  auto done = update(platform, moved_to("received"), {});
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->version, 3);
  EXPECT_EQ(feedback(), 1u) << "one message for the one change";
}

TEST_F(task_update, a_pinned_change_that_races_another_is_a_failed_precondition) {
  store.before_next_commit = [&] { store.touch("Task", task.id); };
  auto done = update(platform, moved_to("received"), task.version);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::precondition_failed);
}

TEST_F(task_update, completing_the_task_sends_an_outcome_report) {
  ASSERT_TRUE(update(platform, moved_to("accepted"), {}));
  task = task_of(referral_id);
  ASSERT_TRUE(update(platform, moved_to("in-progress"), {}));
  task = task_of(referral_id);
  auto done = update(platform, moved_to("completed"), {});
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_NE(store.outbox().back().payload.find("outcome-report"), std::string::npos);
}

}  // namespace
}  // namespace gateway::app::testing
