#pragma once
// Test-only: parse a JSON literal (must be valid) and read corpus files.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "fhir/json_parse.hpp"
#include "fhir/outcome.hpp"

namespace fhir::test {

inline rapidjson::Document doc(std::string_view text) {
  auto r = parse_json(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message) << "\n" << text;
  return r ? std::move(*r) : rapidjson::Document{};
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// An outcome as lines "severity expression: diagnostics", for failure messages.
inline std::string dump(const outcome& o) {
  std::string s;
  for (const auto& i : o.issues) {
    s += std::string(to_string(i.severity)) + " " + i.expression + ": " + i.diagnostics + "\n";
  }
  return s;
}

inline std::string data_path(const std::string& rel) {
  return std::string(RG_SOURCE_DIR) + "/tests/data/fhir/" + rel;
}

}  // namespace fhir::test
