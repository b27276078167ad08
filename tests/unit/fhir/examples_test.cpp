// Every official R4 example published with the specification (../shared/fhir-r4/examples, 609
// files) validates with no error. The few that the reference validator refuses too are listed
// with the reason in tests/data/fhir/examples-exceptions.txt; a listed file that passes is stale.

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "fhir/validator.hpp"
#include "test_json.hpp"

namespace fhir {
namespace {

namespace fs = std::filesystem;

// The examples are not copied into the repository: CI has shared/ beside the clone, developers
// have it at /work/shared. RG_FHIR_EXAMPLES overrides.
fs::path examples_dir() {
  if (const char* env = std::getenv("RG_FHIR_EXAMPLES")) return env;
  const fs::path source(RG_SOURCE_DIR);
  for (const fs::path& p : {source / "../shared/fhir-r4/examples", source / "../../shared/fhir-r4/examples",
                            fs::path("/work/shared/fhir-r4/examples")}) {
    if (fs::is_directory(p)) return p;
  }
  return {};
}

std::map<std::string, std::string> exceptions() {
  std::map<std::string, std::string> out;
  std::ifstream in(test::data_path("examples-exceptions.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find(' ');
    out[line.substr(0, tab)] = tab == std::string::npos ? "" : line.substr(tab + 1);
  }
  return out;
}

std::string errors_of(const outcome& o) {
  std::string s;
  for (const auto& i : o.issues) {
    if (i.severity == severity::error) s += "  " + i.expression + ": " + i.diagnostics + "\n";
  }
  return s;
}

TEST(official_examples, every_example_validates_without_error) {
  const fs::path dir = examples_dir();
  ASSERT_FALSE(dir.empty()) << "the R4 examples (shared/fhir-r4/examples) were not found; set RG_FHIR_EXAMPLES";
  const auto listed = exceptions();
  std::size_t files = 0;
  std::set<std::string> failing;
  std::string report;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    const outcome o = validate_json(test::read_file(entry.path().string()));
    if (o.ok()) continue;
    failing.insert(name);
    if (!listed.count(name)) report += name + "\n" + errors_of(o);
  }
  EXPECT_GE(files, 600u);
  EXPECT_TRUE(report.empty()) << "examples with errors (not listed as exceptions):\n" << report;
  for (const auto& [name, reason] : listed) {
    EXPECT_TRUE(failing.count(name)) << name << " is listed as an exception but now validates; remove it";
  }
}

}  // namespace
}  // namespace fhir
