// Constraints the validator decides without running their FHIRPath (fhir/invariant_check.cpp,
// passes_without_evaluation) must get the evaluator's verdict on every input they are applied
// to: here every Reference in the official R4 examples and the corpus, and the edge cases.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fhir/fhirpath/fhirpath.hpp"
#include "fhir/model.hpp"
#include "fhir/validation_context.hpp"
#include "fhir/validator.hpp"
#include "test_json.hpp"

namespace fhir {
namespace {

namespace fs = std::filesystem;

const invariant_def& ref1() {
  for (const auto& d : r4_model().invariants()) {
    if (d.key == "ref-1") return d;
  }
  ADD_FAILURE() << "no ref-1 in the R4 model";
  std::abort();
}

const rapidjson::Value* resolve_in(const void* state, std::string_view ref) {
  const auto& root = *static_cast<const rapidjson::Value*>(state);
  if (ref.size() < 2 || ref[0] != '#' || !root.HasMember("contained")) return nullptr;
  for (const auto& c : root["contained"].GetArray()) {
    if (c.HasMember("id") && c["id"].IsString() && ref.substr(1) == c["id"].GetString()) return &c;
  }
  return nullptr;
}

struct tally {
  int skipped = 0;    // the shortcut applied
  int evaluated = 0;  // it did not
};

// Every Reference under `root`: where the shortcut applies, the evaluator must say true too.
void check_references(const rapidjson::Value& root, const std::string& where, tally& t) {
  const model& m = r4_model();
  fhirpath::environment env;
  env.m = &m;
  env.resource = fhirpath::item::of_node(&root, m.find_resource_type(root["resourceType"].GetString()));
  env.root_resource = env.resource;
  env.resolver = {&resolve_in, &root};
  auto all = fhirpath::compile("descendants()");
  ASSERT_TRUE(all.has_value());
  auto found = fhirpath::thread_evaluator().evaluate(*all, env, env.resource);
  ASSERT_TRUE(found.has_value()) << where;
  std::vector<fhirpath::item> refs;
  for (const auto& i : *found) {
    if (i.json && i.type != no_type && m.type(i.type).checked_as == type_def::role::reference) refs.push_back(i);
  }
  for (const auto& r : refs) {
    const bool skipped = detail::passes_without_evaluation(m, ref1(), *r.json, r.type);
    (skipped ? t.skipped : t.evaluated)++;
    if (!skipped) continue;
    auto verdict = fhirpath::thread_evaluator().check(ref1().compiled, env, r);
    ASSERT_TRUE(verdict.has_value()) << where << ": " << verdict.error().message;
    EXPECT_TRUE(*verdict) << where << ": ref-1 skipped on a Reference it fails";
  }
}

TEST(invariant_shortcuts, ref1_is_skipped_only_where_its_expression_is_true) {
  ASSERT_TRUE(ref1().fails_only_on_local_reference) << "the R4 text of ref-1 changed: review the shortcut";
  tally t;
  std::vector<fs::path> dirs{fs::path(RG_SOURCE_DIR) / "tests/data"};
  for (const fs::path& p : {fs::path(RG_SOURCE_DIR) / "../shared", fs::path("/work/shared")}) {
    if (fs::is_directory(p / "fhir-r4/examples")) {
      dirs.push_back(p / "fhir-r4/examples");
      dirs.push_back(p / "corpus/fhir");
      break;
    }
  }
  for (const fs::path& dir : dirs) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& f : fs::recursive_directory_iterator(dir)) {
      if (f.path().extension() != ".json") continue;
      auto d = parse_json(test::read_file(f.path().string()));
      if (!d || !d->IsObject() || !d->HasMember("resourceType") || !(*d)["resourceType"].IsString()) continue;
      if (r4_model().find_resource_type((*d)["resourceType"].GetString()) == no_type) continue;
      check_references(*d, f.path().string(), t);
    }
  }
  EXPECT_GT(t.skipped, 1000) << "the examples were not found, or the shortcut no longer applies";
  EXPECT_GT(t.evaluated, 10);  // "#id" references and References without one still evaluate
}

TEST(invariant_shortcuts, ref1_edge_cases) {
  const model& m = r4_model();
  const type_index ref_type = m.known().reference;
  struct edge {
    const char* json;
    bool skipped;
  };
  for (const edge& e : {
           edge{R"({"reference":"Patient/1"})", true},
           edge{R"({"reference":"urn:uuid:00000001-0000-4000-8000-000000000001"})", true},
           edge{R"({"reference":""})", true},
           edge{R"({"reference":"#missing"})", false},  // fails ref-1: must be evaluated
           edge{R"({"reference":"#"})", false},
           edge{R"({"reference":5})", false},
           edge{R"({"reference":["Patient/1"]})", false},
           edge{R"({"identifier":{"value":"x"}})", false},
           edge{R"({"_reference":{"extension":[{"url":"http://example.org/x","valueString":"y"}]}})", false},
       }) {
    rapidjson::Document d;
    d.Parse(e.json);
    ASSERT_FALSE(d.HasParseError()) << e.json;
    EXPECT_EQ(detail::passes_without_evaluation(m, ref1(), d, ref_type), e.skipped) << e.json;
    // Never on a type that is not a Reference.
    EXPECT_FALSE(detail::passes_without_evaluation(m, ref1(), d, m.known().coding)) << e.json;
  }
  // A repeated "reference" key (not from parse_json, which refuses it) is left to the evaluator.
  rapidjson::Document twice;
  twice.Parse(R"({"reference":"Patient/1","reference":"#x"})");
  EXPECT_FALSE(detail::passes_without_evaluation(m, ref1(), twice, ref_type));
  // Through the validator: an unresolved "#id" still fails ref-1, a resolvable one passes.
  auto o = validate(test::doc(R"({"resourceType":"Basic","code":{"text":"x"},"subject":{"reference":"#nowhere"}})"));
  bool ref1_failed = false;
  for (const auto& i : o.issues) ref1_failed = ref1_failed || i.diagnostics.find("ref-1") != std::string::npos;
  EXPECT_TRUE(ref1_failed) << test::dump(o);
}

}  // namespace
}  // namespace fhir
