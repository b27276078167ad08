// bars_sender (delivery mode "bars") against a real referrer-sim --bars process on loopback, over
// real mutual TLS with certificates made by gatewayctl certs init: a feedback item becomes a BaRS
// servicerequest-response with its transaction-integrity headers, and each receiver behaviour
// becomes the delivery result BaRS's retry rules call for.
#include "adapters/delivery/bars_sender.hpp"

#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <atomic>

#include "adapters/bars/conversation.hpp"
#include "adapters/bars/target_identifier.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/store_errc.hpp"
#include "tests/support/delivery_port_test.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;
using gateway::core::delivery_result;
using kind = gateway::core::delivery_result::kind;

constexpr const char* referrer = "A81001";
constexpr const char* original_bundle = "86e3371d-1c15-4862-9552-d9560f8292ba";
constexpr const char* correlation = "9562466f-c982-4bd5-bb0e-255e9f5e6689";
constexpr const char* sender_sr_uuid = "236bb75d-90ef-461f-b71e-fde7f899802c";
constexpr const char* sender_service = "https://fhir.nhs.uk/Id/dos-service-id|2222222222";

std::string reply_id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "7b2e9c1a-4d3f-4a8b-9e6c-%012d", n);
  return buf;
}

// The feedback item the platform's Task change queues for the referrer (the real builder).
gateway::core::outbox_entry feedback_item(const std::string& id, const std::string& task_status,
                                          const std::string& sr_id = "sr-1") {
  const auto sr = parse(R"({"resourceType":"ServiceRequest","id":")" + sr_id + R"(",
    "meta":{"versionId":"1","lastUpdated":"2024-05-01T10:00:00.000Z"},
    "identifier":[{"system":"urn:ietf:rfc:3986","value":"urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c"}],
    "status":"active","intent":"order","subject":{"reference":"Patient/p-1"},
    "requester":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"A81001"}}})");
  const auto task = parse(R"({"resourceType":"Task","id":"t-1","meta":{"versionId":"2"},"status":")" + task_status +
                          R"(","intent":"order","basedOn":[{"reference":"ServiceRequest/)" + sr_id +
                          R"("}],"for":{"reference":"Patient/p-1"}})");
  gateway::core::feedback_message_input m;
  m.message_id = id;
  m.timestamp = "2024-05-02T10:00:00.000Z";
  m.source_endpoint = "urn:referral-gateway";
  m.base_url = "https://gateway.example.org/fhir";
  m.destination = {referrer, "https://localhost/fhir/$process-message", true};
  m.task = &task;
  m.service_request = &sr;
  auto made = gateway::core::make_feedback_item(m);
  EXPECT_TRUE(made);
  gateway::core::outbox_entry e;
  if (made) e.item = *made;
  return e;
}

// The conversation $process-message stores with the referral.
gateway::core::resource_record conversation_record(const std::string& owner = referrer) {
  gateway::bars::conversation c;
  c.service_request_id = "sr-1";
  c.original_bundle_id = original_bundle;
  c.correlation_id = correlation;
  c.source_endpoint = sender_service;
  c.destination_endpoint = "https://fhir.nhs.uk/Id/dos-service-id|111111111";
  c.service_request_uuid = sender_sr_uuid;
  gateway::core::resource_record r;
  r.type = "Basic";
  r.id = gateway::bars::conversation_id("sr-1");
  r.version = 1;
  r.owner_org = owner;
  r.json = gateway::core::json::serialise(gateway::bars::conversation_resource(c, "2024-05-01T10:00:00Z"));
  return r;
}

class bars_sender_test : public delivery_port_test {
 protected:
  void start_sim(const std::vector<std::string>& flags = {}) { start_referrer_sim("--bars", "https", flags); }

  std::string url() const { return "https://localhost:" + std::to_string(port_) + "/fhir/$process-message"; }

  // A sender for the referrer, reading conversations from `stored` (what the store holds).
  std::shared_ptr<gateway::delivery::bars_sender> sender() {
    gateway::delivery::bars_sender_settings settings{{url(), {sender_service}, ""}, "PLT01"};
    return std::make_shared<gateway::delivery::bars_sender>(
        pool_, std::move(settings), gateway_tls(),
        [this](std::string type, std::string id, gateway::core::store_callback<gateway::core::read_outcome> done) {
          ++reads_;
          if (stored_ && type == stored_->type && id == stored_->id) return done(*stored_);
          done(gateway::core::read_outcome(gateway::core::make_error_code(gateway::core::store_errc::not_found)));
        });
  }

  std::vector<rapidjson::Document> recorded() const {
    std::vector<rapidjson::Document> out;
    for (const auto& line : recorded_lines()) out.push_back(parse(line));
    return out;
  }

  gateway::net::https_client_pool pool_{ioc_.get_executor(), test_client_options()};
  std::optional<gateway::core::resource_record> stored_ = conversation_record();
  std::atomic<int> reads_{0};
};

TEST_F(bars_sender_test, replies_arrive_in_order_as_valid_servicerequest_responses_of_one_conversation) {
  start_sim();
  auto s = sender();
  const std::vector<std::string> moves = {"accepted", "in-progress", "completed"};
  for (std::size_t i = 0; i < moves.size(); ++i) {
    const auto r = deliver(*s, feedback_item(reply_id(static_cast<int>(i)), moves[i]));
    EXPECT_TRUE(gateway::core::is_delivered(r)) << gateway::core::describe(r);
  }
  const auto lines = recorded();
  ASSERT_EQ(lines.size(), moves.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    EXPECT_EQ(std::string(line["x_request_id"].GetString()), reply_id(static_cast<int>(i))) << "new per reply";
    EXPECT_STREQ(line["x_correlation_id"].GetString(), correlation) << "the original's";
    const auto target = gateway::bars::decode_target_identifier(line["target_identifier"].GetString());
    ASSERT_TRUE(target);
    EXPECT_EQ(gateway::bars::parse_endpoint_identifier(sender_service), *target);
    const auto& message = line["message"];
    EXPECT_TRUE(fhir::validate(message).ok());
    const auto& header = message["entry"][0]["resource"];
    EXPECT_STREQ(header["eventCoding"]["code"].GetString(), "servicerequest-response");
    EXPECT_STREQ(header["response"]["identifier"].GetString(), original_bundle);
    EXPECT_STREQ(header["response"]["code"].GetString(), "ok");
    EXPECT_EQ(std::string(header["id"].GetString()), reply_id(static_cast<int>(i)));
  }
  EXPECT_STREQ(lines[0]["message"]["entry"][2]["resource"]["status"].GetString(), "triaged");
  EXPECT_STREQ(lines[1]["message"]["entry"][2]["resource"]["status"].GetString(), "in-progress");
  EXPECT_STREQ(lines[2]["message"]["entry"][2]["resource"]["status"].GetString(), "finished");
  EXPECT_EQ(pool_.connections_opened(), 1u) << "one keep-alive connection";
}

TEST_F(bars_sender_test, a_resent_reply_answered_409_duplicate_counts_as_delivered) {
  start_sim();
  auto s = sender();
  const auto item = feedback_item(reply_id(10), "accepted");
  EXPECT_EQ(deliver(*s, item).http_status, 200);
  const auto again = deliver(*s, item);  // as after a crash between send and record: the same request
  EXPECT_TRUE(gateway::core::is_delivered(again)) << gateway::core::describe(again);
  EXPECT_NE(again.detail.find("REC_CONFLICT"), std::string::npos) << again.detail;
  EXPECT_EQ(stat("duplicates"), 1);
  EXPECT_EQ(recorded().size(), 1u);
}

TEST_F(bars_sender_test, a_receiver_answering_409_duplicate_by_flag_counts_as_delivered) {
  start_sim({"--answer-409"});
  auto s = sender();
  const auto r = deliver(*s, feedback_item(reply_id(11), "accepted"));
  EXPECT_TRUE(gateway::core::is_delivered(r)) << gateway::core::describe(r);
  EXPECT_EQ(decide_after_first_attempt(r).what, gateway::core::next_action::kind::delivered);
}

TEST_F(bars_sender_test, a_503_rec_unavailable_is_retried_then_delivered) {
  start_sim({"--fail-first", "2", "--retry-after", "2"});
  auto s = sender();
  const auto item = feedback_item(reply_id(12), "accepted");
  for (int i = 0; i < 2; ++i) {
    const auto r = deliver(*s, item);
    EXPECT_EQ(r.http_status, 503) << gateway::core::describe(r);
    EXPECT_NE(r.detail.find("REC_UNAVAILABLE"), std::string::npos) << r.detail;
    const auto next = decide_after_first_attempt(r);
    EXPECT_EQ(next.what, gateway::core::next_action::kind::retry);
    EXPECT_GE(next.retry_at - std::chrono::system_clock::now(), 1s) << "Retry-After honoured";
  }
  EXPECT_EQ(deliver(*s, item).http_status, 200);
  EXPECT_EQ(stat("failed"), 2);
  EXPECT_EQ(recorded().size(), 1u);
}

TEST_F(bars_sender_test, a_400_rec_bad_request_goes_to_dead_letter) {
  start_sim({"--answer-400"});
  auto s = sender();
  const auto r = deliver(*s, feedback_item(reply_id(13), "accepted"));
  EXPECT_EQ(r.http_status, 400);
  EXPECT_NE(r.detail.find("REC_BAD_REQUEST"), std::string::npos) << r.detail;
  EXPECT_EQ(decide_after_first_attempt(r).what, gateway::core::next_action::kind::dead);
}

TEST_F(bars_sender_test, a_referral_without_a_bars_conversation_is_dead_lettered_unsent) {
  start_sim();
  stored_.reset();
  auto s = sender();
  const auto r = deliver(*s, feedback_item(reply_id(14), "accepted"));
  EXPECT_EQ(r.what, kind::permanent_failure) << gateway::core::describe(r);
  EXPECT_NE(r.detail.find("no BaRS conversation"), std::string::npos) << r.detail;
  EXPECT_EQ(decide_after_first_attempt(r).what, gateway::core::next_action::kind::dead);
  EXPECT_EQ(stat("received"), 0);
  EXPECT_EQ(reads_.load(), 1);
}

TEST_F(bars_sender_test, a_conversation_of_another_organisation_is_never_used) {
  start_sim();
  stored_ = conversation_record("B82002");
  auto s = sender();
  const auto r = deliver(*s, feedback_item(reply_id(15), "accepted"));
  EXPECT_EQ(r.what, kind::permanent_failure) << gateway::core::describe(r);
  EXPECT_EQ(stat("received"), 0);
}

TEST_F(bars_sender_test, a_feedback_item_of_another_referral_than_its_conversation_is_never_sent) {
  start_sim();
  auto s = sender();
  // The conversation read for ordering key sr-1 names sr-1; a message about sr-9 under that key
  // (a bug upstream) must not be sent as a reply in sr-1's conversation.
  auto item = feedback_item(reply_id(16), "accepted", "sr-9");
  item.item.ordering_key = "sr-1";
  const auto r = deliver(*s, item);
  EXPECT_EQ(r.what, kind::permanent_failure) << gateway::core::describe(r);
  EXPECT_EQ(stat("received"), 0);
}

TEST_F(bars_sender_test, referrer_sim_bars_checks_the_transaction_headers_as_a_bars_receiver) {
  start_sim();
  https_client c(port_, certs() + "/ca.crt", dev_identity(certs(), "practice-a"));
  const std::string body = feedback_item(reply_id(17), "accepted").item.payload;
  const auto no_ids = c.request("POST", "/fhir/$process-message", body);
  EXPECT_EQ(no_ids.status, 400);
  EXPECT_NE(no_ids.body.find("REC_BAD_REQUEST"), std::string::npos) << no_ids.body;
  const auto bad_target = c.request(
      "POST", "/fhir/$process-message", body,
      {{"X-Request-ID", reply_id(17)}, {"X-Correlation-ID", correlation}, {"NHSD-Target-Identifier", "not base64!"}});
  EXPECT_EQ(bad_target.status, 400);
  EXPECT_EQ(bad_target.header("x-correlation-id"), correlation);
  // A plain feedback message is no servicerequest-response: refused naming its event.
  const auto not_a_reply = c.request("POST", "/fhir/$process-message", body,
                                     {{"X-Request-ID", reply_id(18)}, {"X-Correlation-ID", correlation}});
  EXPECT_EQ(not_a_reply.status, 400);
  EXPECT_NE(not_a_reply.body.find("eventCoding"), std::string::npos) << not_a_reply.body;
  EXPECT_EQ(stat("accepted"), 0);
}

}  // namespace
}  // namespace rg::testing
