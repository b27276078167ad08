#include "adapters/hl7v2/ref_i12_mapping.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/er7_parser.hpp"
#include "fhir/json_view.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/transaction_bundle.hpp"
#include "gateway/core/triage_evaluate.hpp"
#include "tests/unit/hl7v2/hl7v2_test_data.hpp"

namespace gateway::hl7v2 {
namespace {

namespace json = fhir::json;

const std::string fixture = testdata::read_data("ref-i12-msk-clinic.hl7");

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture lacks " + from);
  return text.replace(at, from.size(), to);
}

message parsed(const std::string& text) {
  auto m = parse_er7(text);
  if (!m) throw std::runtime_error(m.error().text());
  return std::move(*m);
}

ref_i12_result mapped(const std::string& text) {
  const message m = parsed(text);
  return map_ref_i12(m, ref_i12_context{"RXX01"});
}

const rapidjson::Value& resource(const v2_referral& r, std::size_t entry) {
  return r.bundle["entry"][static_cast<rapidjson::SizeType>(entry)]["resource"];
}

// What the validator may say about a correct mapping: v2 carries no narrative, and the mapping
// does not invent one (a generated text that could drift from the coded data), so dom-6 warns;
// codes from terminologies the gateway cannot check are noted as information. Anything else fails.
void expect_only_expected_notes(const fhir::outcome& o) {
  for (const auto& i : o.issues) {
    const bool no_narrative = i.severity == fhir::severity::warning && i.diagnostics.find("dom-6") != std::string::npos;
    const bool unchecked_codes = i.severity == fhir::severity::information &&
                                 i.diagnostics.find("accepted without checking") != std::string::npos;
    if (!no_narrative && !unchecked_codes) ADD_FAILURE() << i.expression << ": " << i.diagnostics;
  }
}

// The first error of an outcome (warnings and notes come before it in document order).
const fhir::issue& first_error(const fhir::outcome& o) {
  for (const auto& i : o.issues)
    if (i.severity == fhir::severity::error) return i;
  throw std::runtime_error("no error in the outcome");
}

// The mapped Bundle as the FHIR transaction intake reads it: R4, transaction shape, referral
// profile, normalisation.
core::referral intake_view(const v2_referral& r) {
  const fhir::outcome r4 = fhir::validate(r.bundle);
  EXPECT_TRUE(r4.ok()) << core::json::serialise(r.bundle);
  expect_only_expected_notes(r4);
  auto tx = core::read_transaction_referral(r.bundle);
  EXPECT_TRUE(tx) << (tx ? "" : tx.error().text());
  const fhir::outcome profile = fhir::validate_referral_in_bundle(r.bundle, r.service_request);
  expect_only_expected_notes(profile);
  const core::reference_lookup lookup = [&tx](std::string_view ref) { return tx->resolve(ref); };
  auto n = core::normalise_service_request(resource(r, r.service_request), lookup);
  EXPECT_TRUE(n) << (n ? "" : n.error().text());
  return n ? *n : core::referral{};
}

core::triage_result triaged(const core::referral& r) {
  static const core::triage_rules rules = core::load_triage_rules(core::embedded::triage_rules_json()).value();
  return core::evaluate(rules, r, core::date{std::chrono::year{2024}, std::chrono::March, std::chrono::day{1}});
}

TEST(RefI12Mapping, AClinicReferralBecomesTheResourcesTheFhirIntakeTakes) {
  auto r = mapped(fixture);
  ASSERT_TRUE(r) << to_string(r.error().at) << ": " << r.error().text;
  const core::referral n = intake_view(*r);
  EXPECT_EQ(n.nhs_number, "9434765919");
  EXPECT_EQ(n.requester_ods, "RXX01");
  EXPECT_EQ(n.referrer_identifier.value, "REF-V2-0001");
  EXPECT_EQ(n.referrer_identifier.system, "urn:referral-gateway:hl7v2:referral-id:RXX01-MSK");
  EXPECT_EQ(n.priority, core::request_priority::routine);
  EXPECT_EQ(n.authored_on, "2024-03-01T09:30:00+00:00");
  EXPECT_EQ(n.occurrence, "2024-03-08");
  EXPECT_EQ(n.note, "Widespread pain for 3 years; low mood.\nPrefers telephone contact.");
  ASSERT_EQ(n.reasons.size(), 2u);
  EXPECT_EQ(n.reasons[0], (core::coding{"http://snomed.info/sct", "203082005", "Fibromyalgia"}));
  ASSERT_EQ(n.observations.size(), 3u);
  EXPECT_EQ(n.observations[1].codes[0].code, "44260-8");
  EXPECT_EQ(n.observations[1].value_number, 0.0);
  ASSERT_TRUE(n.birth_date);

  const auto t = triaged(n);
  EXPECT_EQ(t.priority, core::request_priority::routine);
  EXPECT_FALSE(t.has_flag("risk-to-self"));
  EXPECT_TRUE(t.suggested_step);  // fibromyalgia: step 2
}

TEST(RefI12Mapping, EntriesAndTheirSources) {
  auto r = mapped(fixture);
  ASSERT_TRUE(r);
  std::vector<std::string> types;
  for (const auto& s : r->sources) types.push_back(s.resource_type + "<" + s.segment + std::to_string(s.sequence));
  EXPECT_EQ(types,
            (std::vector<std::string>{"ServiceRequest<RF11", "Patient<PID1", "Organization<MSH1", "Practitioner<PRD1",
                                      "PractitionerRole<PRD1", "Condition<DG11", "Condition<DG12", "Observation<OBX1",
                                      "Observation<OBX2", "Observation<OBX3"}));
  const auto& patient = resource(*r, 1);
  EXPECT_EQ(json::string_member(patient, "gender"), "female");
  EXPECT_EQ(json::string_member(patient, "birthDate"), "1980-06-15");
  EXPECT_EQ(patient["identifier"].Size(), 1u);  // the local MRN is not taken over
  EXPECT_EQ(json::string_member(patient["name"][0], "family"), "Example");
  EXPECT_EQ(json::string_member(patient["name"][0], "use"), "official");
  EXPECT_EQ(json::string_member(patient["address"][0], "postalCode"), "LS6 2AB");
  ASSERT_EQ(patient["telecom"].Size(), 3u);
  EXPECT_EQ(json::string_member(patient["telecom"][1], "system"), "email");
  EXPECT_EQ(json::string_member(patient["telecom"][2], "use"), "mobile");
  const auto& practitioner = resource(*r, 3);
  EXPECT_EQ(std::string(practitioner["address"][0]["line"][0].GetString()), "MSK Clinic&Pain Service");
  EXPECT_EQ(json::string_member(practitioner["identifier"][0], "value"), "555123456789");
  const auto& item9 = resource(*r, 8);
  EXPECT_EQ(item9["valueQuantity"]["value"].GetInt64(), 0);
  EXPECT_EQ(json::string_member(item9["valueQuantity"], "code"), "{score}");
  EXPECT_EQ(json::string_member(item9["note"][0], "text"), "Answered with the clinic nurse.");
  EXPECT_EQ(json::string_member(item9, "effectiveDateTime"), "2024-03-01T09:30:00+00:00");
}

TEST(RefI12Mapping, SameMessageSameBundle) {
  auto a = mapped(fixture);
  auto b = mapped(fixture);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(core::json::serialise(a->bundle), core::json::serialise(b->bundle));
}

TEST(RefI12Mapping, AnItem9RiskAnswerMakesTheReferralUrgent) {
  auto r = mapped(with(fixture, "44260-8^PHQ-9 item 9^LN||0|", "44260-8^PHQ-9 item 9^LN||2|"));
  ASSERT_TRUE(r);
  const auto t = triaged(intake_view(*r));
  EXPECT_EQ(t.priority, core::request_priority::urgent);
  EXPECT_TRUE(t.has_flag("risk-to-self"));
}

TEST(RefI12Mapping, ACodedItem9AnswerMakesTheReferralUrgentToo) {
  auto r = mapped(with(fixture, "OBX|2|NM|44260-8^PHQ-9 item 9^LN||0|{score}^score^UCUM|",
                       "OBX|2|CWE|44260-8^PHQ-9 item 9^LN||LA6569-3^Several days^LN||"));
  ASSERT_TRUE(r) << r.error().text;
  const auto t = triaged(intake_view(*r));
  EXPECT_TRUE(t.has_flag("risk-to-self"));
}

TEST(RefI12Mapping, AScoreSentAsTextIsRefusedNamingObx2) {
  auto r = mapped(with(fixture, "OBX|2|NM|44260-8", "OBX|2|ST|44260-8"));
  ASSERT_FALSE(r);
  EXPECT_EQ(to_string(r.error().at), "OBX[2]-2");
  EXPECT_EQ(r.error().code, hl7_error_code::data_type);
}

TEST(RefI12Mapping, ContentProblemsNameTheField) {
  struct bad {
    std::string from, to, where;
  };
  const std::vector<bad> cases = {
      {"|REF-V2-0001^RXX01-MSK|", "||", "RF1-6"},
      {"RF1|P^Pending", "RF1|R^Rejected", "RF1-1"},
      {"|R^Routine^HL70280|", "|Z|", "RF1-2"},
      {"|19800615|F|", "|19801315|F|", "PID-7"},
      {"|19800615|F|", "|19800615|Q|", "PID-8"},
      {"||0|{score}", "||zero|{score}", "OBX[2]-5"},
      {"UCUM|||||F|||20240301093500", "UCUM||||||||20240301093500", "OBX[3]-11"},
      {"UCUM|||||F|||20240301093000+0000\rOBX|2", "UCUM|||||F|||2024030199\rOBX|2", "OBX-14"},
      {"DG1|2||82423001^Chronic pain^SCT", "DG1|2||", "DG1[2]-3"},
      {"20240908|20240301093000+0000", "20240908|2024-03-01", "RF1-9"},
  };
  for (const auto& c : cases) {
    auto r = mapped(with(fixture, c.from, c.to));
    ASSERT_FALSE(r) << c.where;
    EXPECT_EQ(to_string(r.error().at), c.where) << r.error().text;
    EXPECT_FALSE(r.error().text.empty());
  }
}

TEST(RefI12Mapping, MissingSegments) {
  auto no_pid = mapped(with(fixture, "PID|1||", "ZPI|1||"));
  ASSERT_FALSE(no_pid);
  EXPECT_EQ(to_string(no_pid.error().at), "PID");
  auto no_rf1 = mapped(with(fixture, "RF1|", "ZRF|"));
  ASSERT_FALSE(no_rf1);
  EXPECT_EQ(to_string(no_rf1.error().at), "RF1");
}

// Validation issues of the mapped Bundle are named by the v2 field they came from.
TEST(RefI12Mapping, AnInvalidNhsNumberIsNamedPid3) {
  auto r = mapped(with(fixture, "9434765919^^^NHS", "9434765918^^^NHS"));
  ASSERT_TRUE(r);
  const fhir::outcome profile = fhir::validate_referral_in_bundle(r->bundle, r->service_request);
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(to_string(v2_location_of(*r, first_error(profile).expression)), "PID-3");
}

TEST(RefI12Mapping, NoNhsNumberIsNamedPid3) {
  auto r = mapped(with(fixture, "9434765919^^^NHS^NH~", ""));
  ASSERT_TRUE(r);
  const fhir::outcome profile = fhir::validate_referral_in_bundle(r->bundle, r->service_request);
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(to_string(v2_location_of(*r, first_error(profile).expression)), "PID-3");
}

TEST(RefI12Mapping, NoDiagnosisIsNamedDg1) {
  auto r = mapped(with(with(fixture, "DG1|1||203082005^Fibromyalgia^SCT||20240215\r", ""),
                       "DG1|2||82423001^Chronic pain^SCT\r", ""));
  ASSERT_TRUE(r);
  const fhir::outcome profile = fhir::validate_referral_in_bundle(r->bundle, r->service_request);
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(to_string(v2_location_of(*r, first_error(profile).expression)), "DG1-3") << first_error(profile).expression;
}

TEST(RefI12Mapping, LocationsOfOtherEntries) {
  auto r = mapped(fixture);
  ASSERT_TRUE(r);
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.entry[9].resource.valueQuantity.value")), "OBX[3]-5");
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.entry[6].resource.code.coding[0]")), "DG1[2]-3");
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.entry[1].resource.birthDate")), "PID-7");
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.entry[0].resource.identifier[0].value")), "RF1-6");
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.entry[0].resource.meta")), "RF1");
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.entry[99].resource")), "message");
  EXPECT_EQ(to_string(v2_location_of(*r, "Bundle.type")), "message");
}

TEST(RefI12Header, WhatCannotBeProcessedIsRefusedForAr) {
  struct bad {
    std::string from, to;
    hl7_error_code code;
    std::string where;
  };
  const std::vector<bad> cases = {
      {"|REF^I12^REF_I12|", "|ADT^A01^ADT_A01|", hl7_error_code::unsupported_message_type, "MSH-9"},
      {"|REF^I12^REF_I12|", "|REF^I14^REF_I12|", hl7_error_code::unsupported_event_code, "MSH-9"},
      {"|RXX01-0001|P|", "||P|", hl7_error_code::required_field_missing, "MSH-10"},
      {"|RXX01-0001|P|", "|RXX01-0001|T|", hl7_error_code::unsupported_processing_id, "MSH-11"},
      {"|P|2.5.1|", "|P|2.2|", hl7_error_code::unsupported_version_id, "MSH-12"},
  };
  for (const auto& c : cases) {
    const message m = parsed(with(fixture, c.from, c.to));
    const auto p = check_ref_i12_header(m);
    ASSERT_TRUE(p) << c.where;
    EXPECT_EQ(p->code, c.code);
    EXPECT_EQ(to_string(p->at), c.where);
  }
  EXPECT_FALSE(check_ref_i12_header(parsed(fixture)));
}

TEST(RefI12Mapping, TheCorpusReferralMapsAndIsRefusedForItsMissingNhsNumber) {
  const message m = parsed(testdata::read_data("corpus/ref-i12-v2.8-msft-01.hl7"));
  EXPECT_FALSE(check_ref_i12_header(m));
  auto r = map_ref_i12(m, ref_i12_context{"RXX01"});
  ASSERT_TRUE(r) << to_string(r.error().at) << ": " << r.error().text;
  EXPECT_TRUE(fhir::validate(r->bundle).ok());
  const fhir::outcome profile = fhir::validate_referral_in_bundle(r->bundle, r->service_request);
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(to_string(v2_location_of(*r, first_error(profile).expression)), "PID-3");
}

}  // namespace
}  // namespace gateway::hl7v2
