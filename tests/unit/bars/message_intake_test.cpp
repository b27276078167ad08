#include "adapters/bars/message_intake.hpp"

#include <gtest/gtest.h>

#include "adapters/bars/base64_text.hpp"
#include "bars_test_data.hpp"

namespace gateway::bars {
namespace {

constexpr const char* request_id = "C1AB3FBA-6BAE-4BA4-B257-5A87C44D4A91";
constexpr const char* correlation_id = "9562466f-c982-4bd5-bb0e-255e9f5e6689";

const std::vector<target_identifier> services = {{"https://fhir.nhs.uk/Id/dos-service-id", "111111111"}};

std::string target_header(const std::string& value = "111111111") {
  return encode_base64(R"({"system":"https://fhir.nhs.uk/Id/dos-service-id","value":")" + value + R"("})");
}

struct request {
  std::string target = target_header();
  std::string body = test::referral_text();
  message_headers headers() const {
    message_headers h;
    h.request_id = request_id;
    h.correlation_id = correlation_id;
    h.target_identifier = target;
    return h;
  }
};

intake_outcome read(const request& r, const message_headers& h) {
  return read_message_intake(h, r.body, services, fhir::json_limits{});
}

intake_outcome read(const request& r) {
  return read(r, r.headers());
}

std::string first_expression(const intake_outcome& o) {
  return o.refusal ? o.refusal->outcome.issues.at(0).expression : "(accepted)";
}

TEST(message_intake, the_published_referral_becomes_a_create_with_its_conversation) {
  const auto o = read(request{});
  ASSERT_TRUE(o.intake) << first_expression(o) << ": " << o.refusal->outcome.issues[0].diagnostics;
  const message_intake& in = *o.intake;
  EXPECT_EQ(in.action, message_action::create_referral);
  EXPECT_EQ(in.ids.request_id, "c1ab3fba-6bae-4ba4-b257-5a87c44d4a91");  // UUIDs kept lower-case
  EXPECT_EQ(in.identifier_system, "urn:ietf:rfc:3986");
  EXPECT_EQ(in.identifier_value, "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c");
  EXPECT_EQ(in.origin.original_bundle_id, "86e3371d-1c15-4862-9552-d9560f8292ba");
  EXPECT_EQ(in.origin.correlation_id, correlation_id);
  EXPECT_EQ(in.origin.source_endpoint, "http://fhir.nhs.uk/Id/dos-service-id|2222222222");
  EXPECT_EQ(in.origin.destination_endpoint, "http://fhir.nhs.uk/Id/dos-service-id|111111111");
  EXPECT_FALSE(in.origin.encounter_full_url.empty());
  ASSERT_NE(in.referral.bundle, nullptr);
  EXPECT_FALSE(in.notes.empty()) << "the mapping's changes are reported";
}

TEST(message_intake, missing_or_malformed_transaction_ids_are_400_naming_the_header) {
  request r;
  auto h = r.headers();
  h.request_id.reset();
  auto o = read(r, h);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
  EXPECT_EQ(first_expression(o), "X-Request-ID");
  h = r.headers();
  h.correlation_id = "not-a-uuid";
  o = read(r, h);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
  EXPECT_EQ(first_expression(o), "X-Correlation-ID");
}

TEST(message_intake, the_target_identifier_is_required_and_must_decode) {
  request r;
  auto h = r.headers();
  h.target_identifier.reset();
  auto o = read(r, h);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
  EXPECT_EQ(first_expression(o), "NHSD-Target-Identifier");
  r.target = "not*base64";
  o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
  EXPECT_EQ(first_expression(o), "NHSD-Target-Identifier");
  r.target = encode_base64("[1,2]");
  o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
}

TEST(message_intake, a_message_for_another_service_is_404) {
  request r;
  r.target = target_header("999999999");
  auto o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 404);
  EXPECT_EQ(first_expression(o), "NHSD-Target-Identifier");
}

TEST(message_intake, a_destination_naming_another_service_is_404) {
  request r;
  r.body = test::replaced(r.body, "dos-service-id|111111111", "dos-service-id|999999999");
  auto o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 404);
  EXPECT_EQ(first_expression(o), "Bundle.entry[0].resource.destination");
}

TEST(message_intake, a_requesting_party_header_that_does_not_decode_is_400) {
  request r;
  auto h = r.headers();
  h.end_user_organisation = "%%%";
  auto o = read(r, h);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
  EXPECT_EQ(first_expression(o), "NHSD-End-User-Organisation");
}

TEST(message_intake, a_body_that_is_not_json_or_not_r4_is_400) {
  request r;
  r.body = "{";
  auto o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
  r.body = test::replaced(test::referral_text(), R"("type": "message")", R"("type": "message", "colour": 1)");
  o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 400);
}

TEST(message_intake, delete_of_a_revoked_service_request_is_a_cancellation) {
  request r;
  r.body = test::replaced(test::replaced(r.body, R"("code": "new")", R"("code": "delete")"), R"("status": "active")",
                          R"("status": "revoked")");
  auto o = read(r);
  ASSERT_TRUE(o.intake) << first_expression(o) << ": " << o.refusal->outcome.issues[0].diagnostics;
  EXPECT_EQ(o.intake->action, message_action::cancel_referral);
  EXPECT_EQ(o.intake->identifier_value, "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c");
}

TEST(message_intake, an_update_that_is_not_a_cancellation_is_422_naming_the_status) {
  request r;
  r.body = test::replaced(r.body, R"("code": "new")", R"("code": "update")");
  auto o = read(r);
  ASSERT_TRUE(o.refusal);
  EXPECT_EQ(o.refusal->status, 422);
  EXPECT_EQ(first_expression(o), "Bundle.entry[1].resource.status");
}

}  // namespace
}  // namespace gateway::bars
