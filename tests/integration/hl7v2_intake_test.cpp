// HL7 v2 in, end to end (issue 12, "How it is checked"): the real gateway with its MLLP listener
// on loopback, `gatewayctl send-v2` as the clinic system sending REF^I12 over MLLP/TLS with the
// msk-clinic certificate (made by gatewayctl certs init at test time), and what the referral
// became read back over FHIR, from the events file and from the outbox. Feedback goes back to a
// real `referrer-sim --mllps`.
//
// The crash between commit and ACK is made exact with tests/support/sync_probe.cpp: preloaded
// into the gateway, it SIGKILLs the process at the first socket send after the WAL holding the
// marked referral was fsync'd - after the commit, before the ACK.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/hl7v2_clinic.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;

const std::string& certs() {
  return shared_certs_dir();
}

// One triage event of the events file.
struct triage_event {
  std::string subject;
  std::string priority;
  std::vector<std::string> flags;
};

class hl7v2_intake_test : public ::testing::Test {
 protected:
  void start_gateway(std::vector<std::string> sets = {}, std::vector<std::string> env = {}) {
    std::vector<std::string> all{"mllp.enabled=true", "mllp.port=0"};
    all.insert(all.end(), sets.begin(), sets.end());
    std::vector<std::string> argv;
    if (!env.empty()) {
      argv.push_back("/usr/bin/env");
      argv.insert(argv.end(), env.begin(), env.end());
    }
    for (auto& a : gateway_args(certs(), dir_, all)) argv.push_back(std::move(a));
    gateway_ = std::make_unique<child_process>(argv);
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
    ASSERT_GT(gateway_->port("mllp"), 0) << "the listening line names the MLLP port";
  }
  void stop_gateway() {
    gateway_->signal(SIGTERM);
    EXPECT_EQ(gateway_->wait(30s), 0) << gateway_->stderr_text();
    gateway_.reset();
  }

  // The clinic sends over MLLP/TLS as msk-clinic (or plain MLLP).
  v2_answer send(const std::string& message, bool tls = true) {
    return send_v2(dir_, gateway_->port("mllp"), message, tls);
  }

  https_client client(const std::string& who) const {
    return https_client(gateway_->port("https"), certs() + "/ca.crt", dev_identity(certs(), who));
  }

  // The ids of msk-clinic's referrals with this referral id (RF1-6).
  std::vector<std::string> referrals(const std::string& referral_id) {
    const auto a = client("msk-clinic").request("GET", "/fhir/ServiceRequest?identifier=" + referral_id);
    EXPECT_EQ(a.status, 200) << a.body;
    std::vector<std::string> ids;
    const auto d = parse(a.body);
    if (d.IsObject() && d.HasMember("entry")) {
      for (const auto& e : d["entry"].GetArray()) ids.push_back(string_at(e["resource"], "id"));
    }
    return ids;
  }

  // The Tasks the platform sees for a referral.
  std::vector<rapidjson::Document> tasks_of(const std::string& sr_id) {
    const auto a = client("platform").request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr_id);
    EXPECT_EQ(a.status, 200) << a.body;
    std::vector<rapidjson::Document> out;
    const auto d = parse(a.body);
    if (d.IsObject() && d.HasMember("entry")) {
      for (const auto& e : d["entry"].GetArray()) {
        rapidjson::Document t;
        t.CopyFrom(e["resource"], t.GetAllocator());
        out.push_back(std::move(t));
      }
    }
    return out;
  }

  std::vector<triage_event> events() const {
    std::vector<triage_event> out;
    for (const auto& line : event_file_lines(dir_.str("events.jsonl"))) {
      const auto d = parse(line);
      if (!d.IsObject() || !d.HasMember("data")) continue;
      triage_event e{string_at(d, "subject"), string_at(d["data"], "priority"), {}};
      if (d["data"].HasMember("flags")) {
        for (const auto& f : d["data"]["flags"].GetArray()) e.flags.emplace_back(f.GetString());
      }
      out.push_back(std::move(e));
    }
    return out;
  }
  std::vector<triage_event> events_about(const std::string& sr_id) const {
    std::vector<triage_event> out;
    for (auto& e : events()) {
      if (e.subject == "ServiceRequest/" + sr_id) out.push_back(std::move(e));
    }
    return out;
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(hl7v2_intake_test, a_ref_i12_over_mllps_creates_a_referral_readable_over_fhir_with_its_task_and_event) {
  start_gateway();
  const v2_answer a = send(clinic_referral());
  ASSERT_EQ(a.exit_code, 0) << a.ack << a.err;
  EXPECT_NE(a.ack.find("MSA|AA|RXX01-0001"), std::string::npos) << a.ack;

  const auto ids = referrals("REF-V2-0001");
  ASSERT_EQ(ids.size(), 1u);
  const auto read = client("msk-clinic").request("GET", "/fhir/ServiceRequest/" + ids[0]);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("urn:referral-gateway:hl7v2:referral-id:RXX01-MSK"), std::string::npos) << read.body;
  EXPECT_EQ(client("practice-a").request("GET", "/fhir/ServiceRequest/" + ids[0]).status, 404)
      << "another practice does not see the clinic's referral";

  const auto tasks = tasks_of(ids[0]);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(string_at(tasks[0], "status"), "requested");
  EXPECT_EQ(string_at(tasks[0], "priority"), "routine");
  ASSERT_TRUE(eventually([&] { return events_about(ids[0]).size() == 1; }));
  EXPECT_EQ(events_about(ids[0])[0].priority, "routine");
}

TEST_F(hl7v2_intake_test, an_item_9_risk_answer_makes_it_urgent_exactly_as_the_fhir_route_does) {
  start_gateway();
  const std::string item9 = "44260-8^PHQ-9 item 9^LN||0|";
  const v2_answer a = send(replaced(clinic_referral(), item9, "44260-8^PHQ-9 item 9^LN||1|"));
  ASSERT_EQ(a.exit_code, 0) << a.ack << a.err;
  const auto ids = referrals("REF-V2-0001");
  ASSERT_EQ(ids.size(), 1u);

  // The same answer sent as FHIR by a practice.
  std::string fhir = referral_fixture("REF-FHIR-9");
  ASSERT_NE(fhir.find("\"valueInteger\": 2"), std::string::npos);
  const auto created = client("practice-a").request("POST", "/fhir/ServiceRequest", fhir);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string fhir_id = string_at(parse(created.body), "id");

  ASSERT_TRUE(eventually([&] { return events_about(ids[0]).size() == 1 && events_about(fhir_id).size() == 1; }));
  const triage_event v2 = events_about(ids[0])[0];
  const triage_event rest = events_about(fhir_id)[0];
  EXPECT_EQ(v2.priority, "urgent");
  EXPECT_NE(std::find(v2.flags.begin(), v2.flags.end(), "risk-to-self"), v2.flags.end());
  EXPECT_EQ(v2.priority, rest.priority);
  EXPECT_NE(std::find(rest.flags.begin(), rest.flags.end(), "risk-to-self"), rest.flags.end());
  const auto tasks = tasks_of(ids[0]);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(string_at(tasks[0], "priority"), "urgent") << "on the work queue first";
}

TEST_F(hl7v2_intake_test, a_bad_nhs_number_is_ae_naming_pid_3_and_stores_nothing) {
  start_gateway();
  const v2_answer a = send(replaced(clinic_referral(), "9434765919^^^NHS", "9434765918^^^NHS"));
  EXPECT_EQ(a.exit_code, 1) << a.ack << a.err;
  EXPECT_NE(a.ack.find("MSA|AE|RXX01-0001"), std::string::npos) << a.ack;
  EXPECT_NE(a.ack.find("ERR|PID^1^3^"), std::string::npos) << a.ack;
  EXPECT_TRUE(referrals("REF-V2-0001").empty());
  EXPECT_TRUE(events().empty());
}

TEST_F(hl7v2_intake_test, a_repeated_control_id_gets_the_same_ack_and_creates_nothing_also_after_a_restart) {
  start_gateway();
  const v2_answer first = send(clinic_referral());
  ASSERT_EQ(first.exit_code, 0) << first.ack << first.err;
  const v2_answer again = send(clinic_referral());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.ack, first.ack) << "the first ACK, byte for byte";

  stop_gateway();
  start_gateway();
  const v2_answer after_restart = send(clinic_referral());
  EXPECT_EQ(after_restart.ack, first.ack) << "the claim of MSH-10 is durable";

  const auto ids = referrals("REF-V2-0001");
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(tasks_of(ids[0]).size(), 1u);
  ASSERT_TRUE(eventually([&] { return !events_about(ids[0]).empty(); }));
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(hl7v2_intake_test, killed_between_commit_and_ack_the_message_sent_again_makes_one_referral) {
  const std::string kill_file = dir_.str("kill-after-commit");
  std::ofstream(kill_file) << "on";
  start_gateway(
      {}, {std::string("LD_PRELOAD=") + RG_SYNC_PROBE, "RG_SYNC_PROBE_LOG=" + dir_.str("probe.log"),
           "RG_SYNC_PROBE_MARKER=RGKILL", "RG_SYNC_PROBE_KILL=" + kill_file, "ASAN_OPTIONS=verify_asan_link_order=0"});
  const std::string message = clinic_referral("RGKILL-MSG-1", "RGKILL-REF-1");
  const v2_answer lost = send(message);
  EXPECT_EQ(lost.exit_code, 3) << "no ACK: the gateway died first\n" << lost.ack << lost.err;
  EXPECT_EQ(gateway_->wait(20s), 128 + SIGKILL) << gateway_->stderr_text();
  EXPECT_NE(read_text(dir_.str("probe.log")).find("\nK "), std::string::npos) << "killed by the probe";

  start_gateway();
  const v2_answer resent = send(message);
  ASSERT_EQ(resent.exit_code, 0) << resent.ack << resent.err;
  EXPECT_NE(resent.ack.find("MSA|AA|RGKILL-MSG-1"), std::string::npos) << resent.ack;
  const auto ids = referrals("RGKILL-REF-1");
  ASSERT_EQ(ids.size(), 1u) << "the referral committed before the crash, and only it";
  EXPECT_EQ(tasks_of(ids[0]).size(), 1u);
  ASSERT_TRUE(eventually([&] { return !events_about(ids[0]).empty(); }));
  EXPECT_EQ(events_about(ids[0]).size(), 1u);
}

TEST_F(hl7v2_intake_test, without_tls_the_sender_is_its_msh_4_from_a_configured_address) {
  start_gateway({"mllp.tls=false",
                 R"(mllp.senders=[{"facility":"RXX01","addresses":["127.0.0.1","::1"],"caller":"msk-clinic"}])"});
  const v2_answer a = send(clinic_referral(), false);
  ASSERT_EQ(a.exit_code, 0) << a.ack << a.err;
  EXPECT_EQ(referrals("REF-V2-0001").size(), 1u);

  const v2_answer stranger =
      send(replaced(clinic_referral("RXX01-0002", "REF-V2-0002"), "|CLINIC-EHR|RXX01|", "|CLINIC-EHR|RYY99|"), false);
  EXPECT_EQ(stranger.exit_code, 1) << stranger.ack << stranger.err;
  EXPECT_NE(stranger.ack.find("MSA|AR|RXX01-0002"), std::string::npos) << stranger.ack;
  EXPECT_TRUE(referrals("REF-V2-0002").empty());
}

}  // namespace
}  // namespace rg::testing
