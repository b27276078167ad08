#pragma once
// Loads JSON fixtures from tests/data/core for the core unit tests.

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace gateway::core::fixtures {

inline std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  if (d.HasParseError()) throw std::runtime_error("bad JSON in test");
  return d;
}

inline rapidjson::Document load_fixture(const std::string& name) {
  return parse(read_text("tests/data/core/" + name));
}

}  // namespace gateway::core::fixtures
