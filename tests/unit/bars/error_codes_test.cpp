#include "adapters/bars/error_codes.hpp"

#include <gtest/gtest.h>

#include <map>

#include "bars_test_data.hpp"

namespace gateway::bars {
namespace {

// The codes and statuses BaRS gives receivers (API 1.5.0, 4XX-BARS and 5XX-BARS).
TEST(error_codes, each_receiver_code_goes_with_its_status) {
  const std::map<std::string_view, int> expected = {{"REC_BAD_REQUEST", 400},
                                                    {"REC_FORBIDDEN", 403},
                                                    {"REC_NOT_FOUND", 404},
                                                    {"REC_CONFLICT", 409},
                                                    {"REC_UNPROCESSABLE_ENTITY", 422},
                                                    {"REC_TIMEOUT", 408},
                                                    {"REC_SERVER_ERROR", 500},
                                                    {"REC_UNAVAILABLE", 503},
                                                    {"REC_TOO_MANY_REQUESTS", 429},
                                                    {"REC_UNAUTHORIZED", 401},
                                                    {"REC_METHOD_NOT_ALLOWED", 405},
                                                    {"REC_NOT_IMPLEMENTED", 501}};
  std::map<std::string_view, int> table;
  for (const auto& e : error_table()) table[e.code] = e.status;
  EXPECT_EQ(table, expected);
  for (const auto& [code, status] : expected) EXPECT_EQ(error_for_status(status).code, code);
}

TEST(error_codes, statuses_without_a_bars_code_fold_into_the_nearest) {
  EXPECT_EQ(error_for_status(413).status, 400);
  EXPECT_EQ(error_for_status(415).status, 400);
  EXPECT_EQ(error_for_status(406).status, 400);
  EXPECT_EQ(error_for_status(431).status, 400);
  EXPECT_EQ(error_for_status(410).code, "REC_NOT_FOUND");
  EXPECT_EQ(error_for_status(412).code, "REC_CONFLICT");
  EXPECT_EQ(error_for_status(418).code, "REC_BAD_REQUEST");
  EXPECT_EQ(error_for_status(502).code, "REC_SERVER_ERROR");
}

TEST(error_codes, an_answer_names_each_issue_with_the_bars_code) {
  fhir::outcome o;
  o.issues.push_back({fhir::severity::error, fhir::issue_code::value, "the NHS number is not valid",
                      "Bundle.entry[5].resource.identifier[0].value"});
  const auto answer = make_error_answer(422, o);
  EXPECT_EQ(answer.status, 422);
  const auto d = test::parse(answer.json);
  ASSERT_EQ(d["issue"].Size(), 1u);
  const auto& issue = d["issue"][0];
  EXPECT_STREQ(issue["code"].GetString(), "value");
  EXPECT_STREQ(issue["details"]["coding"][0]["system"].GetString(), "https://fhir.nhs.uk/Codesystem/http-error-codes");
  EXPECT_STREQ(issue["details"]["coding"][0]["code"].GetString(), "REC_UNPROCESSABLE_ENTITY");
  EXPECT_STREQ(issue["expression"][0].GetString(), "Bundle.entry[5].resource.identifier[0].value");
}

TEST(error_codes, an_answer_without_issues_gets_the_tables_issue) {
  const auto answer = make_error_answer(503, {});
  const auto d = test::parse(answer.json);
  EXPECT_STREQ(d["issue"][0]["code"].GetString(), "transient");
  EXPECT_STREQ(d["issue"][0]["details"]["coding"][0]["code"].GetString(), "REC_UNAVAILABLE");
}

// Only the duplicate answer carries REC_CONFLICT with issue.code duplicate, as the published example.
TEST(error_codes, the_duplicate_answer_matches_the_published_example) {
  const auto answer = duplicate_answer("the message has been identified as having already been processed.");
  EXPECT_EQ(answer.status, 409);
  const auto ours = test::parse(answer.json);
  const auto theirs =
      test::parse(test::read_text("tests/data/fhir/corpus/bars-api-operationoutcome-409-duplicate.json"));
  EXPECT_EQ(ours["issue"][0]["code"], theirs["issue"][0]["code"]);
  EXPECT_EQ(ours["issue"][0]["severity"], theirs["issue"][0]["severity"]);
  EXPECT_EQ(ours["issue"][0]["details"], theirs["issue"][0]["details"]);
  fhir::outcome conflict;
  conflict.issues.push_back({fhir::severity::error, fhir::issue_code::processing, "stale", {}});
  EXPECT_EQ(make_error_answer(409, conflict).json.find("\"duplicate\""), std::string::npos);
}

}  // namespace
}  // namespace gateway::bars
