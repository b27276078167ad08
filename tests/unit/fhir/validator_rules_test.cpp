// Negative tests for the rules added with the FHIRPath engine: constraints at their severity and
// place, extensions, Bundle rules, codes and attachments, dom-3's ways of referencing, and the
// two faults that reached the acceptance tests.

#include <string>

#include <gtest/gtest.h>

#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/model.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "test_json.hpp"

namespace fhir {
namespace {

using test::dump;

// The first issue of `level` at `expression` whose diagnostics contain `text`.
const issue* find(const outcome& o, severity level, const std::string& expression, const std::string& text) {
  for (const auto& i : o.issues) {
    if (i.severity == level && i.expression == expression && i.diagnostics.find(text) != std::string::npos) return &i;
  }
  return nullptr;
}

outcome check(const std::string& json) {
  auto d = test::doc(json);
  return validate(d);
}

const std::string div = R"("text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"})";

TEST(constraints, each_is_reported_at_its_severity_with_its_key_and_place) {
  // per-1 (error) on a Period inside an element.
  auto o = check(R"({"resourceType":"Encounter",)" + div +
                 R"(,"status":"finished","class":{"code":"AMB"},"period":{"start":"2024-02-01","end":"2024-01-01"}})");
  EXPECT_NE(find(o, severity::error, "Encounter.period", "per-1"), nullptr) << dump(o);
  // A warning constraint (dom-6: no narrative) is a warning, not an error.
  o = check(R"({"resourceType":"Basic","code":{"text":"x"}})");
  EXPECT_TRUE(o.ok()) << dump(o);
  EXPECT_NE(find(o, severity::warning, "Basic", "dom-6"), nullptr) << dump(o);
  // A resource-level one (obs-6) and an element-level one on a datatype element (org-2).
  o = check(R"({"resourceType":"Observation",)" + div +
            R"(,"status":"final","code":{"text":"x"},"valueString":"a","dataAbsentReason":{"text":"b"}})");
  EXPECT_NE(find(o, severity::error, "Observation", "obs-6"), nullptr) << dump(o);
  o = check(R"({"resourceType":"Organization",)" + div + R"(,"name":"X","address":[{"use":"home","city":"L"}]})");
  EXPECT_NE(find(o, severity::error, "Organization.address[0]", "org-2"), nullptr) << dump(o);
  // SimpleQuantity's sqty-1 applies where R4 uses SimpleQuantity.
  o = check(R"({"resourceType":"Immunization",)" + div +
            R"(,"status":"completed","vaccineCode":{"text":"x"},"patient":{"reference":"Patient/1"},)"
            R"("occurrenceString":"x","doseQuantity":{"value":1,"comparator":"<"}})");
  EXPECT_NE(find(o, severity::error, "Immunization.doseQuantity", "sqty-1"), nullptr) << dump(o);
}

TEST(constraints, dom3_counts_reference_canonical_and_uri_and_a_contained_referring_to_its_container) {
  // Referenced through a canonical (Questionnaire.derivedFrom) only.
  auto o = check(R"({"resourceType":"Questionnaire",)" + div +
                 R"(,"status":"draft","contained":[{"resourceType":"Questionnaire","id":"q","status":"draft"}],)"
                 R"("derivedFrom":["#q"]})");
  EXPECT_EQ(find(o, severity::error, "Questionnaire.contained[0]", "dom-3"), nullptr) << dump(o);
  // A contained resource referring to its container with "#".
  o = check(R"({"resourceType":"Patient",)" + div +
            R"(,"contained":[{"resourceType":"Observation","id":"o","status":"final","code":{"text":"x"},)"
            R"("subject":{"reference":"#"}}]})");
  EXPECT_EQ(find(o, severity::error, "Patient.contained[0]", "dom-3"), nullptr) << dump(o);
  // Not referenced at all.
  o = check(R"({"resourceType":"Patient",)" + div +
            R"(,"contained":[{"resourceType":"Organization","id":"o","name":"X"}]})");
  EXPECT_NE(find(o, severity::error, "Patient.contained[0]", "dom-3"), nullptr) << dump(o);
}

// dom-3 is decided natively from the references the walk logs; its R4 FHIRPath expression, run
// by the engine, must give the same verdict on every case.
TEST(constraints, native_dom3_agrees_with_its_fhirpath_expression) {
  const model& m = r4_model();
  const invariant_def* dom3 = nullptr;
  for (const auto& d : m.invariants()) dom3 = d.key == "dom-3" ? &d : dom3;
  ASSERT_NE(dom3, nullptr);
  const std::string contained = R"("contained":[{"resourceType":"Questionnaire","id":"q","status":"draft"}])";
  for (
      const std::string& body : {
          R"({"resourceType":"Questionnaire","status":"draft",)" + contained + R"(,"derivedFrom":["#q"]})",
          R"({"resourceType":"Questionnaire","status":"draft",)" + contained + R"(,"derivedFrom":["#other"]})",
          R"({"resourceType":"Questionnaire","status":"draft",)" + contained + R"(,"url":"#q"})",
          R"({"resourceType":"Questionnaire","status":"draft",)" + contained +
              R"(,"item":[{"linkId":"1","type":"string","definition":"#q"}]})",
          R"({"resourceType":"Questionnaire","status":"draft",)" + contained + "}",
          std::string(
              R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","name":"X"}],"managingOrganization":{"reference":"#o"}})"),
          std::string(
              R"({"resourceType":"Patient","contained":[{"resourceType":"Observation","id":"x","status":"final","code":{"text":"c"},"subject":{"reference":"#"}}]})"),
      }) {
    auto d = test::doc(body);
    fhirpath::environment env;
    env.m = &m;
    env.resource = fhirpath::item::of_node(&d, m.find_resource_type(d["resourceType"].GetString()));
    env.root_resource = env.resource;
    auto verdict = fhirpath::thread_evaluator().check(dom3->compiled, env, env.resource);
    ASSERT_TRUE(verdict.has_value()) << body;
    const outcome o = validate(d);
    bool native_fails = false;
    for (const auto& i : o.issues) native_fails = native_fails || i.diagnostics.find("dom-3") != std::string::npos;
    EXPECT_EQ(!*verdict, native_fails) << body << "\n" << dump(o);
  }
}

TEST(extensions, unknown_modifier_is_an_error_and_unknown_extension_a_warning) {
  auto o = check(R"({"resourceType":"Patient",)" + div +
                 R"(,"modifierExtension":[{"url":"http://example.org/not-understood","valueBoolean":true}]})");
  EXPECT_NE(find(o, severity::error, "Patient.modifierExtension[0]", "unknown modifier extension"), nullptr) << dump(o);
  o = check(R"({"resourceType":"Patient",)" + div +
            R"(,"extension":[{"url":"http://example.org/unknown","valueString":"x"}]})");
  EXPECT_TRUE(o.ok()) << dump(o);
  EXPECT_NE(find(o, severity::warning, "Patient.extension[0]", "unknown extension"), nullptr) << dump(o);
}

TEST(extensions, known_ones_are_checked_for_context_value_type_modifier_cardinality_and_nesting) {
  const std::string birth_place = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";
  // Right: Address value on a Patient.
  auto o = check(R"({"resourceType":"Patient",)" + div + R"(,"extension":[{"url":")" + birth_place +
                 R"(","valueAddress":{"city":"Leeds"}}]})");
  EXPECT_TRUE(o.ok()) << dump(o);
  // Wrong value type.
  o = check(R"({"resourceType":"Patient",)" + div + R"(,"extension":[{"url":")" + birth_place +
            R"(","valueString":"Leeds"}]})");
  EXPECT_NE(find(o, severity::error, "Patient.extension[0].valueString", "does not take a String"), nullptr) << dump(o);
  // Wrong context: patient-birthPlace on an Organization.
  o = check(R"({"resourceType":"Organization",)" + div + R"(,"name":"X","extension":[{"url":")" + birth_place +
            R"(","valueAddress":{"city":"Leeds"}}]})");
  EXPECT_NE(find(o, severity::error, "Organization.extension[0]", "is not allowed on Organization"), nullptr)
      << dump(o);
  // Twice where it may appear once.
  o = check(R"({"resourceType":"Patient",)" + div + R"(,"extension":[{"url":")" + birth_place +
            R"(","valueAddress":{"city":"A"}},{"url":")" + birth_place + R"(","valueAddress":{"city":"B"}}]})");
  EXPECT_NE(find(o, severity::error, "Patient.extension", "at most 1"), nullptr) << dump(o);
  // A modifier extension of R4 given as an ordinary extension.
  o = check(
      R"({"resourceType":"Basic",)" + div +
      R"(,"code":{"text":"x"},"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/request-doNotPerform","valueBoolean":true}]})");
  EXPECT_NE(find(o, severity::error, "Basic.extension[0]", "is a modifier"), nullptr) << dump(o);
  // A complex extension: nested slices with their own value types and cardinality.
  const std::string nationality = "http://hl7.org/fhir/StructureDefinition/patient-nationality";
  o = check(R"({"resourceType":"Patient",)" + div + R"(,"extension":[{"url":")" + nationality +
            R"(","extension":[{"url":"code","valueCodeableConcept":{"text":"GB"}}]}]})");
  EXPECT_TRUE(o.ok()) << dump(o);
  o = check(R"({"resourceType":"Patient",)" + div + R"(,"extension":[{"url":")" + nationality +
            R"(","extension":[{"url":"code","valueString":"GB"},{"url":"period","valuePeriod":{"start":"2000"}},)"
            R"({"url":"period","valuePeriod":{"start":"2001"}}]}]})");
  EXPECT_NE(find(o, severity::error, "Patient.extension[0].extension[0].valueString", "does not take"), nullptr)
      << dump(o);
  EXPECT_NE(find(o, severity::error, "Patient.extension[0]", "at most 1 nested 'period'"), nullptr) << dump(o);
}

TEST(referral_profile_extensions, the_platform_refuses_modifiers_it_does_not_understand) {
  auto d = test::doc(test::read_file(test::data_path("referral-servicerequest.json")));
  rapidjson::Document mod(&d.GetAllocator());
  // Known to R4, but not one the referral profile names: the platform cannot act on it.
  mod.Parse(R"([{"url":"http://hl7.org/fhir/StructureDefinition/request-doNotPerform","valueBoolean":true}])");
  d.AddMember("modifierExtension", rapidjson::Value(mod, d.GetAllocator()), d.GetAllocator());
  const outcome o = validate_referral(d);
  EXPECT_NE(find(o, severity::error, "ServiceRequest.modifierExtension[0]", "does not understand"), nullptr) << dump(o);
  // The profile's own extension is understood; its value is bound.
  auto ok = test::doc(test::read_file(test::data_path("referral-servicerequest.json")));
  EXPECT_TRUE(validate_referral(ok).ok()) << dump(validate_referral(ok));
  ok["extension"][0]["valueCode"].SetString("fax");
  const outcome bad = validate_referral(ok);
  EXPECT_NE(find(bad, severity::error, "ServiceRequest.extension[0].valueCode", "not in the required value set"),
            nullptr)
      << dump(bad);
}

// The two faults that reached the acceptance tests: both refused with the element named.
TEST(acceptance_faults, unknown_modifier_extension_and_div_without_namespace_are_refused) {
  auto d = test::doc(test::read_file(test::data_path("referral-servicerequest.json")));
  rapidjson::Document mod(&d.GetAllocator());
  mod.Parse(R"([{"url":"https://example.org/fhir/StructureDefinition/urgent-override","valueBoolean":true}])");
  d.AddMember("modifierExtension", rapidjson::Value(mod, d.GetAllocator()), d.GetAllocator());
  outcome o = validate_referral(d);
  EXPECT_NE(find(o, severity::error, "ServiceRequest.modifierExtension[0]", "unknown modifier extension"), nullptr)
      << dump(o);

  auto n = test::doc(test::read_file(test::data_path("referral-servicerequest.json")));
  n["text"]["div"].SetString("<div><p>Referral</p></div>");
  o = validate_referral(n);
  EXPECT_NE(find(o, severity::error, "ServiceRequest.text.div", "XHTML namespace"), nullptr) << dump(o);
}

TEST(bundle_rules, full_url_identity_duplicates_and_references) {
  const std::string org = R"({"resourceType":"Organization","id":"1",)" + div + R"(,"name":"X"})";
  // fullUrl names another id / another type.
  auto o = check(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Organization/2","resource":)" +
      org + "}]}");
  EXPECT_NE(find(o, severity::error, "Bundle.entry[0].fullUrl", "resource's id"), nullptr) << dump(o);
  o = check(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Patient/1","resource":)" +
      org + "}]}");
  EXPECT_NE(find(o, severity::error, "Bundle.entry[0].fullUrl", "names a Patient"), nullptr) << dump(o);
  // The same resource twice under different fullUrls.
  o = check(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://a.org/Organization/1","resource":)" +
      org + R"(},{"fullUrl":"http://b.org/Organization/1","resource":)" + org + "}]}");
  EXPECT_NE(find(o, severity::error, "Bundle.entry[1].resource", "appears twice"), nullptr) << dump(o);
  // A transaction's urn:uuid reference must resolve inside it.
  o = check(
      R"({"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:6f1ac4c4-5cdc-4bd8-9a84-0c5e1c8c7a11",)"
      R"("resource":{"resourceType":"Observation",)" +
      div +
      R"(,"status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:9f1ac4c4-5cdc-4bd8-9a84-0c5e1c8c7a11"}},)"
      R"("request":{"method":"POST","url":"Observation"}}]})");
  EXPECT_NE(find(o, severity::error, "Bundle.entry[0].resource.subject.reference", "no entry of this Bundle"), nullptr)
      << dump(o);
  // Contained resources inside an entry follow the contained rules of that entry's resource.
  o = check(R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Patient/p",)"
            R"("resource":{"resourceType":"Patient","id":"p",)" +
            div + R"(,"contained":[{"resourceType":"Organization","id":"o","name":"X"}]}}]})");
  EXPECT_NE(find(o, severity::error, "Bundle.entry[0].resource.contained[0]", "dom-3"), nullptr) << dump(o);
  // Provenance targets should be version-specific.
  o = check(
      R"({"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"http://x.org/fhir/Provenance/v",)"
      R"("resource":{"resourceType":"Provenance","id":"v",)" +
      div +
      R"(,"target":[{"reference":"Patient/1"}],"recorded":"2024-01-01T00:00:00Z","agent":[{"who":{"display":"A"}}]}}]})");
  EXPECT_NE(find(o, severity::warning, "Bundle.entry[0].resource.target[0]", "version-specific"), nullptr) << dump(o);
}

TEST(codes, spec_code_systems_are_checked_and_external_ones_noted_once) {
  // A display that is not the code system's: a warning.
  auto o = check(
      R"({"resourceType":"Condition",)" + div +
      R"(,"subject":{"reference":"Patient/1"},"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active","display":"Running"}]}})");
  EXPECT_TRUE(o.ok()) << dump(o);
  EXPECT_NE(find(o, severity::warning, "Condition.clinicalStatus.coding[0].display", "'Active'"), nullptr) << dump(o);
  // SNOMED CT and LOINC codes are not checked, and the resource says so once.
  o = check(
      R"({"resourceType":"Observation",)" + div +
      R"(,"status":"final","code":{"coding":[{"system":"http://loinc.org","code":"0000-0"},{"system":"http://snomed.info/sct","code":"1"}]},)"
      R"("valueQuantity":{"value":1,"system":"http://unitsofmeasure.org","code":"zz"}})");
  EXPECT_TRUE(o.ok()) << dump(o);
  std::size_t notes = 0;
  for (const auto& i : o.issues) notes += i.severity == severity::information ? 1 : 0;
  EXPECT_EQ(notes, 1u) << dump(o);
  EXPECT_NE(find(o, severity::information, "Observation", "LOINC, SNOMED CT, UCUM"), nullptr) << dump(o);
}

TEST(attachments, size_and_hash_must_match_data) {
  // "hello" = aGVsbG8=, SHA-1 base64 = qvTGHdzF6KLavt4PO0gs2a6pQ00=
  const std::string base =
      R"({"resourceType":"DocumentReference",)" + div +
      R"(,"status":"current","content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8=")";
  EXPECT_TRUE(check(base + R"(,"size":5,"hash":"qvTGHdzF6KLavt4PO0gs2a6pQ00="}}]})").ok());
  auto o = check(base + R"(,"size":6}}]})");
  EXPECT_NE(find(o, severity::error, "DocumentReference.content[0].attachment.size", "holds 5 bytes"), nullptr)
      << dump(o);
  o = check(base + R"(,"hash":"AAAAHdzF6KLavt4PO0gs2a6pQ00="}}]})");
  EXPECT_NE(find(o, severity::error, "DocumentReference.content[0].attachment.hash", "SHA-1"), nullptr) << dump(o);
}

}  // namespace
}  // namespace fhir
