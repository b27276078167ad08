#include "adapters/bars/inbound_message.hpp"

#include <gtest/gtest.h>

#include "bars_test_data.hpp"

namespace gateway::bars {
namespace {

core::result<inbound_message> read(const rapidjson::Document& d) {
  return read_inbound_message(d);
}

// The published example with `from` replaced by `to` (first occurrence).
rapidjson::Document variant(const std::string& from, const std::string& to) {
  return test::parse(test::replaced(test::referral_text(), from, to));
}

TEST(inbound_message, the_published_referral_reads_into_its_parts) {
  const auto d = test::parse(test::referral_text());
  const auto m = read(d);
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->bundle_id, "86e3371d-1c15-4862-9552-d9560f8292ba");
  EXPECT_EQ(m->header_id, "");  // the example's MessageHeader has no id
  EXPECT_EQ(m->reason, message_reason::new_referral);
  EXPECT_EQ(m->service_request, 1u);
  EXPECT_EQ(m->service_request_entry().resource_type, "ServiceRequest");
  EXPECT_EQ(m->service_request_uuid, "236bb75d-90ef-461f-b71e-fde7f899802c");  // from its urn:uuid fullUrl
  EXPECT_EQ(m->source_endpoint, "http://fhir.nhs.uk/Id/dos-service-id|2222222222");
  ASSERT_EQ(m->destination_endpoints.size(), 1u);
  EXPECT_EQ(m->destination_endpoints[0], "http://fhir.nhs.uk/Id/dos-service-id|111111111");
  ASSERT_TRUE(m->has_sender);
  EXPECT_EQ(m->entries[m->sender].full_url, "urn:uuid:07939a0c-2854-46ff-9282-ad906bc93679");
  EXPECT_EQ(m->entries.size(), d["entry"].Size());
}

TEST(inbound_message, a_service_request_id_that_is_a_uuid_names_the_referral) {
  const auto d = variant(R"("resourceType": "ServiceRequest",)",
                         R"("resourceType": "ServiceRequest", "id": "AB8F1C3E-0D4B-4E0B-9D6C-2F0C6E1E7A55",)");
  const auto m = read(d);
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->service_request_uuid, "ab8f1c3e-0d4b-4e0b-9d6c-2f0c6e1e7a55");
}

struct bad_case {
  std::string from, to;
  core::error_kind kind;
  std::string expression;
};

class inbound_message_refusal : public ::testing::TestWithParam<bad_case> {};

TEST_P(inbound_message_refusal, names_the_element) {
  const auto& c = GetParam();
  const auto d = variant(c.from, c.to);
  const auto m = read(d);
  ASSERT_FALSE(m) << c.to;
  EXPECT_EQ(m.error().kind, c.kind) << m.error().text();
  EXPECT_EQ(m.error().expression, c.expression) << m.error().text();
}

INSTANTIATE_TEST_SUITE_P(
    published_example_broken, inbound_message_refusal,
    ::testing::Values(
        bad_case{R"("type": "message")", R"("type": "collection")", core::error_kind::invalid, "Bundle.type"},
        bad_case{R"("id": "86e3371d-1c15-4862-9552-d9560f8292ba",)", "", core::error_kind::invalid, "Bundle.id"},
        bad_case{"https://fhir.nhs.uk/CodeSystem/message-events-bars", "https://fhir.nhs.uk/CodeSystem/other",
                 core::error_kind::invalid, "Bundle.entry[0].resource.eventCoding.system"},
        bad_case{R"("code": "servicerequest-request")", R"("code": "booking-request")", core::error_kind::unprocessable,
                 "Bundle.entry[0].resource.eventCoding.code"},
        bad_case{R"("code": "new")", R"("code": "cancel")", core::error_kind::invalid,
                 "Bundle.entry[0].resource.reason.coding.code"},
        bad_case{"https://fhir.nhs.uk/CodeSystem/message-reason-bars", "https://example.org/reasons",
                 core::error_kind::invalid, "Bundle.entry[0].resource.reason"},
        bad_case{R"("reference": "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c")",
                 R"("reference": "urn:uuid:9589fb37-87a2-48d8-968f-b371429208a8")", core::error_kind::unprocessable,
                 "Bundle.entry[0].resource.focus"},
        bad_case{R"("reference": "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c")",
                 R"("reference": "ServiceRequest/1")", core::error_kind::invalid, "Bundle.entry[0].resource.focus"},
        bad_case{R"("endpoint": "http://fhir.nhs.uk/Id/dos-service-id|2222222222")", R"("xendpoint": "none")",
                 core::error_kind::invalid, "Bundle.entry[0].resource.source.endpoint"},
        bad_case{R"("reference": "urn:uuid:68d3c42e-f76e-4f66-9498-d96e1040c81c")",
                 R"("reference": "urn:uuid:00000000-0000-4000-8000-000000000000")", core::error_kind::invalid,
                 "Bundle.entry[1].resource.basedOn[0].reference"},
        bad_case{R"("fullUrl": "urn:uuid:d482d092-6efc-4eef-b4a0-730718b1fbfd")",
                 R"("fullUrl": "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c")", core::error_kind::invalid,
                 "Bundle.entry[2].fullUrl"},
        bad_case{R"("fullUrl": "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c")", R"("fullUrl": "ServiceRequest/x")",
                 core::error_kind::invalid, "Bundle.entry[0].resource.focus"}));

TEST(inbound_message, a_message_whose_first_entry_is_not_its_header_is_invalid) {
  const auto d = test::parse(R"({"resourceType":"Bundle","id":"b1","type":"message","entry":[
      {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient"}}]})");
  const auto m = read(d);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().expression, "Bundle.entry[0].resource");
}

TEST(inbound_message, reasons_update_and_delete_are_read) {
  EXPECT_EQ(read(variant(R"("code": "new")", R"("code": "update")"))->reason, message_reason::update);
  EXPECT_EQ(read(variant(R"("code": "new")", R"("code": "delete")"))->reason, message_reason::remove);
}

}  // namespace
}  // namespace gateway::bars
