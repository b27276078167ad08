#include "gateway/core/bundle_references.hpp"

#include "test_data.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace gateway::core;
using gateway::core::fixtures::parse;

namespace {

const char* observation = R"({
  "resourceType": "Observation",
  "subject": {"reference": "urn:uuid:p"},
  "focus": [{"reference": "Patient/kept"}, {"reference": "urn:uuid:sr"}],
  "contained": [{"resourceType": "Condition", "subject": {"reference": "urn:uuid:p"}}],
  "component": [{"code": {"text": "reference"}, "valueString": "urn:uuid:p"}],
  "derivedFrom": [{"reference": "#local"}]
})";

std::string text_at(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

}  // namespace

TEST(bundle_references, every_reference_in_the_map_is_rewritten_wherever_it_is_nested) {
  auto doc = parse(observation);
  const reference_map map{{"urn:uuid:p", "Patient/1"}, {"urn:uuid:sr", "ServiceRequest/2"}};
  EXPECT_EQ(rewrite_references(doc, map, doc.GetAllocator()), 3u);
  EXPECT_EQ(text_at(doc["subject"]["reference"]), "Patient/1");
  EXPECT_EQ(text_at(doc["focus"][0]["reference"]), "Patient/kept") << "references not in the map stay";
  EXPECT_EQ(text_at(doc["focus"][1]["reference"]), "ServiceRequest/2");
  EXPECT_EQ(text_at(doc["contained"][0]["subject"]["reference"]), "Patient/1") << "contained resources too";
  EXPECT_EQ(text_at(doc["component"][0]["valueString"]), "urn:uuid:p") << "only Reference.reference is a reference";
  EXPECT_EQ(text_at(doc["derivedFrom"][0]["reference"]), "#local");
}

TEST(bundle_references, an_empty_map_changes_nothing) {
  auto doc = parse(observation);
  EXPECT_EQ(rewrite_references(doc, {}, doc.GetAllocator()), 0u);
  EXPECT_EQ(text_at(doc["subject"]["reference"]), "urn:uuid:p");
}

TEST(bundle_references, the_first_unknown_urn_is_named_by_its_path) {
  const auto doc = parse(observation);
  const std::set<std::string, std::less<>> all{"urn:uuid:p", "urn:uuid:sr"};
  const auto known_all = [&](std::string_view r) { return all.contains(r); };
  EXPECT_EQ(first_unresolved_urn(doc, known_all), std::nullopt);

  const auto only_p = [](std::string_view r) { return r == "urn:uuid:p"; };
  EXPECT_EQ(first_unresolved_urn(doc, only_p), "focus[1].reference");

  const auto nothing = [](std::string_view) { return false; };
  EXPECT_EQ(first_unresolved_urn(doc, nothing), "subject.reference");

  const auto doc2 = parse(R"({"resourceType":"X","contained":[{"a":[{"b":{"reference":"urn:uuid:z"}}]}]})");
  EXPECT_EQ(first_unresolved_urn(doc2, nothing), "contained[0].a[0].b.reference");
}

TEST(bundle_references, non_urn_references_are_never_unresolved) {
  const auto doc = parse(R"({"resourceType":"X","subject":{"reference":"Patient/1"},"a":{"reference":"#c"}})");
  EXPECT_EQ(first_unresolved_urn(doc, [](std::string_view) { return false; }), std::nullopt);
}
