// The hl7v2 delivery port (adapters/delivery/hl7v2_sender) against a real referrer-sim --mllps
// process on loopback, over real mutual TLS with certificates made by gatewayctl certs init:
// what each acknowledgement (or its absence) becomes for the outbox.
#include "adapters/delivery/hl7v2_sender.hpp"

#include <gtest/gtest.h>

#include "gateway/core/feedback_message.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/task_builder.hpp"
#include "tests/support/delivery_port_test.hpp"
#include "tests/support/json_answers.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;
using gateway::core::delivery_result;
using kind = gateway::core::delivery_result::kind;

// A status-update feedback message as the outbox holds it for an hl7v2 referrer: the Task, the
// ServiceRequest and the Patient.
std::string feedback(const std::string& id) {
  auto task = gateway::core::build_initial_task(
      {"ServiceRequest/sr1", "Patient/p1", "RXX01", "PLT01", "2024-03-01T10:00:00Z", {}});
  task.AddMember("id", "t1", task.GetAllocator());
  const auto sr = parse(
      R"({"resourceType":"ServiceRequest","id":"sr1","identifier":[{"system":"urn:referral-gateway:hl7v2:referral-id:RXX01-MSK",)"
      R"("value":"REF-V2-0001"}],"status":"active","intent":"order","subject":{"reference":"Patient/p1"},)"
      R"("authoredOn":"2024-03-01","requester":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RXX01"}}})");
  const auto patient = parse(
      R"({"resourceType":"Patient","id":"p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9434765919"}]})");
  gateway::core::feedback_message_input in;
  in.message_id = id;
  in.timestamp = "2024-05-02T09:00:00Z";
  in.source_endpoint = "urn:referral-gateway:test";
  in.base_url = "https://gateway.example.org/fhir";
  in.destination = {"RXX01", "mllps://localhost:2575", true};
  in.task = &task;
  in.service_request = &sr;
  in.patient = &patient;
  return gateway::core::json::serialise(gateway::core::build_feedback_message(in));
}

gateway::core::outbox_entry item(const std::string& id) {
  gateway::core::outbox_entry e;
  e.item.id = id;
  e.item.channel = "feedback";
  e.item.destination = "RXX01";
  e.item.ordering_key = "sr1";
  e.item.content_type = "application/fhir+json";
  e.item.payload = feedback(id);
  return e;
}

class hl7v2_sender_test : public delivery_port_test {
 protected:
  void start_sim(std::vector<std::string> flags, bool tls = true) {
    start_referrer_sim(tls ? "--mllps" : "--mllp", "mllp", std::move(flags));
  }

  std::shared_ptr<gateway::delivery::hl7v2_sender> sender(bool tls = true) {
    gateway::net::mllp_client_options o;
    o.connect_timeout = 5s;
    o.answer_timeout = 1s;
    const std::string url = std::string(tls ? "mllps" : "mllp") + "://localhost:" + std::to_string(port_);
    auto made = gateway::delivery::hl7v2_sender::create(ioc_.get_executor(), url, gateway_tls(), o, {});
    if (auto* e = std::get_if<std::string>(&made)) {
      ADD_FAILURE() << *e;
      return nullptr;
    }
    return std::get<std::shared_ptr<gateway::delivery::hl7v2_sender>>(made);
  }
};

TEST_F(hl7v2_sender_test, an_aa_over_mutual_tls_delivers_the_rri_i12) {
  start_sim({});
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(1)));
  EXPECT_TRUE(gateway::core::is_delivered(r)) << gateway::core::describe(r);
  const auto lines = recorded_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"type\":\"RRI^I12\""), std::string::npos);
  EXPECT_NE(lines[0].find("REF-V2-0001^RXX01-MSK"), std::string::npos);  // RF1-6: the clinic's own id
  EXPECT_NE(lines[0].find("9434765919^^^NHS^NH"), std::string::npos);
  // A retry of the same item repeats the same MSH-10: the receiver drops it as a duplicate.
  EXPECT_TRUE(gateway::core::is_delivered(deliver(*s, item(numbered_uuid(1)))));
  EXPECT_EQ(recorded_lines().size(), 1u);
  EXPECT_EQ(s->client().connections_opened(), 1u);  // one connection for both
}

TEST_F(hl7v2_sender_test, plain_mllp_works_too) {
  start_sim({}, false);
  auto s = sender(false);
  ASSERT_TRUE(s);
  EXPECT_TRUE(gateway::core::is_delivered(deliver(*s, item(numbered_uuid(2)))));
}

TEST_F(hl7v2_sender_test, an_ae_is_dead_lettered_with_the_err_text) {
  start_sim({"--ack", "AE"});
  auto s = sender();
  const auto r = deliver(*s, item(numbered_uuid(3)));
  EXPECT_EQ(r.what, kind::permanent_failure);
  EXPECT_NE(r.detail.find("RRI^I12 answered AE: PID-3: simulated error: patient not known here"), std::string::npos)
      << r.detail;
  EXPECT_EQ(decide_after_first_attempt(r).what, gateway::core::next_action::kind::dead);
  EXPECT_TRUE(recorded_lines().empty());
}

TEST_F(hl7v2_sender_test, an_ar_is_retried) {
  start_sim({"--ack", "AR"});
  auto s = sender();
  const auto r = deliver(*s, item(numbered_uuid(4)));
  EXPECT_EQ(r.what, kind::transient_failure) << r.detail;
  EXPECT_EQ(decide_after_first_attempt(r).what, gateway::core::next_action::kind::retry);
}

TEST_F(hl7v2_sender_test, silence_is_a_timeout_that_is_retried_and_the_next_attempt_delivers) {
  start_sim({"--ack", "silence", "--ack-first", "1"});
  auto s = sender();
  const auto first = deliver(*s, item(numbered_uuid(5)));
  EXPECT_EQ(first.what, kind::timeout) << first.detail;
  EXPECT_EQ(decide_after_first_attempt(first).what, gateway::core::next_action::kind::retry);
  EXPECT_TRUE(gateway::core::is_delivered(deliver(*s, item(numbered_uuid(5)))));
  EXPECT_EQ(s->client().connections_opened(), 2u);  // the silent connection was not reused
  EXPECT_EQ(recorded_lines().size(), 1u);
}

TEST_F(hl7v2_sender_test, an_ack_for_another_message_is_retried_on_a_new_connection) {
  start_sim({"--ack", "wrong-id", "--ack-first", "1"});
  auto s = sender();
  const auto first = deliver(*s, item(numbered_uuid(6)));
  EXPECT_EQ(first.what, kind::transient_failure);
  EXPECT_NE(first.detail.find("an ACK for another message"), std::string::npos) << first.detail;
  EXPECT_TRUE(gateway::core::is_delivered(deliver(*s, item(numbered_uuid(6)))));
  EXPECT_EQ(s->client().connections_opened(), 2u);
}

TEST_F(hl7v2_sender_test, garbage_is_retried) {
  start_sim({"--ack", "garbage"});
  auto s = sender();
  const auto r = deliver(*s, item(numbered_uuid(7)));
  EXPECT_EQ(r.what, kind::transient_failure);
  EXPECT_NE(r.detail.find("not an ACK"), std::string::npos) << r.detail;
}

TEST_F(hl7v2_sender_test, a_message_that_cannot_be_written_as_v2_is_dead_lettered) {
  start_sim({});
  auto s = sender();
  auto e = item(numbered_uuid(8));
  e.item.payload = R"({"resourceType":"Bundle","type":"message","entry":[]})";
  const auto r = deliver(*s, e);
  EXPECT_EQ(r.what, kind::permanent_failure);
  EXPECT_NE(r.detail.find("cannot write the feedback as HL7 v2"), std::string::npos);
}

TEST_F(hl7v2_sender_test, a_peer_certificate_the_gateway_does_not_trust_is_a_tls_failure) {
  temp_dir other;
  ASSERT_EQ(run_command({gatewayctl_binary(), "certs", "init", "--dir", other.str()}).exit_code, 0);
  start_referrer_sim("--mllps", "mllp", {}, other.str());
  auto s = sender();
  const auto r = deliver(*s, item(numbered_uuid(9)));
  EXPECT_EQ(r.what, kind::tls_failure);
  EXPECT_NE(r.detail.find("certificate verify failed"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace rg::testing
