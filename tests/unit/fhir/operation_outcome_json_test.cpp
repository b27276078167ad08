#include "fhir/operation_outcome_json.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fhir/json_parse.hpp"
#include "fhir/validator.hpp"

namespace fhir {
namespace {

TEST(operation_outcome_json, empty_outcome_is_all_ok_information) {
  auto doc = parse_json(to_operation_outcome_json(outcome{}));
  ASSERT_TRUE(doc.has_value());
  const auto& issue = (*doc)["issue"][0];
  EXPECT_STREQ(issue["severity"].GetString(), "information");
  EXPECT_STREQ(issue["code"].GetString(), "informational");
  EXPECT_STREQ(issue["diagnostics"].GetString(), "All OK");
  EXPECT_TRUE(validate(*doc).ok());
}

TEST(operation_outcome_json, issues_keep_severity_code_diagnostics_and_expression) {
  outcome o = make_outcome(severity::error, issue_code::code_invalid, "bad \"code\"", "ServiceRequest.status");
  o.issues.push_back(issue{severity::warning, issue_code::not_supported, "no expression", {}});
  auto doc = parse_json(to_operation_outcome_json(o));
  ASSERT_TRUE(doc.has_value());
  EXPECT_STREQ((*doc)["resourceType"].GetString(), "OperationOutcome");
  const auto& first = (*doc)["issue"][0];
  EXPECT_STREQ(first["severity"].GetString(), "error");
  EXPECT_STREQ(first["code"].GetString(), "code-invalid");
  EXPECT_STREQ(first["diagnostics"].GetString(), "bad \"code\"");
  EXPECT_STREQ(first["expression"][0].GetString(), "ServiceRequest.status");
  EXPECT_FALSE((*doc)["issue"][1].HasMember("expression"));
  EXPECT_TRUE(validate(*doc).ok()) << "our own OperationOutcome must be valid R4";
}

TEST(operation_outcome_json, http_layer_codes_are_valid_r4_issue_types) {
  for (issue_code c : {issue_code::not_found, issue_code::too_costly, issue_code::processing, issue_code::invalid}) {
    auto doc = parse_json(to_operation_outcome_json(make_outcome(severity::error, c, "x")));
    ASSERT_TRUE(doc.has_value());
    EXPECT_TRUE(validate(*doc).ok()) << to_string(c);
  }
}

}  // namespace
}  // namespace fhir

#include "fhir/diagnostic_text.hpp"
#include "fhir/validator.hpp"

namespace fhir {
namespace {

// Found by a 30-minute fuzz run: a diagnostic quoting a long value cut a multi-byte character in
// two, so the OperationOutcome was not UTF-8 (not JSON). The input is also a fuzz seed.
TEST(diagnostics, quoted_values_are_cut_on_a_character_boundary_and_escaped) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/tests/data/fhir/fuzz-seeds/task-text-status-multibyte.json");
  std::stringstream body;
  body << in.rdbuf();
  const outcome o = validate_json(body.str());
  ASSERT_FALSE(o.ok());
  const std::string json = to_operation_outcome_json(o);
  EXPECT_TRUE(parse_json(json).has_value()) << json;
  bool quoted = false;
  for (const auto& i : o.issues) quoted = quoted || i.diagnostics.find("...'") != std::string::npos;
  EXPECT_TRUE(quoted) << json;

  const std::string three_bytes = "\xEE\xBB\xAE";  // U+EEEE
  std::string s = "a" + three_bytes + three_bytes;
  EXPECT_EQ(utf8_prefix(s, 3), "a");
  EXPECT_EQ(utf8_prefix(s, 4), "a" + three_bytes);
  EXPECT_EQ(quote_value(s, 5), "'a" + three_bytes + "...'");
  EXPECT_EQ(quote_value("it's\n", 80), "'it\\'s\\u000a'");
}

}  // namespace
}  // namespace fhir
