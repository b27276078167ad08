#include "fhir/validator.hpp"

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/pointer.h>

#include "test_json.hpp"

namespace fhir {
namespace {

std::string dump(const outcome& o) {
  std::string s;
  for (const auto& i : o.issues)
    s += std::string(to_string(i.severity)) + " " + std::string(to_string(i.code)) + " " + i.expression + ": " +
         i.diagnostics + "\n";
  return s;
}

rapidjson::Document referral() {
  return test::doc(test::read_file(test::data_path("referral-servicerequest.json")));
}

TEST(validator, the_fixture_referral_is_valid_r4) {
  auto d = referral();
  outcome o = validate(d);
  EXPECT_TRUE(o.ok()) << dump(o);
  for (const auto& i : o.issues) EXPECT_EQ(i.severity, severity::information) << dump(o);
}

// One rule broken per case: JSON Pointer to change ("" value means remove), and where and how the
// validator must say so.
struct mutation_case {
  std::string name;
  std::string pointer;
  std::string value;  // JSON text, or empty to remove the member
  std::string expression;
  issue_code code;
};

class validator_rule : public ::testing::TestWithParam<mutation_case> {};

TEST_P(validator_rule, reports_the_fault_at_its_expression) {
  const auto& c = GetParam();
  auto d = referral();
  if (c.value.empty()) {
    ASSERT_TRUE(rapidjson::Pointer(c.pointer.c_str()).Erase(d)) << c.pointer;
  } else {
    rapidjson::Document v(&d.GetAllocator());
    v.Parse(c.value.c_str());
    ASSERT_FALSE(v.HasParseError()) << c.value;
    rapidjson::Pointer(c.pointer.c_str()).Set(d, v);
  }
  outcome o = validate(d);
  bool found = false;
  for (const auto& i : o.issues)
    found = found || (i.expression == c.expression && i.code == c.code && i.severity == severity::error);
  EXPECT_TRUE(found) << "expected " << to_string(c.code) << " at " << c.expression << ", got:\n" << dump(o);
}

INSTANTIATE_TEST_SUITE_P(
    cases, validator_rule,
    ::testing::Values(
        mutation_case{"missing_status", "/status", "", "ServiceRequest.status", issue_code::required},
        mutation_case{"missing_subject", "/subject", "", "ServiceRequest.subject", issue_code::required},
        mutation_case{"unknown_element", "/statusReason2", R"("x")", "ServiceRequest.statusReason2",
                      issue_code::structure},
        mutation_case{"wrong_case_element", "/AuthoredOn", R"("2024-01-01")", "ServiceRequest.AuthoredOn",
                      issue_code::structure},
        mutation_case{"array_where_single", "/status", R"(["active"])", "ServiceRequest.status", issue_code::structure},
        mutation_case{"single_where_array", "/identifier", R"({"system":"a:b","value":"1"})",
                      "ServiceRequest.identifier", issue_code::structure},
        mutation_case{"null_value", "/priority", "null", "ServiceRequest.priority", issue_code::structure},
        mutation_case{"empty_string", "/identifier/0/value", R"("")", "ServiceRequest.identifier[0].value",
                      issue_code::value},
        mutation_case{"empty_object", "/code", "{}", "ServiceRequest.code", issue_code::invariant},
        mutation_case{"empty_array", "/category", "[]", "ServiceRequest.category", issue_code::invariant},
        mutation_case{"only_id_object", "/code", R"({"id":"x"})", "ServiceRequest.code", issue_code::invariant},
        mutation_case{"bad_status_code", "/status", R"("open")", "ServiceRequest.status", issue_code::code_invalid},
        mutation_case{"bad_intent_code", "/intent", R"("order ")", "ServiceRequest.intent", issue_code::value},
        mutation_case{"bad_priority_code", "/priority", R"("soon")", "ServiceRequest.priority",
                      issue_code::code_invalid},
        mutation_case{"bad_identifier_use", "/identifier/1/use", R"("backup")", "ServiceRequest.identifier[1].use",
                      issue_code::code_invalid},
        mutation_case{"bad_date_time", "/authoredOn", R"("2024-03-14T09:30:00")", "ServiceRequest.authoredOn",
                      issue_code::value},
        mutation_case{"bad_date", "/contained/0/birthDate", R"("1980-02-30")", "ServiceRequest.contained[0].birthDate",
                      issue_code::value},
        mutation_case{"boolean_as_string", "/doNotPerform", R"("false")", "ServiceRequest.doNotPerform",
                      issue_code::value},
        mutation_case{"two_choice_types", "/occurrenceDateTime", R"("2024-03-15")", "ServiceRequest.occurrenceDateTime",
                      issue_code::structure},
        mutation_case{"choice_type_not_allowed", "/quantityString", R"("2")", "ServiceRequest.quantityString",
                      issue_code::structure},
        mutation_case{"reference_target_not_allowed", "/requester/reference", R"("Location/l1")",
                      "ServiceRequest.requester", issue_code::structure},
        mutation_case{"reference_type_mismatch", "/supportingInfo/0/type", R"("Observation")",
                      "ServiceRequest.supportingInfo[0].type", issue_code::invariant},
        mutation_case{"local_reference_not_contained", "/subject/reference", R"("#nobody")", "ServiceRequest.subject",
                      issue_code::invariant},
        mutation_case{"contained_not_referenced", "/subject/reference", R"("Patient/p1")",
                      "ServiceRequest.contained[0]", issue_code::invariant},
        mutation_case{"contained_with_version", "/contained/0/meta", R"({"versionId":"2"})", "ServiceRequest",
                      issue_code::invariant},
        mutation_case{"contained_with_security", "/contained/0/meta", R"({"security":[{"code":"R"}]})",
                      "ServiceRequest", issue_code::invariant},
        mutation_case{"nested_contained", "/contained/0/contained", R"([{"resourceType":"Basic","code":{"text":"x"}}])",
                      "ServiceRequest", issue_code::invariant},
        mutation_case{"unknown_contained_type", "/contained/0/resourceType", R"("Patiente")",
                      "ServiceRequest.contained[0]", issue_code::not_supported},
        mutation_case{"extension_without_value", "/extension/0", R"({"url":"http://x.org/e"})",
                      "ServiceRequest.extension[0]", issue_code::invariant},
        mutation_case{"extension_without_url", "/extension/0", R"({"valueCode":"x"})",
                      "ServiceRequest.extension[0].url", issue_code::required},
        mutation_case{"bad_resource_id", "/id", R"("a_b")", "ServiceRequest.id", issue_code::value},
        mutation_case{"narrative_script", "/text/div",
                      R"("<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x</script></div>")",
                      "ServiceRequest.text.div", issue_code::invariant},
        mutation_case{"narrative_status_code", "/text/status", R"("made-up")", "ServiceRequest.text.status",
                      issue_code::code_invalid},
        mutation_case{"primitive_extension_wrong_shape", "/_authoredOn", R"("x")", "ServiceRequest._authoredOn",
                      issue_code::structure},
        mutation_case{"primitive_extension_unknown_member", "/_authoredOn", R"({"foo":1})",
                      "ServiceRequest._authoredOn.foo", issue_code::structure},
        mutation_case{"null_in_primitive_array_without_twin", "/contained/0/name/0/given/1", "null",
                      "ServiceRequest.contained[0].name[0].given[1]", issue_code::structure}),
    [](const auto& p) { return p.param.name; });

TEST(validator, primitive_extension_alone_satisfies_cardinality_and_null_pairs_with_twin) {
  auto d = test::doc(R"({"resourceType":"Patient","name":[{"given":["A",null],
      "_given":[null,{"extension":[{"url":"http://x.org/e","valueString":"B"}]}]}],
      "_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]}})");
  outcome o = validate(d);
  EXPECT_TRUE(o.ok()) << dump(o);
}

TEST(validator, required_codeable_concept_needs_a_coding_from_the_value_set) {
  const char* base = R"({"resourceType":"Condition","subject":{"reference":"Patient/1"},"clinicalStatus":%s})";
  char buf[512];
  std::snprintf(
      buf, sizeof buf, base,
      R"({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]})");
  auto good = test::doc(buf);
  EXPECT_TRUE(validate(good).ok()) << dump(validate(good));
  std::snprintf(buf, sizeof buf, base,
                R"({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"bogus"}]})");
  auto bad = test::doc(buf);
  outcome o = validate(bad);
  ASSERT_EQ(o.error_count(), 2u) << dump(o);  // not in the value set, and not a code of its system
  EXPECT_EQ(o.issues[0].code, issue_code::code_invalid);
  EXPECT_EQ(o.issues[0].expression, "Condition.clinicalStatus.coding[0].code");
  EXPECT_EQ(o.issues[1].expression, "Condition.clinicalStatus");
}

TEST(validator, extensible_and_preferred_bindings_never_reject) {
  auto d = test::doc(R"({"resourceType":"Patient","maritalStatus":{"coding":[{"system":"http://x.org","code":"z"}]},
                         "language":"xx-not-a-language"})");
  outcome o = validate(d);
  EXPECT_TRUE(o.ok()) << dump(o);
  for (const auto& i : o.issues) {
    EXPECT_EQ(i.expression.find("maritalStatus"), std::string::npos) << dump(o);
    EXPECT_EQ(i.expression.find("language"), std::string::npos) << dump(o);
  }
}

TEST(validator, unknown_and_abstract_resource_types_are_not_supported) {
  for (auto body : {R"({"resourceType":"Nope"})", R"({"resourceType":"DomainResource"})", R"({"id":"x"})"}) {
    auto d = test::doc(body);
    outcome o = validate(d);
    ASSERT_FALSE(o.ok()) << body;
    EXPECT_EQ(o.issues[0].expression.empty(), false);
  }
}

TEST(validator, reports_every_problem_not_just_the_first) {
  auto d = test::doc(
      R"({"resourceType":"ServiceRequest","status":"x","intent":"y","subject":{"reference":"Patient/1"},"bogus":1})");
  outcome o = validate(d);
  EXPECT_GE(o.error_count(), 3u) << dump(o);
}

TEST(validator, caps_issues_and_says_so) {
  std::string body = R"({"resourceType":"Patient")";
  for (int i = 0; i < 300; ++i) body += ",\"x" + std::to_string(i) + "\":1";
  body += "}";
  auto d = test::doc(body);
  outcome o = validate(d);
  EXPECT_TRUE(o.capped);
  ASSERT_EQ(o.issues.size(), default_issue_cap + 1);
  EXPECT_NE(o.issues.back().diagnostics.find("more than 100"), std::string::npos);
  validate_options small;
  small.issue_cap = 5;
  EXPECT_EQ(validate(d, small).issues.size(), 6u);
}

TEST(validator, bundle_entry_expressions_and_urn_uuid_targets) {
  auto d = test::doc(R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:11111111-1111-4111-8111-111111111111","resource":{"resourceType":"Organization","name":"X"},
     "request":{"method":"POST","url":"Organization"}},
    {"fullUrl":"urn:uuid:22222222-2222-4222-8222-222222222222","resource":{"resourceType":"ServiceRequest","status":"bogus",
      "intent":"order","subject":{"reference":"urn:uuid:11111111-1111-4111-8111-111111111111"}},
     "request":{"method":"POST","url":"ServiceRequest"}}]})");
  outcome o = validate(d);
  bool status = false, target = false;
  for (const auto& i : o.issues) {
    status = status || i.expression == "Bundle.entry[1].resource.status";
    target = target || (i.expression == "Bundle.entry[1].resource.subject" &&
                        i.diagnostics.find("Organization") != std::string::npos);
  }
  EXPECT_TRUE(status) << dump(o);
  EXPECT_TRUE(target) << dump(o);
}

struct bundle_case {
  std::string name;
  std::string body;
  std::string expression;
};

class bundle_invariant : public ::testing::TestWithParam<bundle_case> {};

TEST_P(bundle_invariant, is_reported) {
  auto d = test::doc(GetParam().body);
  outcome o = validate(d);
  bool found = false;
  // The key (bdl1_total -> bdl-1) names the constraint in the diagnostics.
  const std::string& name = GetParam().name;
  const std::string key = "bdl-" + name.substr(3, name.find('_') - 3);
  for (const auto& i : o.issues)
    found = found || (i.code == issue_code::invariant && i.expression == GetParam().expression &&
                      i.diagnostics.find(key + " ") != std::string::npos);
  EXPECT_TRUE(found) << key << " at " << GetParam().expression << "\n" << dump(o);
}

constexpr const char* org = R"({"resourceType":"Organization","name":"X"})";

INSTANTIATE_TEST_SUITE_P(
    cases, bundle_invariant,
    ::testing::Values(
        bundle_case{"bdl1_total", R"({"resourceType":"Bundle","type":"collection","total":1})", "Bundle"},
        bundle_case{"bdl2_search",
                    std::string(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)") + org +
                        R"(,"search":{"mode":"match"}}]})",
                    "Bundle"},
        bundle_case{"bdl3_request_missing",
                    std::string(R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":)") + org + "}]}",
                    "Bundle"},
        bundle_case{"bdl3_request_not_allowed",
                    std::string(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":)") + org +
                        R"(,"request":{"method":"GET","url":"x"}}]})",
                    "Bundle"},
        bundle_case{
            "bdl4_response_missing",
            std::string(R"({"resourceType":"Bundle","type":"batch-response","entry":[{"resource":)") + org + "}]}",
            "Bundle"},
        bundle_case{
            "bdl5_empty_entry",
            R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/Organization/1"}]})",
            "Bundle.entry[0]"},
        bundle_case{
            "bdl7_duplicate_full_url",
            std::string(
                R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/Organization/1","resource":)") +
                org + R"(},{"fullUrl":"http://x.org/Organization/1","resource":)" + org + "}]}",
            "Bundle"},
        bundle_case{
            "bdl8_versioned_full_url",
            std::string(
                R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/Organization/1/_history/2","resource":)") +
                org + "}]}",
            "Bundle.entry[0]"},
        bundle_case{
            "bdl9_document_identifier",
            std::string(
                R"({"resourceType":"Bundle","type":"document","timestamp":"2024-01-01T00:00:00Z","entry":[{"resource":)") +
                org + "}]}",
            "Bundle"},
        bundle_case{"bdl10_document_timestamp",
                    R"({"resourceType":"Bundle","type":"document","identifier":{"system":"a:b","value":"1"}})",
                    "Bundle"},
        bundle_case{"bdl11_document_first_composition",
                    std::string(R"({"resourceType":"Bundle","type":"document","entry":[{"resource":)") + org + "}]}",
                    "Bundle"},
        bundle_case{"bdl12_message_first_header",
                    std::string(R"({"resourceType":"Bundle","type":"message","entry":[{"resource":)") + org + "}]}",
                    "Bundle"}),
    [](const auto& p) { return p.param.name; });

TEST(validator, concurrent_validation_gives_the_same_answers) {
  auto d = referral();
  rapidjson::Pointer("/status").Set(d, "bogus");
  const outcome expected = validate(d);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (validate(d).issues.size() != expected.issues.size()) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace fhir
