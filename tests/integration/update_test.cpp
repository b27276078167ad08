// Updates and outcomes through the real binary over mutual TLS: PUT /ServiceRequest (If-Match,
// revoke), PUT /Task along the FHIR Task state machine, POST of outcomes, the access matrix for
// them, and — after a clean SIGTERM — the feedback messages in the real SQLite outbox.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <signal.h>

#include <fstream>
#include <future>
#include <map>
#include <sstream>

#include "adapters/sqlite/sqlite_store.hpp"
#include "fhir/validator.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/gateway_test.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"

namespace rg::testing {
namespace {

// The contained-Patient referral from practice-a, with its own referral number.
std::string referral(const std::string& number) {
  std::string body = read_text(source_dir() + "/tests/data/core/servicerequest-contained.json");
  const std::string old_number = "REF-2024-0001";
  body.replace(body.find(old_number), old_number.size(), number);
  return body;
}

// A stored resource made ready to PUT back: meta dropped, `edit` applied.
template <class Edit>
std::string edited(const std::string& stored, Edit edit) {
  auto d = parse(stored);
  d.RemoveMember("meta");
  edit(d, d.GetAllocator());
  return serialise(d);
}

void set_string(rapidjson::Document& d, const char* name, const std::string& value) {
  d.RemoveMember(name);
  d.AddMember(rapidjson::StringRef(name), rapidjson::Value(value.c_str(), d.GetAllocator()), d.GetAllocator());
}

std::string score(const std::string& sr_id, const std::string& patient_ref, const char* loinc, int value,
                  const char* when) {
  return std::string(
             R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")") +
         loinc + R"("}]},"subject":{"reference":")" + patient_ref + R"("},"basedOn":[{"reference":"ServiceRequest/)" +
         sr_id + R"("}],"effectiveDateTime":")" + when + R"(","valueInteger":)" + std::to_string(value) + "}";
}

struct created_referral {
  std::string id;
  std::string patient_ref;
  std::string body;
};

class update_test : public gateway_test {
 protected:
  created_referral create(https_client& a, const std::string& number) {
    const auto r = a.request("POST", "/fhir/ServiceRequest", referral(number));
    EXPECT_EQ(r.status, 201) << r.body;
    const auto d = parse(r.body);
    return {string_at(d, "id"), d.HasMember("subject") ? string_at(d["subject"], "reference") : "", r.body};
  }

  // The referral's Task as the platform reads it: {id, body, etag}.
  http_answer task_of(https_client& platform, const std::string& sr_id) {
    const auto search = platform.request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr_id);
    EXPECT_EQ(search.status, 200) << search.body;
    const auto bundle = parse(search.body);
    if (!bundle.HasMember("entry") || bundle["entry"].Empty()) {
      ADD_FAILURE() << "no Task for the referral: " << search.body;
      return {};
    }
    const std::string id = string_at(bundle["entry"][0]["resource"], "id");
    return platform.request("GET", "/fhir/Task/" + id);
  }

  // PUT the Task with a new status, pinned to the version just read.
  http_answer move_task(https_client& platform, const std::string& sr_id, const char* status) {
    const auto task = task_of(platform, sr_id);
    const std::string id = string_at(parse(task.body), "id");
    const std::string body = edited(task.body, [&](rapidjson::Document& d, auto&) { set_string(d, "status", status); });
    return platform.request("PUT", "/fhir/Task/" + id, body, {{"If-Match", task.header("etag")}});
  }
};

TEST_F(update_test, put_with_a_stale_if_match_is_412_and_the_identifier_may_not_change) {
  auto a = client("practice-a");
  const auto sr = create(a, "UPD-1");
  const std::string changed = edited(sr.body, [](rapidjson::Document& d, auto& alloc) {
    d["note"][0]["text"].SetString("Now prefers video calls.", alloc);
  });
  auto r = a.request("PUT", "/fhir/ServiceRequest/" + sr.id, changed, {{"If-Match", "W/\"1\""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("etag"), "W/\"2\"");
  EXPECT_NE(r.body.find("Now prefers video calls."), std::string::npos);
  EXPECT_NE(r.body.find("\"subject\":{\"reference\":\"" + sr.patient_ref + "\"}"), std::string::npos)
      << "the subject stays the stored Patient";

  r = a.request("PUT", "/fhir/ServiceRequest/" + sr.id, changed, {{"If-Match", "W/\"1\""}});
  EXPECT_EQ(r.status, 412) << r.body;
  EXPECT_NE(r.body.find("OperationOutcome"), std::string::npos);

  const std::string other_identifier = edited(sr.body, [](rapidjson::Document& d, auto& alloc) {
    d["identifier"][0]["value"].SetString("UPD-1-CHANGED", alloc);
  });
  r = a.request("PUT", "/fhir/ServiceRequest/" + sr.id, other_identifier, {{"If-Match", "W/\"2\""}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("\"ServiceRequest.identifier\""), std::string::npos) << r.body;
}

TEST_F(update_test, revoking_the_referral_cancels_its_task) {
  auto a = client("practice-a");
  auto platform = client("platform");
  const auto sr = create(a, "UPD-2");
  const std::string revoked =
      edited(sr.body, [](rapidjson::Document& d, auto& alloc) { d["status"].SetString("revoked", alloc); });
  const auto r = a.request("PUT", "/fhir/ServiceRequest/" + sr.id, revoked);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"status\":\"revoked\""), std::string::npos);
  const auto task = task_of(platform, sr.id);
  EXPECT_EQ(string_at(parse(task.body), "status"), "cancelled") << task.body;
  EXPECT_EQ(task.header("etag"), "W/\"2\"");
  // A revoked referral is final.
  const auto again = a.request("PUT", "/fhir/ServiceRequest/" + sr.id, revoked);
  EXPECT_EQ(again.status, 422) << again.body;
}

TEST_F(update_test, only_the_referrer_changes_its_referral) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  auto platform = client("platform");
  const auto sr = create(a, "UPD-3");
  const std::string body = edited(sr.body, [](rapidjson::Document&, auto&) {});
  const auto by_b = b.request("PUT", "/fhir/ServiceRequest/" + sr.id, body);
  EXPECT_EQ(by_b.status, 404) << "as missing: " << by_b.body;
  EXPECT_EQ(b.request("PUT", "/fhir/ServiceRequest/no-such-id", body).status, 404);
  EXPECT_EQ(platform.request("PUT", "/fhir/ServiceRequest/" + sr.id, body).status, 403);
  EXPECT_EQ(a.request("GET", "/fhir/ServiceRequest/" + sr.id).header("etag"), "W/\"1\"") << "nothing changed";
}

TEST_F(update_test, the_platform_moves_the_task_along_the_state_machine_only) {
  auto a = client("practice-a");
  auto platform = client("platform");
  const auto sr = create(a, "UPD-4");
  for (const char* status : {"received", "accepted", "in-progress", "completed"}) {
    const auto r = move_task(platform, sr.id, status);
    ASSERT_EQ(r.status, 200) << status << ": " << r.body;
    EXPECT_EQ(string_at(parse(r.body), "status"), status);
  }
  const auto back = move_task(platform, sr.id, "in-progress");
  EXPECT_EQ(back.status, 422) << back.body;
  EXPECT_NE(back.body.find("from 'completed' to 'in-progress'"), std::string::npos) << back.body;
  EXPECT_NE(back.body.find("\"Task.status\""), std::string::npos) << back.body;

  const auto sr2 = create(a, "UPD-4b");
  const auto skip = move_task(platform, sr2.id, "completed");
  EXPECT_EQ(skip.status, 422) << "requested -> completed skips the work: " << skip.body;

  const auto task = task_of(platform, sr2.id);
  const std::string id = string_at(parse(task.body), "id");
  const std::string unknown_business = edited(task.body, [](rapidjson::Document& d, auto& alloc) {
    d["businessStatus"]["coding"][0]["code"].SetString("no-such-code", alloc);
  });
  const auto r = platform.request("PUT", "/fhir/Task/" + id, unknown_business);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("Task.businessStatus"), std::string::npos) << r.body;

  const auto stale =
      platform.request("PUT", "/fhir/Task/" + id, edited(task.body, [](auto&, auto&) {}), {{"If-Match", "W/\"7\""}});
  EXPECT_EQ(stale.status, 412) << stale.body;
}

TEST_F(update_test, a_referrer_cannot_put_a_task) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  auto platform = client("platform");
  const auto sr = create(a, "UPD-5");
  const auto task = task_of(platform, sr.id);
  const std::string id = string_at(parse(task.body), "id");
  const std::string body =
      edited(task.body, [](rapidjson::Document& d, auto&) { set_string(d, "status", "received"); });
  EXPECT_EQ(a.request("PUT", "/fhir/Task/" + id, body).status, 403) << "its own referral's Task";
  EXPECT_EQ(b.request("PUT", "/fhir/Task/" + id, body).status, 404) << "another's, as missing";
  EXPECT_EQ(task_of(platform, sr.id).header("etag"), "W/\"1\"");
}

TEST_F(update_test, outcomes_posted_by_the_platform_are_readable_by_the_referrer_only) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  auto platform = client("platform");
  const auto sr = create(a, "UPD-6");
  const auto phq9 = platform.request("POST", "/fhir/Observation",
                                     score(sr.id, sr.patient_ref, "44261-6", 18, "2024-03-01T09:00:00Z"));
  ASSERT_EQ(phq9.status, 201) << phq9.body;
  EXPECT_NE(phq9.header("location").find("/fhir/Observation/"), std::string::npos);
  const auto gad7 = platform.request("POST", "/fhir/Observation",
                                     score(sr.id, sr.patient_ref, "70274-6", 15, "2024-03-01T09:05:00Z"));
  ASSERT_EQ(gad7.status, 201) << gad7.body;
  for (const auto* posted : {&phq9, &gad7}) {
    const std::string id = string_at(parse(posted->body), "id");
    EXPECT_EQ(a.request("GET", "/fhir/Observation/" + id).status, 200);
    EXPECT_EQ(b.request("GET", "/fhir/Observation/" + id).status, 404);
  }

  const auto orphan = platform.request("POST", "/fhir/Observation",
                                       score("no-such-referral", sr.patient_ref, "44261-6", 9, "2024-03-01T09:00:00Z"));
  EXPECT_EQ(orphan.status, 422) << orphan.body;
  EXPECT_NE(orphan.body.find("\"Observation.basedOn\""), std::string::npos) << orphan.body;
  EXPECT_EQ(
      a.request("POST", "/fhir/Observation", score(sr.id, sr.patient_ref, "44261-6", 9, "2024-04-01T09:00:00Z")).status,
      403);
  EXPECT_EQ(
      b.request("POST", "/fhir/Observation", score(sr.id, sr.patient_ref, "44261-6", 9, "2024-04-01T09:00:00Z")).status,
      404);
}

// Everything in the outbox, oldest first, read from the database file after the gateway stopped.
std::vector<gateway::core::outbox_entry> outbox_of(const std::string& db) {
  gateway::sqlite::sqlite_options options;
  options.path = db;
  auto store = gateway::sqlite::sqlite_store::open(options);
  EXPECT_TRUE(store) << "open " << db;
  std::vector<gateway::core::outbox_entry> all;
  if (!store) return all;
  gateway::core::outbox_list_query q;
  for (;;) {
    std::promise<gateway::core::outbox_entries_outcome> done;
    auto got = done.get_future();
    (*store)->list_outbox(q, [&done](gateway::core::outbox_entries_outcome r) { done.set_value(std::move(r)); });
    if (got.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ADD_FAILURE() << "list_outbox timed out";
      break;
    }
    auto page = got.get();
    EXPECT_TRUE(page);
    if (!page || page->empty()) break;
    q.after_seq = page->back().seq;
    for (auto& e : *page) all.push_back(std::move(e));
  }
  return all;
}

TEST_F(update_test, feedback_is_queued_in_order_per_referral_as_valid_fhir_messages) {
  auto a = client("practice-a");
  auto platform = client("platform");
  const auto first = create(a, "UPD-7");
  const auto second = create(a, "UPD-8");
  ASSERT_EQ(move_task(platform, first.id, "received").status, 200);
  ASSERT_EQ(move_task(platform, second.id, "received").status, 200);
  ASSERT_EQ(move_task(platform, first.id, "accepted").status, 200);
  ASSERT_EQ(move_task(platform, first.id, "in-progress").status, 200);
  ASSERT_EQ(platform
                .request("POST", "/fhir/Observation",
                         score(first.id, first.patient_ref, "44261-6", 18, "2024-03-01T09:00:00Z"))
                .status,
            201);
  ASSERT_EQ(platform
                .request("POST", "/fhir/Observation",
                         score(first.id, first.patient_ref, "44261-6", 7, "2024-05-01T09:00:00Z"))
                .status,
            201);
  ASSERT_EQ(move_task(platform, first.id, "completed").status, 200);
  const std::string revoked =
      edited(second.body, [](rapidjson::Document& d, auto& alloc) { d["status"].SetString("revoked", alloc); });
  ASSERT_EQ(a.request("PUT", "/fhir/ServiceRequest/" + second.id, revoked).status, 200);

  gateway_->signal(SIGTERM);
  ASSERT_EQ(gateway_->wait(std::chrono::seconds(30)), 0) << gateway_->stderr_text();
  const auto entries = outbox_of(dir_.str("gateway.db"));

  std::map<std::string, std::vector<std::string>> events_by_referral;  // ordering key -> event codes
  std::map<std::string, std::vector<std::string>> cloud_events;        // ordering key -> CloudEvents types
  std::int64_t last_seq = 0;
  for (const auto& e : entries) {
    EXPECT_GT(e.seq, last_seq) << "listed in creation order";
    last_seq = e.seq;
    if (e.item.channel == "events") {
      cloud_events[e.item.ordering_key].push_back(string_at(parse(e.item.payload), "type"));
      continue;
    }
    ASSERT_EQ(e.item.channel, "feedback");
    EXPECT_EQ(e.item.destination, "A81001");
    EXPECT_EQ(e.item.content_type, "application/fhir+json");
    const auto message = parse(e.item.payload);
    const fhir::outcome checked = fhir::validate(message);
    EXPECT_TRUE(checked.ok()) << e.item.payload;
    EXPECT_EQ(string_at(message, "type"), "message");
    const auto& header = message["entry"][0]["resource"];
    EXPECT_EQ(string_at(header, "resourceType"), "MessageHeader");
    EXPECT_EQ(string_at(header, "id"), e.item.id) << "MessageHeader.id is the outbox item id";
    EXPECT_EQ(string_at(header["destination"][0], "endpoint"), "urn:ods:A81001");
    events_by_referral[e.item.ordering_key].push_back(string_at(header["eventCoding"], "code"));
  }
  EXPECT_EQ(events_by_referral[first.id],
            (std::vector<std::string>{"status-update", "status-update", "status-update", "outcome-report",
                                      "outcome-report", "outcome-report"}));
  EXPECT_EQ(events_by_referral[second.id], (std::vector<std::string>{"status-update"}));
  EXPECT_EQ(cloud_events[second.id], (std::vector<std::string>{"referral.received", "referral.cancelled"}));

  // The completion report (the referral's last item) carries the Task as completed and the summary.
  std::string last_report;
  for (const auto& e : entries) {
    if (e.item.channel == "feedback" && e.item.ordering_key == first.id) last_report = e.item.payload;
  }
  const auto report = parse(last_report);
  ASSERT_TRUE(report.IsObject());
  EXPECT_EQ(string_at(report["entry"][1]["resource"], "status"), "completed");
  const auto& entries_of_report = report["entry"];
  EXPECT_EQ(string_at(entries_of_report[entries_of_report.Size() - 1]["resource"], "resourceType"), "Communication");
  EXPECT_NE(last_report.find("PHQ-9 18"), std::string::npos) << "the narrative names the first and last PHQ-9";
}

}  // namespace
}  // namespace rg::testing
