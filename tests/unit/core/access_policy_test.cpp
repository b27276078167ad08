#include "gateway/core/access_policy.hpp"

#include "gateway/core/outcome_link.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;
using enum access_decision;
using A = access_action;

TEST(access_policy, the_access_matrix) {
  const caller practice_a{caller_role::referrer, "A81001"};
  const caller platform{caller_role::platform, "PLAT01"};
  const caller no_org{caller_role::referrer, ""};
  struct row {
    const caller* who;
    access_action what;
    std::string_view org;
    access_decision expected;
  };
  const row rows[] = {
      {&practice_a, A::create_referral, "A81001", allow},
      {&practice_a, A::create_referral, "B82002", forbidden},
      {&platform, A::create_referral, "A81001", forbidden},
      {&no_org, A::create_referral, "", forbidden},
      {&practice_a, A::read, "A81001", allow},
      {&practice_a, A::read, "B82002", not_found},  // same answer as a missing id
      {&practice_a, A::read, "", not_found},
      {&platform, A::read, "B82002", allow},
      {&no_org, A::read, "", not_found},
      {&practice_a, A::update_referral, "A81001", allow},
      {&practice_a, A::update_referral, "B82002", not_found},
      {&platform, A::update_referral, "A81001", forbidden},
      {&platform, A::change_task, "A81001", allow},
      {&practice_a, A::change_task, "A81001", forbidden},
      {&practice_a, A::change_task, "B82002", not_found},
      {&platform, A::post_outcome, "A81001", allow},
      {&practice_a, A::post_outcome, "A81001", forbidden},
      {&practice_a, A::post_outcome, "B82002", not_found},
      {&platform, A::read_audit, "", allow},
      {&practice_a, A::read_audit, "A81001", forbidden},
  };
  for (const auto& r : rows)
    EXPECT_EQ(decide(*r.who, r.what, r.org), r.expected)
        << r.who->organisation << " " << to_string(r.what) << " " << r.org;
  EXPECT_EQ(search_scope(practice_a), "A81001");
  EXPECT_EQ(search_scope(platform), std::nullopt);
}

TEST(access_policy, outcome_link_per_resource_type) {
  struct row {
    const char* json;
    const char* expected;  // the ServiceRequest reference, or the error text
    bool ok;
  };
  const row rows[] = {
      {R"({"resourceType":"Observation","basedOn":[{"reference":"CarePlan/x"},{"reference":"ServiceRequest/sr1"}]})",
       "ServiceRequest/sr1", true},
      {R"({"resourceType":"QuestionnaireResponse","basedOn":[{"reference":"ServiceRequest/sr2"}]})",
       "ServiceRequest/sr2", true},
      {R"({"resourceType":"DocumentReference","context":{"related":[{"reference":"ServiceRequest/sr3"}]}})",
       "ServiceRequest/sr3", true},
      {R"({"resourceType":"Observation","basedOn":[{"reference":"ServiceRequest/"}]})",
       "Observation.basedOn: an outcome must reference the referral's ServiceRequest", false},
      {R"({"resourceType":"QuestionnaireResponse"})",
       "QuestionnaireResponse.basedOn: an outcome must reference the referral's ServiceRequest", false},
      {R"({"resourceType":"DocumentReference","basedOn":[{"reference":"ServiceRequest/sr3"}]})",
       "DocumentReference.context.related: an outcome must reference the referral's ServiceRequest", false},
      {R"({"resourceType":"Task"})",
       "resourceType: outcomes are Observation, DocumentReference or QuestionnaireResponse", false},
  };
  for (const auto& r : rows) {
    const auto doc = fixtures::parse(r.json);
    const auto link = check_outcome_link(doc);
    if (r.ok) {
      ASSERT_TRUE(link) << r.json;
      EXPECT_EQ(*link, r.expected);
    } else {
      ASSERT_FALSE(link) << r.json;
      EXPECT_EQ(link.error().text(), r.expected);
    }
  }
}

TEST(access_policy, an_operator_reaches_no_clinical_resource) {
  const caller op{caller_role::operator_, "A81001"};  // even with a referrer's ODS code
  for (const auto what :
       {A::create_referral, A::read, A::update_referral, A::change_task, A::post_outcome, A::read_audit}) {
    EXPECT_EQ(decide(op, what, "A81001"), forbidden) << to_string(what);
  }
  EXPECT_EQ(to_string(caller_role::operator_), "operator");
}
