#include "fhir/model.hpp"
#include "test_json.hpp"

#include <cstdlib>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace fhir {
namespace {

TEST(model, embedded_r4_definitions_load_with_every_resource_type) {
  const model& m = r4_model();
  for (std::string_view name : {"Patient", "ServiceRequest", "Bundle", "Task", "OperationOutcome", "Questionnaire"}) {
    EXPECT_NE(m.find_resource_type(name), no_type) << name;
  }
  EXPECT_EQ(m.find_resource_type("Resource"), no_type) << "abstract types are not resource types";
  EXPECT_EQ(m.find_resource_type("HumanName"), no_type);
  EXPECT_EQ(m.find_resource_type("NoSuchThing"), no_type);
}

TEST(model, choice_elements_get_one_json_name_per_type) {
  const model& m = r4_model();
  const type_def& obs = m.type(m.find_type("Observation"));
  ASSERT_NE(obs.find_member("valueQuantity"), nullptr);
  ASSERT_NE(obs.find_member("valueString"), nullptr);
  ASSERT_NE(obs.find_member("_valueString"), nullptr);
  EXPECT_EQ(obs.find_member("value"), nullptr);
  EXPECT_EQ(obs.find_member("valueHumanName"), nullptr);
}

TEST(model, content_reference_points_at_the_backbone) {
  const model& m = r4_model();
  const type_def& q = m.type(m.find_type("Questionnaire"));
  const member_slot* item = q.find_member("item");
  ASSERT_NE(item, nullptr);
  const type_def& item_type = m.type(item->type);
  const member_slot* nested = item_type.find_member("item");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->type, item->type);
}

TEST(model, required_binding_has_its_value_set) {
  const model& m = r4_model();
  const type_def& sr = m.type(m.find_type("ServiceRequest"));
  const element_def& status = sr.elements[sr.find_member("status")->element];
  ASSERT_NE(status.bound_set, nullptr);
  EXPECT_TRUE(status.bound_set->contains({}, "active"));
  EXPECT_FALSE(status.bound_set->contains({}, "open"));
}

TEST(model, referral_profile_tightens_a_copy_not_the_base) {
  const model& m = r4_model();
  const type_index profile =
      m.find_profile("https://referral-gateway.example.org/fhir/StructureDefinition/referral-servicerequest");
  ASSERT_NE(profile, no_type);
  const type_def& p = m.type(profile);
  const type_def& base = m.type(m.find_type("ServiceRequest"));
  EXPECT_EQ(p.elements[p.find_member("identifier")->element].min, 1u);
  EXPECT_EQ(base.elements[base.find_member("identifier")->element].min, 0u);
  const type_def& identifier = m.type(p.find_member("identifier")->type);
  EXPECT_EQ(identifier.elements[identifier.find_member("system")->element].min, 1u);
  const type_def& base_identifier = m.type(m.find_type("Identifier"));
  EXPECT_EQ(base_identifier.elements[base_identifier.find_member("system")->element].min, 0u);
}

// Load time is a benchmark (bm_load_r4_model in BENCHMARKS.md), not a timed assertion.
TEST(model, embedded_sources_load_with_the_extension_definitions) {
  auto m = load_model(embedded_r4_sources());
  ASSERT_TRUE(m.has_value());
  // The 786 published files hold 393 distinct URLs (each extension twice, as the JSON and the
  // canonical JSON of the same definition), plus the referral profile's referral-source.
  EXPECT_EQ((*m)->extension_count(), 393u + 1u);
  const extension_def* race = (*m)->find_extension("http://hl7.org/fhir/StructureDefinition/patient-nationality");
  ASSERT_NE(race, nullptr);
  EXPECT_TRUE(race->value_types.empty());
  EXPECT_EQ(race->slices.size(), 2u);
  EXPECT_EQ((*m)->find_extension("http://example.org/none"), nullptr);
}

TEST(model, a_profile_with_an_unknown_base_is_an_error_not_a_crash) {
  model_sources s = embedded_r4_sources();
  s.bundles.push_back(R"({"resourceType":"StructureDefinition","url":"x","type":"Patient","derivation":"constraint",
                          "baseDefinition":"http://example.org/none","differential":{"element":[]}})");
  auto m = load_model(s);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, model_errc::unknown_base);
}

TEST(model, broken_definition_json_is_an_error) {
  auto m = load_model(model_sources{{"{not json"}});
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code, model_errc::bad_json);
}

// The table in fhir/README.md of every constraint not evaluated through FHIRPath, generated here.
TEST(invariants, readme_lists_every_invariant_not_evaluated_through_fhirpath) {
  std::map<std::string, std::string> rows;  // key -> "how | reason"
  for (const invariant_def& d : r4_model().invariants()) {
    if (d.how == invariant_def::check::fhirpath) continue;
    const std::string how = d.how == invariant_def::check::native ? "native" : "**not evaluable**";
    rows[std::string(d.key)] = how + " | " + d.reason;
  }
  std::string table = "| key | how | reason |\n|---|---|---|\n";
  for (const auto& [key, row] : rows) table += "| " + key + " | " + row + " |\n";
  const std::string path = std::string(RG_SOURCE_DIR) + "/fhir/README.md";
  std::string readme = test::read_file(path);
  const std::string begin = "<!-- invariants:begin -->\n", end = "<!-- invariants:end -->";
  const auto b = readme.find(begin), e = readme.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const std::string current = readme.substr(b + begin.size(), e - b - begin.size());
  if (current != table && std::getenv("RG_UPDATE_README")) {
    readme.replace(b + begin.size(), e - b - begin.size(), table);
    std::ofstream(path, std::ios::binary) << readme;
    return;
  }
  EXPECT_EQ(current, table) << "fhir/README.md is stale: run fhir_tests with RG_UPDATE_README=1";
}

TEST(invariants, every_constraint_of_the_definitions_is_compiled_or_checked_natively) {
  const model& m = r4_model();
  std::size_t fhirpath = 0;
  std::string not_evaluable;
  for (const invariant_def& d : m.invariants()) {
    if (d.how == invariant_def::check::fhirpath) ++fhirpath;
    if (d.how == invariant_def::check::not_evaluable) not_evaluable += std::string(d.key) + ": " + d.reason + "\n";
  }
  EXPECT_GE(m.invariants().size(), 240u);
  EXPECT_GE(fhirpath, 235u);
  EXPECT_EQ(not_evaluable, "");
  // Constraints sit where the definitions put them: on the type (per-1 on Period) and on
  // elements (org-2 on Organization.address), each key once per place.
  const type_def& period = m.type(m.find_type("Period"));
  ASSERT_EQ(period.invariants.size(), 1u);
  EXPECT_EQ(period.invariants[0]->key, "per-1");
  const type_def& org = m.type(m.find_resource_type("Organization"));
  bool org2 = false;
  for (const auto& e : org.elements) {
    for (const invariant_def* d : e.invariants) org2 = org2 || (e.name == "address" && d->key == "org-2");
  }
  EXPECT_TRUE(org2);
}

}  // namespace
}  // namespace fhir
