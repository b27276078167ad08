#pragma once
// The BaRS example referral message NHS England publishes (tests/data/fhir/corpus, provenance in
// its README.md), as the tests use it: as published (NHS number 3478526985, which fails the
// modulus-11 check) or with that number made valid in the test's copy.
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace gateway::bars::test {

inline constexpr const char* published_nhs_number = "3478526985";
inline constexpr const char* valid_nhs_number = "9434765919";

inline std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture lacks " + from);
  return text.replace(at, from.size(), to);
}

inline std::string published_referral_text() {
  return read_text("tests/data/fhir/corpus/bars-api-v1.4.0-servicerequest-request-validation-message-bundle.json");
}

// The published message with its NHS number made valid.
inline std::string referral_text() {
  return replaced(published_referral_text(), published_nhs_number, valid_nhs_number);
}

inline rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) throw std::runtime_error("bad JSON in test");
  return d;
}

}  // namespace gateway::bars::test
