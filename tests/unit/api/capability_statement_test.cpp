#include "gateway/api/capability_statement.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "fhir/validator.hpp"

namespace gateway::api {
namespace {
using boost::beast::http::verb;

route_table sample_routes() {
  route_table t;
  route read;
  read.method = verb::get;
  read.pattern = "/ServiceRequest/{id}";
  read.resource_type = "ServiceRequest";
  read.kind = interaction::read;
  t.add(read);
  route search;
  search.method = verb::get;
  search.pattern = "/ServiceRequest";
  search.resource_type = "ServiceRequest";
  search.kind = interaction::search_type;
  search.search_params = {{"identifier", "token", "the referrer's referral number"}, {"status", "token", ""}};
  t.add(search);
  route validate;
  validate.method = verb::post;
  validate.pattern = "/$validate";
  validate.kind = interaction::operation;
  validate.operation = "validate";
  validate.operation_definition = "http://hl7.org/fhir/OperationDefinition/Resource-validate";
  t.add(validate);
  route transaction;
  transaction.method = verb::post;
  transaction.pattern = "/";
  transaction.kind = interaction::transaction;
  t.add(transaction);
  return t;
}

TEST(capability_statement, lists_exactly_the_registered_routes) {
  const std::string json =
      build_capability_statement(sample_routes(), {"gw", "1.0", "desc", "", "2026-11-26T00:00:00Z"});
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError());
  const auto& rest = doc["rest"][0];
  ASSERT_EQ(rest["resource"].Size(), 1u);
  const auto& sr = rest["resource"][0];
  EXPECT_STREQ(sr["type"].GetString(), "ServiceRequest");
  ASSERT_EQ(sr["interaction"].Size(), 2u);
  EXPECT_STREQ(sr["interaction"][0]["code"].GetString(), "read");
  EXPECT_STREQ(sr["interaction"][1]["code"].GetString(), "search-type");
  ASSERT_EQ(sr["searchParam"].Size(), 2u);
  EXPECT_STREQ(sr["searchParam"][0]["name"].GetString(), "identifier");
  EXPECT_STREQ(rest["interaction"][0]["code"].GetString(), "transaction");
  EXPECT_STREQ(rest["operation"][0]["name"].GetString(), "validate");
}

TEST(capability_statement, is_valid_r4) {
  const std::string json = build_capability_statement(
      sample_routes(), {"gw", "1.0", "desc", "https://localhost/fhir", "2026-11-26T00:00:00Z"});
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError());
  const auto outcome = fhir::validate(doc);
  EXPECT_TRUE(outcome.ok()) << (outcome.issues.empty()
                                    ? ""
                                    : outcome.issues[0].expression + ": " + outcome.issues[0].diagnostics);
}

TEST(capability_statement, an_empty_table_is_still_valid_r4) {
  const std::string json = build_capability_statement(route_table{}, {"gw", "", "desc", "", "2026-11-26"});
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError());
  EXPECT_TRUE(fhir::validate(doc).ok());
}

}  // namespace
}  // namespace gateway::api
