#include "gateway/core/referral_profile.hpp"

#include "gateway/core/normalise_service_request.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

namespace {

referral complete_referral() {
  referral r;
  r.referrer_identifier = {"https://example.org/referral", "1"};
  r.nhs_number = "9434765919";
  r.requester_ods = "A81001";
  r.reasons = {{"http://snomed.info/sct", "203082005", ""}};
  return r;
}

std::vector<std::string> texts(const std::vector<error>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.expression);
  return out;
}

}  // namespace

TEST(referral_profile, fixtures_pass) {
  for (const char* name : {"servicerequest-contained.json", "servicerequest-logical.json"}) {
    const auto doc = fixtures::load_fixture(name);
    const auto r = normalise_service_request(doc);
    ASSERT_TRUE(r);
    EXPECT_TRUE(check_referral_profile(*r).empty()) << name;
  }
}

TEST(referral_profile, each_missing_element_is_named) {
  EXPECT_TRUE(check_referral_profile(complete_referral()).empty());
  struct row {
    void (*breaks)(referral&);
    const char* expression;
  };
  const row rows[] = {
      {[](referral& r) { r.referrer_identifier.value.clear(); }, "ServiceRequest.identifier"},
      {[](referral& r) { r.nhs_number.clear(); }, "ServiceRequest.subject"},
      {[](referral& r) { r.nhs_number = "9434765918"; }, "ServiceRequest.subject"},
      {[](referral& r) { r.requester_ods.clear(); }, "ServiceRequest.requester"},
      {[](referral& r) { r.reasons.clear(); }, "ServiceRequest.reasonCode"},
      {[](referral& r) {
         r.reasons = {{"", "203082005", "no system"}};
       },
       "ServiceRequest.reasonCode"},
  };
  for (const auto& row : rows) {
    auto r = complete_referral();
    row.breaks(r);
    const auto issues = check_referral_profile(r);
    EXPECT_EQ(texts(issues), std::vector<std::string>{row.expression});
    EXPECT_EQ(issues.at(0).kind, error_kind::unprocessable);
  }
}

TEST(referral_profile, reports_all_failures_at_once_without_echoing_the_nhs_number) {
  referral r;
  r.nhs_number = "1234567890";
  const auto issues = check_referral_profile(r);
  EXPECT_EQ(issues.size(), 4u);
  for (const auto& e : issues) EXPECT_EQ(e.message.find("1234567890"), std::string::npos);
}
