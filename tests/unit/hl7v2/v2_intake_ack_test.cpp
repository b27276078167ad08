#include "adapters/hl7v2/v2_intake_ack.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/er7_parser.hpp"
#include "fhir/referral_profile.hpp"
#include "tests/unit/hl7v2/hl7v2_test_data.hpp"

namespace gateway::hl7v2 {
namespace {

v2_referral mapped(const std::string& text) {
  auto m = parse_er7(text);
  if (!m) throw std::runtime_error(m.error().text());
  auto r = map_ref_i12(*m, {"RXX01"});
  if (!r) throw std::runtime_error(r.error().text);
  return std::move(*r);
}

std::string fixture_with(const std::string& from, const std::string& to) {
  std::string text = testdata::read_data("ref-i12-msk-clinic.hl7");
  return text.replace(text.find(from), from.size(), to);
}

TEST(V2IntakeAck, ProfileIssuesBecomeErrNamingTheV2Field) {
  const v2_referral r = mapped(fixture_with("9434765919^^^NHS", "9434765918^^^NHS"));
  const auto problems = problems_from_issues(r, fhir::validate_referral_in_bundle(r.bundle, r.service_request));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(to_string(problems[0].at), "PID-3");
  EXPECT_EQ(problems[0].code, hl7_error_code::data_type);
  EXPECT_NE(problems[0].text.find("NHS number is not valid"), std::string::npos);

  ack_input in;
  in.code = ack_code::ae;
  in.problems = problems;
  const auto ack = parse_er7(build_ack(in));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->find("ERR")->raw(2), "PID^1^3^1");
}

TEST(V2IntakeAck, OnlyErrorsAndAtMostTen) {
  const v2_referral r = mapped(testdata::read_data("ref-i12-msk-clinic.hl7"));
  fhir::outcome o;
  o.issues.push_back({fhir::severity::warning, fhir::issue_code::value, "just a warning", "Bundle.entry[1].resource"});
  for (int i = 0; i < 12; ++i) {
    o.issues.push_back(
        {fhir::severity::error, fhir::issue_code::required, "missing", "Bundle.entry[1].resource.birthDate"});
  }
  const auto problems = problems_from_issues(r, o);
  ASSERT_EQ(problems.size(), max_ack_problems);
  EXPECT_EQ(to_string(problems[0].at), "PID-7");
  EXPECT_EQ(problems[0].code, hl7_error_code::required_field_missing);
  EXPECT_EQ(problems.back().text, "missing (and 2 more problems)");
}

TEST(V2IntakeAck, ParseAndMappingErrorsBecomeOneErr) {
  const auto e = parse_er7("MSH|^~\\&|A|B\rPID|1|\\Q\\\r").error();
  const ack_problem p = problem_of(e);
  EXPECT_EQ(to_string(p.at), "PID-2");
  EXPECT_NE(p.text.find("(byte "), std::string::npos);
  EXPECT_EQ(problem_of(parse_er7("garbage").error()).code, hl7_error_code::segment_sequence);
  const ack_problem m = problem_of(mapping_problem{location{"RF1", 1, 6}, hl7_error_code::required_field_missing, "x"});
  EXPECT_EQ(to_string(m.at), "RF1-6");
}

TEST(V2IntakeAck, TheAckControlIdIsStablePerSenderAndMessage) {
  const std::string id = ack_control_id("RXX01", "RXX01-0001");
  EXPECT_EQ(id.size(), 20u);
  EXPECT_EQ(id, ack_control_id("RXX01", "RXX01-0001"));
  EXPECT_NE(id, ack_control_id("A81001", "RXX01-0001"));
  EXPECT_NE(id, ack_control_id("RXX01", "RXX01-0002"));
}

TEST(V2IntakeAck, Hl7TimeIsUtc) {
  const auto t =
      std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + std::chrono::hours{10} + std::chrono::minutes{5};
  EXPECT_EQ(hl7_time(t), "20240301100500+0000");
}

}  // namespace
}  // namespace gateway::hl7v2
