// HL7 v2 feedback out, end to end (issue 12): the MSK clinic (RXX01) refers over MLLP/TLS and is
// configured with delivery mode "hl7v2" pointing at a real `referrer-sim --mllps`; the platform
// moves the Task and records outcomes over FHIR; what the simulator recorded is compared with
// what the clinic must receive, in order. The simulator's --ack flag plays the clinic's system
// answering AE (dead-letter with the ERR text) or staying silent (retried until an AA).
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/hl7v2_clinic.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"
#include "tests/support/referrer_sim.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;

const std::string& certs() {
  return shared_certs_dir();
}

// One v2 message as referrer-sim recorded it.
struct recorded_v2 {
  std::string type;  // RRI^I12, ORU^R01
  std::string message;
};

struct outbox_row {
  std::string state;
  std::string last_error;
  std::int64_t attempts = 0;
};

class hl7v2_feedback_test : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& sim_flags) {
    sim_ = std::make_unique<child_process>(
        referrer_sim_argv({"--mllps", certs(), {}, dir_.str("received.jsonl"), sim_flags}));
    ASSERT_TRUE(sim_->started()) << sim_->stderr_text();
    std::vector<std::string> sets = delivery_test_settings(certs());
    sets.insert(sets.end(), {"mllp.enabled=true", "mllp.port=0", "referrers.2.delivery=hl7v2",
                             "referrers.2.endpoint=mllps://localhost:" + std::to_string(sim_->port("mllp")),
                             "delivery.connect_timeout_ms=2000", "delivery.request_timeout_ms=1000"});
    gateway_ = std::make_unique<child_process>(gateway_args(certs(), dir_, sets));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }

  https_client client(const std::string& who) const {
    return https_client(gateway_->port("https"), certs() + "/ca.crt", dev_identity(certs(), who));
  }

  // The clinic refers over MLLP/TLS; returns the ServiceRequest id and its Patient reference.
  std::pair<std::string, std::string> refer() {
    const v2_answer sent = send_v2(dir_, gateway_->port("mllp"), clinic_referral());
    EXPECT_EQ(sent.exit_code, 0) << sent.ack << sent.err;
    const auto found = client("msk-clinic").request("GET", "/fhir/ServiceRequest?identifier=REF-V2-0001");
    const auto d = parse(found.body);
    if (!d.IsObject() || !d.HasMember("entry") || d["entry"].Empty()) {
      ADD_FAILURE() << found.body;
      return {};
    }
    const auto& sr = d["entry"][0]["resource"];
    return {string_at(sr, "id"), string_at(sr["subject"], "reference")};
  }

  void move_task(const std::string& sr_id, const char* status) {
    auto platform = client("platform");
    const auto search = parse(platform.request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr_id).body);
    ASSERT_TRUE(search.IsObject() && search.HasMember("entry") && !search["entry"].Empty());
    const std::string id = string_at(search["entry"][0]["resource"], "id");
    const auto task = platform.request("GET", "/fhir/Task/" + id);
    auto d = parse(task.body);
    d.RemoveMember("meta");
    d["status"].SetString(status, d.GetAllocator());
    const auto r = platform.request("PUT", "/fhir/Task/" + id, serialise(d), {{"If-Match", task.header("etag")}});
    ASSERT_EQ(r.status, 200) << status << ": " << r.body;
  }

  void post_score(const std::pair<std::string, std::string>& sr, const char* loinc, int value) {
    const std::string body =
        std::string(
            R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")") +
        loinc + R"("}]},"subject":{"reference":")" + sr.second + R"("},"basedOn":[{"reference":"ServiceRequest/)" +
        sr.first + R"("}],"effectiveDateTime":"2024-05-01T09:00:00Z","valueInteger":)" + std::to_string(value) + "}";
    const auto r = client("platform").request("POST", "/fhir/Observation", body);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  std::vector<recorded_v2> received() const {
    std::vector<recorded_v2> out;
    const std::string text = read_text(dir_.str("received.jsonl"));
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      const auto d = parse(text.substr(start, end - start));
      out.push_back({string_at(d, "type"), string_at(d, "message")});
    }
    return out;
  }

  std::vector<outbox_row> feedback_outbox() const {
    const auto a = operator_request(gateway_->port("https"), certs(), "GET", "/outbox?channel=feedback&count=100");
    EXPECT_EQ(a.status, 200) << a.body;
    std::vector<outbox_row> rows;
    const auto d = parse(a.body);
    if (!d.IsObject() || !d.HasMember("items")) return rows;
    for (const auto& e : d["items"].GetArray()) {
      rows.push_back({string_at(e, "state"), string_at(e, "last_error"),
                      e.HasMember("attempts") && e["attempts"].IsInt64() ? e["attempts"].GetInt64() : -1});
    }
    return rows;
  }

  temp_dir dir_;
  std::unique_ptr<child_process> sim_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(hl7v2_feedback_test, task_changes_arrive_as_rri_i12_in_order_and_outcomes_as_oru_r01) {
  start({});
  ASSERT_FALSE(HasFatalFailure());
  const auto sr = refer();
  ASSERT_FALSE(sr.first.empty());
  for (const char* status : {"received", "accepted", "in-progress"}) move_task(sr.first, status);
  // A PHQ-9 total without item 9: triage runs again on the later Observation and raises the
  // flag risk-not-assessed (issue 9), so the Task gains a version and the clinic hears of it in
  // an RRI^I12 of its own, between the outcome report and the completion.
  post_score(sr, "44261-6", 7);
  move_task(sr.first, "completed");
  ASSERT_FALSE(HasFatalFailure());

  std::vector<recorded_v2> got;
  ASSERT_TRUE(eventually([&] { return (got = received()).size() >= 7; })) << got.size();
  std::vector<std::string> types;
  for (const auto& m : got) types.push_back(m.type);
  EXPECT_EQ(types,
            (std::vector<std::string>{"RRI^I12", "RRI^I12", "RRI^I12", "ORU^R01", "RRI^I12", "RRI^I12", "ORU^R01"}));
  // RF1-1 follows the Task (HL7 table 0283: received P, accepted/in-progress/completed A; NTE the
  // exact status), RF1-6 is the clinic's own referral id, PID the patient.
  const char* statuses[] = {"RF1|P^", "RF1|A^", "RF1|A^", "", "RF1|A^", "RF1|A^"};
  const char* notes[] = {"Status: received",    "Status: accepted", "Status: in-progress", "",
                         "Status: in-progress", "Status: completed"};
  for (std::size_t i : {0u, 1u, 2u, 4u, 5u}) {
    EXPECT_NE(got[i].message.find(statuses[i]), std::string::npos) << i << ": " << got[i].message;
    EXPECT_NE(got[i].message.find(notes[i]), std::string::npos) << i << ": " << got[i].message;
  }
  // The escalation's RRI^I12 says what rose (NTE-3 after the status, from MessageHeader.reason);
  // the others do not.
  EXPECT_NE(got[4].message.find("~Note: Escalated by first-line triage on a later change"), std::string::npos)
      << got[4].message;
  EXPECT_NE(got[4].message.find("risk-not-assessed"), std::string::npos) << got[4].message;
  for (std::size_t i : {0u, 1u, 2u, 5u}) EXPECT_EQ(got[i].message.find("~Note: "), std::string::npos) << got[i].message;
  for (const auto& m : got) {
    EXPECT_NE(m.message.find("9434765919^^^NHS"), std::string::npos) << m.message;
    if (m.type == "RRI^I12") {
      EXPECT_NE(m.message.find("REF-V2-0001^RXX01-MSK"), std::string::npos) << m.message;
    }
  }
  EXPECT_NE(got[3].message.find("OBX|1|NM|44261-6^"), std::string::npos) << got[3].message;
  EXPECT_NE(got[6].message.find("OBX|1|NM|44261-6^"), std::string::npos) << got[6].message;
  // The simulator answered AA to each; the gateway records each as delivered once it has read the ACK.
  std::vector<outbox_row> rows;
  EXPECT_TRUE(eventually([&] {
    rows = feedback_outbox();
    return rows.size() == 6 &&
           std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.state == "delivered"; });
  })) << (rows.empty() ? std::string("no feedback items") : rows.back().state + ": " + rows.back().last_error);
  EXPECT_EQ(received().size(), 7u) << "nothing more arrived";
}

TEST_F(hl7v2_feedback_test, an_ae_is_dead_lettered_with_its_err_text) {
  start({"--ack", "AE"});
  ASSERT_FALSE(HasFatalFailure());
  const auto sr = refer();
  ASSERT_FALSE(sr.first.empty());
  move_task(sr.first, "received");
  std::vector<outbox_row> rows;
  ASSERT_TRUE(eventually([&] { return (rows = feedback_outbox()).size() == 1 && rows[0].state == "dead"; }));
  EXPECT_NE(rows[0].last_error.find("AE"), std::string::npos) << rows[0].last_error;
  EXPECT_NE(rows[0].last_error.find("PID-3"), std::string::npos) << rows[0].last_error;
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_TRUE(received().empty());
}

TEST_F(hl7v2_feedback_test, silence_is_retried_until_the_clinic_answers) {
  start({"--ack", "silence", "--ack-first", "1"});
  ASSERT_FALSE(HasFatalFailure());
  const auto sr = refer();
  ASSERT_FALSE(sr.first.empty());
  move_task(sr.first, "received");
  std::vector<outbox_row> rows;
  ASSERT_TRUE(eventually([&] { return (rows = feedback_outbox()).size() == 1 && rows[0].state == "delivered"; }));
  EXPECT_GE(rows[0].attempts, 2) << "the silent first attempt timed out and was retried";
  EXPECT_EQ(received().size(), 1u);
}

}  // namespace
}  // namespace rg::testing
