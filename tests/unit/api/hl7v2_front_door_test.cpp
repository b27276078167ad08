// The HL7 v2 front door's decisions (which ACK, when the use case is asked) with an in-memory
// referral port standing in for the use case behind the seam.
#include "gateway/api/hl7v2/mllp_front_door.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "adapters/hl7v2/ack_message.hpp"
#include "adapters/hl7v2/er7_parser.hpp"
#include "fhir/json_view.hpp"

namespace gateway::api::hl7v2 {
namespace {

namespace asio = boost::asio;
namespace v2 = gateway::hl7v2;

std::string fixture() {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/tests/data/hl7v2/ref-i12-msk-clinic.hl7", std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture lacks " + from);
  return text.replace(at, from.size(), to);
}

// Keeps what was submitted and claims control ids like the real unit of work does.
class memory_port final : public referral_port {
 public:
  void find_message(std::string organisation, std::string control_id,
                    core::store_callback<message_lookup> done) override {
    message_lookup l;
    if (unavailable) l.unavailable = fhir::make_outcome(fhir::severity::error, fhir::issue_code::processing, "down");
    const auto it = claims.find(organisation + "|" + control_id);
    if (it != claims.end()) l.found = it->second;
    done(std::move(l));
  }
  void submit(referral_submission s, core::store_callback<submission_outcome> done) override {
    ++submitted;
    last_requester =
        std::string(fhir::json::string_member((*s.bundle)["entry"][2]["resource"]["identifier"][0], "value"));
    last_caller = s.who.name;
    submission_outcome o = next;
    o.audited = o.what == submission_outcome::kind::created;  // in the unit of work, like the use case
    if (o.what == submission_outcome::kind::created) {
      claims[s.who.organisation + "|" + s.message_control_id] = {o.service_request_id, o.committed_at};
    }
    done(std::move(o));
  }
  void record(message_record r, core::store_callback<bool> done) override {
    records.push_back(std::move(r));
    done(!audit_down);
  }

  std::map<std::string, acknowledged_message> claims;
  std::vector<message_record> records;
  bool audit_down = false;
  submission_outcome next{submission_outcome::kind::created,
                          "sr-1",
                          std::chrono::sys_days{std::chrono::year{2024} / 3 / 1} + std::chrono::hours{10},
                          {}};
  bool unavailable = false;
  int submitted = 0;
  std::string last_requester, last_caller;
};

std::vector<config::caller> callers() {
  config::caller msk;
  msk.name = "msk-clinic";
  msk.sha256 = std::string(64, 'a');
  msk.role = config::caller_role::referrer;
  msk.organization = "RXX01";
  return {msk};
}

struct front_door_fixture {
  memory_port port;
  caller_registry certificates{callers()};
  sender_identity senders{&certificates, {{"RXX01", {"127.0.0.1"}, "msk-clinic"}}, callers()};
  mllp_front_door door{port, senders};

  net::mllp_answer send(const std::string& text, std::string remote = "127.0.0.1",
                        const net::peer_identity* peer = nullptr) {
    static const net::peer_identity anonymous;
    asio::io_context io;
    net::mllp_context ctx{"mllp", peer ? peer : &anonymous, std::move(remote)};
    auto answer = asio::co_spawn(io, door.handle(text, ctx), asio::use_future);
    io.run();
    return answer.get();
  }
};

v2::received_ack ack_of(const net::mllp_answer& a) {
  auto r = v2::read_ack(a.message);
  if (!r) throw std::runtime_error(r.error());
  return *r;
}

TEST(Hl7v2FrontDoor, AReferralIsAcknowledgedAaAfterTheUseCaseStoredIt) {
  front_door_fixture f;
  const auto answer = f.send(fixture());
  const auto ack = ack_of(answer);
  EXPECT_EQ(ack.code, v2::ack_code::aa) << ack.error_text;
  EXPECT_EQ(ack.acknowledged_id, "RXX01-0001");
  EXPECT_FALSE(answer.close_after);
  EXPECT_EQ(f.port.submitted, 1);
  EXPECT_EQ(f.port.last_requester, "RXX01");  // the identified sender's organisation
  EXPECT_EQ(f.port.last_caller, "msk-clinic");
  auto parsed = v2::parse_er7(answer.message);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->header().raw(7), "20240301100000+0000");  // the commit time
}

TEST(Hl7v2FrontDoor, ARepeatedControlIdGetsTheSameAckAndCreatesNothing) {
  front_door_fixture f;
  const auto first = f.send(fixture());
  const auto again = f.send(fixture());
  EXPECT_EQ(again.message, first.message);
  EXPECT_EQ(f.port.submitted, 1);
}

TEST(Hl7v2FrontDoor, EachMessageTheUseCaseDidNotRecordGetsOneRecordAndArWhenItCannotBeStored) {
  front_door_fixture f;
  ASSERT_EQ(ack_of(f.send(fixture())).code, v2::ack_code::aa);
  EXPECT_TRUE(f.port.records.empty()) << "a created referral's record is in its unit of work";
  ASSERT_EQ(ack_of(f.send(fixture())).code, v2::ack_code::aa);  // the same control id again
  ASSERT_EQ(f.port.records.size(), 1u);
  EXPECT_FALSE(f.port.records[0].create);
  EXPECT_TRUE(f.port.records[0].accepted);
  EXPECT_EQ(f.port.records[0].service_request_id, "sr-1");
  EXPECT_EQ(f.port.records[0].who.name, "msk-clinic");
  EXPECT_TRUE(f.send(fixture(), "10.1.2.3").close_after);  // an unknown sender
  ASSERT_EQ(f.port.records.size(), 2u);
  EXPECT_FALSE(f.port.records[1].accepted);
  EXPECT_TRUE(f.port.records[1].who.name.empty());
  f.port.audit_down = true;
  const auto ack = ack_of(f.send(fixture()));
  EXPECT_EQ(ack.code, v2::ack_code::ar) << "answered without its record";
  EXPECT_NE(ack.error_text.find("audit trail"), std::string::npos);
}

TEST(Hl7v2FrontDoor, AnUnknownSenderIsRejectedAndTheConnectionClosed) {
  front_door_fixture f;
  for (const auto& [text, remote] : std::vector<std::pair<std::string, std::string>>{
           {fixture(), "10.1.2.3"}, {with(fixture(), "|CLINIC-EHR|RXX01|", "|CLINIC-EHR|A81001|"), "127.0.0.1"}}) {
    const auto answer = f.send(text, remote);
    EXPECT_EQ(ack_of(answer).code, v2::ack_code::ar);
    EXPECT_TRUE(answer.close_after);
    EXPECT_NE(ack_of(answer).error_text.find("not a known sender"), std::string::npos);
  }
  EXPECT_EQ(f.port.submitted, 0);
}

TEST(Hl7v2FrontDoor, OverTlsTheCertificateDecides) {
  front_door_fixture f;
  net::peer_identity peer;
  peer.present = true;
  peer.sha256 = std::string(64, 'a');
  // Any MSH-4 and any address: the certificate is the identity.
  EXPECT_EQ(ack_of(f.send(with(fixture(), "|RXX01|REFERRAL", "|SOMEWHERE|REFERRAL"), "10.9.9.9", &peer)).code,
            v2::ack_code::aa);
  net::peer_identity stranger;
  stranger.present = true;
  stranger.sha256 = std::string(64, 'b');
  EXPECT_EQ(ack_of(f.send(fixture(), "127.0.0.1", &stranger)).code, v2::ack_code::ar);
}

TEST(Hl7v2FrontDoor, WhatTheHeaderRulesOutIsAr) {
  front_door_fixture f;
  const auto answer = f.send(with(fixture(), "|REF^I12^REF_I12|", "|ADT^A01^ADT_A01|"));
  const auto ack = ack_of(answer);
  EXPECT_EQ(ack.code, v2::ack_code::ar);
  EXPECT_NE(ack.error_text.find("MSH-9"), std::string::npos);
  EXPECT_FALSE(answer.close_after);
  EXPECT_EQ(f.port.submitted, 0);
}

TEST(Hl7v2FrontDoor, ContentProblemsAreAeNamingTheField) {
  front_door_fixture f;
  const auto ack = ack_of(f.send(with(fixture(), "|REF-V2-0001^RXX01-MSK|", "||")));
  EXPECT_EQ(ack.code, v2::ack_code::ae);
  EXPECT_EQ(ack.error_text.rfind("RF1-6: ", 0), 0u) << ack.error_text;
  EXPECT_EQ(f.port.submitted, 0);
}

TEST(Hl7v2FrontDoor, TheUseCasesRefusalIsAeNamedByV2Field) {
  front_door_fixture f;
  f.port.next = {submission_outcome::kind::refused,
                 "",
                 {},
                 fhir::make_outcome(fhir::severity::error, fhir::issue_code::value, "the NHS number is not valid")};
  f.port.next.issues.issues[0].expression = "Bundle.entry[1].resource.identifier[0].value";
  const auto ack = ack_of(f.send(fixture()));
  EXPECT_EQ(ack.code, v2::ack_code::ae);
  EXPECT_EQ(ack.error_text, "PID-3: the NHS number is not valid");
  // Nothing was claimed: sending it again (corrected or not) is judged again.
  EXPECT_TRUE(f.port.claims.empty());
}

TEST(Hl7v2FrontDoor, StorageThatCannotTakeItNowIsAr) {
  front_door_fixture f;
  f.port.next = {submission_outcome::kind::not_now,
                 "",
                 {},
                 fhir::make_outcome(fhir::severity::error, fhir::issue_code::processing, "storage is busy")};
  EXPECT_EQ(ack_of(f.send(fixture())).code, v2::ack_code::ar);
  f.port.unavailable = true;
  EXPECT_EQ(ack_of(f.send(fixture())).code, v2::ack_code::ar);
}

TEST(Hl7v2FrontDoor, AReferralStoredBeforeUnderItsIdIsAa) {
  front_door_fixture f;
  f.port.next = {submission_outcome::kind::repeat_referral, "sr-0", {}, {}};
  EXPECT_EQ(ack_of(f.send(fixture())).code, v2::ack_code::aa);
}

TEST(Hl7v2FrontDoor, UnparseableMessages) {
  front_door_fixture f;
  // MSH-10 readable: AE naming where, the connection stays.
  const auto bad_escape = f.send(with(fixture(), "Widespread pain", "Widespread \\Q\\ pain"));
  EXPECT_EQ(ack_of(bad_escape).code, v2::ack_code::ae);
  EXPECT_EQ(ack_of(bad_escape).error_text.rfind("NTE[2]-3: ", 0), 0u) << ack_of(bad_escape).error_text;
  EXPECT_FALSE(bad_escape.close_after);
  // Not even MSH: AR with an empty MSA-2, and closed.
  const auto garbage = f.send("hello");
  EXPECT_EQ(ack_of(garbage).code, v2::ack_code::ar);
  EXPECT_EQ(ack_of(garbage).acknowledged_id, "");
  EXPECT_TRUE(garbage.close_after);
  EXPECT_EQ(f.port.submitted, 0);
}

TEST(Hl7v2FrontDoor, ACutFrameIsAnsweredWhenItsControlIdIsReadable) {
  front_door_fixture f;
  const net::peer_identity anonymous;
  const net::mllp_context ctx{"mllp", &anonymous, "127.0.0.1"};
  const std::string answer = f.door.malformed("incomplete MLLP frame", fixture().substr(0, 200), ctx);
  auto ack = v2::read_ack(answer);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->code, v2::ack_code::ar);
  EXPECT_EQ(ack->acknowledged_id, "RXX01-0001");
  EXPECT_EQ(f.door.malformed("data outside an MLLP frame", "GET / HTTP/1.1", ctx), "");
}

}  // namespace
}  // namespace gateway::api::hl7v2
