#include "gateway/core/normalise_service_request.hpp"

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace gateway::core;
using gateway::core::fixtures::load_fixture;
using gateway::core::fixtures::parse;

namespace {

const supporting_observation* find_observation(const referral& r, std::string_view code) {
  for (const auto& o : r.observations)
    for (const auto& c : o.codes)
      if (c.code == code) return &o;
  return nullptr;
}

}  // namespace

TEST(normalise_service_request, contained_patient_practitioner_role_and_supporting_info) {
  const auto sr = load_fixture("servicerequest-contained.json");
  const auto r = normalise_service_request(sr);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->service_request_id, "referral-contained");
  EXPECT_EQ(r->status, "active");
  EXPECT_EQ(r->referrer_identifier, (identifier{"https://fhir.a81001.example.org/referral", "REF-2024-0001"}));
  EXPECT_EQ(r->nhs_number, "9434765919");
  EXPECT_EQ(r->birth_date, parse_fhir_date("1980-06-15"));
  EXPECT_EQ(r->requester_ods, "A81001");  // PractitionerRole -> #practice -> ODS identifier
  ASSERT_EQ(r->reasons.size(), 1u);       // from the reasonReference Condition
  EXPECT_EQ(r->reasons[0].code, "203082005");
  EXPECT_EQ(r->priority, request_priority::routine);
  EXPECT_EQ(r->authored_on, "2024-03-01T10:00:00Z");
  EXPECT_EQ(r->occurrence, "2024-03-08");
  EXPECT_EQ(r->note, "Widespread pain for 3 years; low mood.\n\nPrefers telephone contact.");

  // Panel components become observations of their own, carrying the panel's time and source.
  const auto* item9 = find_observation(*r, "44260-8");
  ASSERT_NE(item9, nullptr);
  EXPECT_EQ(item9->value_number, 2);
  EXPECT_EQ(item9->effective, "2024-03-01T09:30:00Z");
  EXPECT_EQ(item9->source, "#phq9");
  const auto* total = find_observation(*r, "44261-6");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->value_number, 21);
  const auto* gad = find_observation(*r, "70274-6");
  ASSERT_NE(gad, nullptr);
  EXPECT_EQ(gad->value_number, 12);  // valueQuantity.value
  // Named in supportingInfo *and* contained: counted once (panel + 2 components + GAD-7).
  EXPECT_EQ(r->observations.size(), 4u);
}

TEST(normalise_service_request, logical_subject_and_requester_identifier_with_bundle_lookup) {
  const auto sr = load_fixture("servicerequest-logical.json");
  const auto qr = load_fixture("questionnaireresponse-phq9.json");
  std::vector<std::string> asked;
  const reference_lookup lookup = [&](std::string_view ref) -> const rapidjson::Value* {
    asked.emplace_back(ref);
    return ref == "urn:uuid:3f1c2a50-4c9e-4f55-9a58-1f0b8b0d7a10" ? &qr : nullptr;
  };
  const auto r = normalise_service_request(sr, lookup);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_EQ(r->nhs_number, "9434765919");
  EXPECT_FALSE(r->birth_date);  // no Patient resource: age unknown
  EXPECT_EQ(r->requester_ods, "B82002");
  EXPECT_EQ(r->priority, request_priority::urgent);
  EXPECT_EQ(r->occurrence, "2024-04-10");
  ASSERT_EQ(r->reasons.size(), 1u);
  EXPECT_EQ(r->reasons[0], (coding{"http://snomed.info/sct", "82423001", "Chronic pain"}));
  EXPECT_EQ(asked, std::vector<std::string>{"urn:uuid:3f1c2a50-4c9e-4f55-9a58-1f0b8b0d7a10"});

  // Nested group items are flattened; a coded answer takes its ordinalValue as its number.
  ASSERT_EQ(r->answers.size(), 3u);
  std::map<std::string, const questionnaire_answer*> by_link;
  for (const auto& a : r->answers) by_link[a.link_id] = &a;
  ASSERT_TRUE(by_link.count("44260-8"));
  EXPECT_EQ(by_link["44260-8"]->value_number, 1);
  ASSERT_EQ(by_link["44260-8"]->value_codes.size(), 1u);
  EXPECT_EQ(by_link["44260-8"]->value_codes[0].code, "LA6569-3");
  EXPECT_EQ(by_link["44261-6"]->value_number, 14);
  EXPECT_EQ(by_link["44260-8"]->source, "urn:uuid:3f1c2a50-4c9e-4f55-9a58-1f0b8b0d7a10");
}

TEST(normalise_service_request, unresolvable_bundle_reference_is_skipped_not_an_error) {
  const auto sr = load_fixture("servicerequest-logical.json");
  const auto r = normalise_service_request(sr);  // no lookup at all
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->answers.empty());
  EXPECT_TRUE(r->observations.empty());
}

TEST(normalise_service_request, requester_organisation_forms) {
  struct row {
    const char* name;
    const char* json;
    const char* expected_ods;
  };
  const row rows[] = {
      {"contained Organization",
       R"({"resourceType":"ServiceRequest","contained":[{"resourceType":"Organization","id":"o",
           "identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"C1"}]}],
           "requester":{"reference":"#o"}})",
       "C1"},
      {"PractitionerRole with organization identifier",
       R"({"resourceType":"ServiceRequest","contained":[{"resourceType":"PractitionerRole","id":"r",
           "organization":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"D2"}}}],
           "requester":{"reference":"#r"}})",
       "D2"},
      {"requester identifier wins over reference",
       R"({"resourceType":"ServiceRequest","contained":[{"resourceType":"Organization","id":"o",
           "identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"C1"}]}],
           "requester":{"reference":"#o","identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"E3"}}})",
       "E3"},
      {"Practitioner names no organisation",
       R"({"resourceType":"ServiceRequest","contained":[{"resourceType":"Practitioner","id":"p"}],
           "requester":{"reference":"#p"}})",
       ""},
      {"identifier of another system is not an ODS code",
       R"({"resourceType":"ServiceRequest","requester":{"identifier":{"system":"https://fhir.nhs.uk/Id/sds-user-id","value":"X"}}})",
       ""},
  };
  for (const auto& row : rows) {
    const auto doc = parse(row.json);
    const auto r = normalise_service_request(doc);
    ASSERT_TRUE(r) << row.name << ": " << r.error().text();
    EXPECT_EQ(r->requester_ods, row.expected_ods) << row.name;
  }
}

TEST(normalise_service_request, self_contradicting_input_is_an_error_naming_the_element) {
  struct row {
    const char* json;
    const char* expected;
  };
  const row rows[] = {
      {R"({"resourceType":"Patient"})", "resourceType: expected a ServiceRequest"},
      {R"([1,2])", "resourceType: expected a ServiceRequest"},
      {R"({"resourceType":"ServiceRequest","subject":{"reference":"#nobody"}})",
       "ServiceRequest.subject.reference: '#nobody' does not resolve to a contained resource"},
      {R"({"resourceType":"ServiceRequest","contained":[{"resourceType":"Group","id":"g"}],"subject":{"reference":"#g"}})",
       "ServiceRequest.subject.reference: refers to a Group, not a Patient"},
      {R"({"resourceType":"ServiceRequest","priority":"whenever"})",
       "ServiceRequest.priority: 'whenever' is not one of routine, urgent, asap, stat"},
      {R"({"resourceType":"ServiceRequest","requester":{"reference":"#gone"}})",
       "ServiceRequest.requester.reference: '#gone' does not resolve to a contained resource"},
      {R"({"resourceType":"ServiceRequest","supportingInfo":[{"reference":"#a"}]})",
       "ServiceRequest.supportingInfo[0].reference: '#a' does not resolve to a contained resource"},
  };
  for (const auto& row : rows) {
    const auto doc = parse(row.json);
    const auto r = normalise_service_request(doc);
    ASSERT_FALSE(r) << row.json;
    EXPECT_EQ(r.error().text(), row.expected);
    EXPECT_EQ(r.error().kind, error_kind::invalid);
  }
}

TEST(normalise_service_request, wrongly_typed_members_are_ignored_never_crash) {
  const auto doc = parse(R"({"resourceType":"ServiceRequest","identifier":"x","subject":[1],
      "requester":5,"reasonCode":{"coding":1},"note":[{"text":7}],"supportingInfo":[null],
      "contained":[{"resourceType":"QuestionnaireResponse","item":[{"linkId":3,"answer":{}}]}]})");
  const auto r = normalise_service_request(doc);
  ASSERT_TRUE(r) << r.error().text();
  EXPECT_TRUE(r->nhs_number.empty());
  EXPECT_TRUE(r->requester_ods.empty());
  EXPECT_TRUE(r->reasons.empty());
}
