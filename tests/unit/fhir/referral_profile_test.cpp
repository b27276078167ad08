#include "fhir/referral_profile.hpp"

#include <string>

#include <gtest/gtest.h>
#include <rapidjson/pointer.h>

#include "test_json.hpp"

namespace fhir {
namespace {

using test::dump;

rapidjson::Document referral() {
  return test::doc(test::read_file(test::data_path("referral-servicerequest.json")));
}

bool has_error_at(const outcome& o, std::string_view expression) {
  for (const auto& i : o.issues) {
    if (i.severity == severity::error && i.expression == expression) return true;
  }
  return false;
}

TEST(referral_profile, the_fixture_referral_passes) {
  auto d = referral();
  outcome o = validate_referral(d);
  EXPECT_TRUE(o.ok()) << dump(o);
  for (const auto& i : o.issues) EXPECT_EQ(i.severity, severity::information) << dump(o);
}

struct referral_case {
  std::string name;
  std::string pointer;
  std::string value;  // JSON, or empty to remove
  std::string expression;
};

class referral_rule : public ::testing::TestWithParam<referral_case> {};

TEST_P(referral_rule, is_enforced_with_the_expression_of_the_fault) {
  const auto& c = GetParam();
  auto d = referral();
  if (c.value.empty()) {
    ASSERT_TRUE(rapidjson::Pointer(c.pointer.c_str()).Erase(d)) << c.pointer;
  } else {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(c.value.c_str());
    rapidjson::Pointer(c.pointer.c_str()).Set(d, v);
  }
  outcome o = validate_referral(d);
  EXPECT_TRUE(has_error_at(o, c.expression)) << dump(o);
  // Plain R4 stays quieter: these are profile rules, so the base validator must not report them
  // (except where R4 itself has the rule, which the cases below avoid).
}

INSTANTIATE_TEST_SUITE_P(
    cases, referral_rule,
    ::testing::Values(
        referral_case{"no_identifier", "/identifier", "", "ServiceRequest.identifier"},
        referral_case{"identifier_without_system", "/identifier/0/system", "", "ServiceRequest.identifier[0].system"},
        referral_case{"identifier_without_value", "/identifier/0/value", "", "ServiceRequest.identifier[0].value"},
        referral_case{"status_completed", "/status", R"("completed")", "ServiceRequest.status"},
        referral_case{"status_draft_outside_validate", "/status", R"("draft")", "ServiceRequest.status"},
        referral_case{"intent_plan", "/intent", R"("plan")", "ServiceRequest.intent"},
        referral_case{"no_requester", "/requester", "", "ServiceRequest.requester"},
        referral_case{"no_authored_on", "/authoredOn", "", "ServiceRequest.authoredOn"},
        referral_case{"no_reason", "/reasonCode", "", "ServiceRequest.reasonCode"},
        referral_case{"nhs_number_fails_mod11", "/contained/0/identifier/0/value", R"("3478526985")",
                      "ServiceRequest.contained[0].identifier[0].value"},
        referral_case{"nhs_number_nine_digits", "/contained/0/identifier/0/value", R"("943476591")",
                      "ServiceRequest.contained[0].identifier[0].value"},
        referral_case{"patient_without_nhs_number", "/contained/0/identifier/0/system", R"("https://example.org/mrn")",
                      "ServiceRequest.contained[0].identifier"},
        referral_case{"subject_is_a_group", "/subject", R"({"reference":"Group/g1"})", "ServiceRequest.subject"},
        referral_case{"subject_unresolvable", "/subject", R"({"reference":"Patient/p1"})", "ServiceRequest.subject"},
        referral_case{"logical_subject_bad_nhs_number", "/subject",
                      R"({"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"3478526985"}})",
                      "ServiceRequest.subject.identifier.value"}),
    [](const auto& p) { return p.param.name; });

TEST(referral_profile, draft_is_accepted_only_in_validate_only_mode) {
  auto d = referral();
  rapidjson::Pointer("/status").Set(d, "draft");
  referral_profile_options validate_only;
  validate_only.validate_only = true;
  EXPECT_TRUE(validate_referral(d, validate_only).ok()) << dump(validate_referral(d, validate_only));
  EXPECT_FALSE(validate_referral(d).ok());
}

TEST(referral_profile, an_update_accepts_its_own_statuses_instead_of_the_arrival_ones) {
  referral_profile_options update;
  update.accepted_statuses = {"active", "on-hold", "revoked"};
  for (const char* status : {"active", "on-hold", "revoked"}) {
    auto d = referral();
    rapidjson::Pointer("/status").Set(d, status);
    const outcome o = validate_referral(d, update);
    EXPECT_TRUE(o.ok()) << status << "\n" << dump(o);
  }
  for (const char* status : {"completed", "draft", "entered-in-error"}) {
    auto d = referral();
    rapidjson::Pointer("/status").Set(d, status);
    const outcome o = validate_referral(d, update);
    EXPECT_TRUE(has_error_at(o, "ServiceRequest.status")) << status << "\n" << dump(o);
  }
  auto revoked = referral();
  rapidjson::Pointer("/status").Set(revoked, "revoked");
  EXPECT_TRUE(has_error_at(validate_referral(revoked), "ServiceRequest.status"))
      << "a new referral cannot arrive revoked";
}

TEST(referral_profile, logical_reference_by_valid_nhs_number_is_enough) {
  auto d = referral();
  rapidjson::Pointer("/contained").Erase(d);
  rapidjson::Document subject(&d.GetAllocator());
  subject.Parse(R"({"identifier":{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}})");
  rapidjson::Pointer("/subject").Set(d, subject);
  outcome o = validate_referral(d);
  EXPECT_TRUE(o.ok()) << dump(o);
}

TEST(referral_profile, resolver_supplies_a_patient_that_is_not_in_the_resource) {
  auto d = referral();
  rapidjson::Pointer("/contained").Erase(d);
  rapidjson::Pointer("/subject/reference").Set(d, "Patient/p1");
  auto good = test::doc(
      R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]})");
  auto bad = test::doc(
      R"({"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"3478526985"}]})");
  EXPECT_TRUE(validate_referral(d, {}, [&](std::string_view r) { return r == "Patient/p1" ? &good : nullptr; }).ok());
  EXPECT_FALSE(validate_referral(d, {}, [&](std::string_view) { return &bad; }).ok());
}

TEST(referral_profile, service_request_in_a_transaction_bundle_resolves_urn_uuid_patient) {
  auto sr = referral();
  rapidjson::Pointer("/contained").Erase(sr);
  rapidjson::Pointer("/subject/reference").Set(sr, "urn:uuid:11111111-1111-4111-8111-111111111111");
  rapidjson::Pointer("/text").Erase(sr);
  auto bundle = test::doc(R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111",
     "resource":{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"3478526985"}]},
     "request":{"method":"POST","url":"Patient"}},
    {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","request":{"method":"POST","url":"ServiceRequest"}}]})");
  bundle["entry"][1].AddMember("resource", rapidjson::Value(sr, bundle.GetAllocator()), bundle.GetAllocator());
  outcome o = validate_referral_in_bundle(bundle, 1);
  ASSERT_FALSE(o.ok());
  EXPECT_TRUE(has_error_at(o, "Bundle.entry[1].resource.subject.identifier[0].value")) << dump(o);
  bundle["entry"][0]["resource"]["identifier"][0]["value"].SetString("9434765919");
  outcome fixed = validate_referral_in_bundle(bundle, 1);
  EXPECT_TRUE(fixed.ok()) << dump(fixed);
}

TEST(referral_profile, bars_example_nhs_number_fails_the_profile_but_not_r4) {
  auto bundle = test::doc(
      test::read_file(test::data_path("corpus/bars-api-v1.4.0-servicerequest-request-validation-message-bundle.json")));
  const auto& entries = bundle["entry"];
  for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
    if (std::string_view(entries[i]["resource"]["resourceType"].GetString()) != "ServiceRequest") continue;
    outcome o = validate_referral_in_bundle(bundle, i);
    bool nhs = false;
    for (const auto& is : o.issues) nhs = nhs || is.diagnostics.find("NHS number is not valid") != std::string::npos;
    EXPECT_TRUE(nhs) << dump(o);
    return;
  }
  FAIL() << "no ServiceRequest in the BaRS example";
}

}  // namespace
}  // namespace fhir
