#include "gateway/app/outcome_create.hpp"

#include "gateway/core/store_outbox.hpp"
#include "tests/unit/app/use_case_fixture.hpp"

namespace gateway::app::testing {
namespace {

class outcome_create : public use_case_test {
 protected:
  void SetUp() override {
    const referral_created r = create_referral(referral("REF-O-1"));
    referral_id = r.service_request.id;
    patient_id = r.patient_id;
  }

  // A PHQ-9 total for the referral.
  rapidjson::Document phq9(const std::string& service_request_id, int total) const {
    return parse(
        R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},)"
        R"("subject":{"reference":"Patient/)" +
        patient_id + R"("},"basedOn":[{"reference":"ServiceRequest/)" + service_request_id +
        R"("}],"effectiveDateTime":"2024-06-01T09:00:00Z","valueInteger":)" + std::to_string(total) + "}");
  }
  std::size_t outcome_messages() const { return outbox_count(core::feedback_channel); }
  result<core::resource_record> post(const caller& who, const rapidjson::Value& outcome) {
    return run(use_cases->outcome_create.create({who, meta, &outcome}));
  }

  std::string referral_id;
  std::string patient_id;
};

TEST_F(outcome_create, the_platforms_outcome_is_stored_for_the_referrer_with_an_outcome_report) {
  auto done = post(platform, phq9(referral_id, 14));
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->type, "Observation");
  EXPECT_EQ(done->owner_org, "A81001") << "the referrer reads its referral's outcomes";
  ASSERT_EQ(outcome_messages(), 1u);
  EXPECT_NE(store.outbox().back().payload.find("outcome-report"), std::string::npos);
  EXPECT_EQ(store.outbox().back().destination, "A81001");
  EXPECT_EQ(store.audits().back().entity_id, done->id);
}

TEST_F(outcome_create, a_referrer_is_forbidden_for_its_own_referral_and_not_told_of_anothers) {
  auto own = post(practice_a, phq9(referral_id, 14));
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().kind, refusal_kind::forbidden);
  auto other = post(practice_b, phq9(referral_id, 14));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, refusal_kind::not_found);
  EXPECT_EQ(store.resource_count("Observation"), 0u);
  EXPECT_EQ(outcome_messages(), 0u);
}

TEST_F(outcome_create, an_outcome_for_no_referral_is_unprocessable_for_the_platform_and_not_found_for_a_referrer) {
  auto platform_post = post(platform, phq9("no-such-referral", 14));
  ASSERT_FALSE(platform_post);
  EXPECT_EQ(platform_post.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(platform_post.error().details.issues[0].expression, "Observation.basedOn");
  auto referrer_post = post(practice_a, phq9("no-such-referral", 14));
  ASSERT_FALSE(referrer_post);
  EXPECT_EQ(referrer_post.error().kind, refusal_kind::not_found);
  EXPECT_EQ(store.audits().back().outcome, "4") << "the refusal is audited";
}

}  // namespace
}  // namespace gateway::app::testing
