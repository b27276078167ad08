#include "gateway/api/content_negotiation.hpp"

#include <gtest/gtest.h>

namespace gateway::api {
namespace {

TEST(content_negotiation, accept_values) {
  EXPECT_TRUE(accepts_fhir_json(""));
  EXPECT_TRUE(accepts_fhir_json("*/*"));
  EXPECT_TRUE(accepts_fhir_json("application/fhir+json"));
  EXPECT_TRUE(accepts_fhir_json("application/json; charset=utf-8"));
  EXPECT_TRUE(accepts_fhir_json("text/html, application/*;q=0.8"));
  EXPECT_TRUE(accepts_fhir_json("application/fhir+xml, application/fhir+json;q=0.1"));
  EXPECT_FALSE(accepts_fhir_json("application/fhir+xml"));
  EXPECT_FALSE(accepts_fhir_json("text/html"));
  EXPECT_FALSE(accepts_fhir_json("application/fhir+json;q=0"));
}

TEST(content_negotiation, format_parameter) {
  EXPECT_TRUE(format_is_json("json"));
  EXPECT_TRUE(format_is_json("application/fhir+json"));
  EXPECT_FALSE(format_is_json("xml"));
  EXPECT_FALSE(format_is_json("application/fhir+xml"));
}

TEST(content_negotiation, content_type) {
  EXPECT_TRUE(is_fhir_json_content_type("application/fhir+json"));
  EXPECT_TRUE(is_fhir_json_content_type("application/fhir+json; charset=UTF-8"));
  EXPECT_TRUE(is_fhir_json_content_type("Application/JSON"));
  EXPECT_FALSE(is_fhir_json_content_type("text/plain"));
  EXPECT_FALSE(is_fhir_json_content_type(""));
  EXPECT_FALSE(is_fhir_json_content_type("application/fhir+xml"));
}

}  // namespace
}  // namespace gateway::api
