#include "tools/preload/synthetic_referrals.hpp"

#include "fhir/nhs_number.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/triage_rules.hpp"

#include <gtest/gtest.h>

#include <set>

namespace rg::preload {
namespace {

namespace core = gateway::core;

TEST(synthetic_referrals_test, nhs_numbers_are_valid_and_from_the_range_not_issued_to_people) {
  std::set<std::string> seen;
  for (std::uint64_t n = 0; n < 20000; ++n) {
    const std::string nhs = synthetic_nhs_number(n);
    ASSERT_TRUE(fhir::is_valid_nhs_number(nhs)) << nhs;
    ASSERT_EQ(nhs.substr(0, 3), "999") << nhs;
    seen.insert(nhs);
  }
  EXPECT_GT(seen.size(), 18000u) << "numbers repeat only where a check digit would be 10";
}

TEST(synthetic_referrals_test, referrals_come_from_every_practice_in_turn_and_an_accepted_task_has_its_message) {
  auto rules = core::load_triage_rules(core::embedded::triage_rules_json());
  ASSERT_TRUE(rules);
  synthetic_referrals maker({4, "A81001", "PLT01", "urn:test", &*rules, 7});
  const auto now = std::chrono::system_clock::now() - std::chrono::hours(1);
  std::set<std::string> owners;
  for (int i = 0; i < 8; ++i) {
    auto made = maker.next(now, i % 2 == 0 ? std::optional(now + std::chrono::seconds(1)) : std::nullopt);
    ASSERT_TRUE(made) << made.error();
    const auto& sr = made->create.writes.front();
    EXPECT_EQ(sr.type, "ServiceRequest");
    owners.insert(sr.owner_org);
    EXPECT_EQ(made->create.claims.size(), made->create.writes.size() == 3 ? 2u : 1u)
        << "the referral identifier, and the NHS number for a new Patient";
    ASSERT_EQ(made->create.outbox.size(), 1u);
    EXPECT_EQ(made->create.outbox[0].channel, "events");
    ASSERT_EQ(made->accept.has_value(), i % 2 == 0);
    if (made->accept) {
      ASSERT_EQ(made->accept->writes.size(), 1u);
      EXPECT_EQ(made->accept->writes[0].kind, core::write_kind::update);
      EXPECT_EQ(made->accept->writes[0].expected_version, 1);
      EXPECT_NE(made->accept->writes[0].json.find(R"("status":"accepted")"), std::string::npos);
      ASSERT_EQ(made->accept->outbox.size(), 1u);
      EXPECT_EQ(made->accept->outbox[0].channel, "feedback");
      EXPECT_EQ(made->accept->outbox[0].destination, sr.owner_org);
      EXPECT_EQ(made->accept->audits.size(), 1u);
    }
  }
  EXPECT_EQ(owners, (std::set<std::string>{"A81001", "Y00001", "Y00002", "Y00003"}));
}

}  // namespace
}  // namespace rg::preload
