// The clinical-safety behaviour of the use cases (issue 9): triage on every change with
// escalation, ownership of every reference a referrer's write makes, outcome look-ups scoped to
// what the platform wrote for that referral, and one Patient per referring organisation.
#include "fhir/json_view.hpp"
#include "gateway/app/outcome_create.hpp"
#include "gateway/app/referral_create.hpp"
#include "gateway/app/referral_update.hpp"
#include "gateway/app/service_level.hpp"
#include "gateway/app/task_update.hpp"
#include "gateway/core/store_outbox.hpp"
#include "tests/unit/app/use_case_fixture.hpp"

namespace gateway::app::testing {
namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The contained fixture with PHQ-9 item 9 answered `item9` (the fixture says 2).
rapidjson::Document referral_with_item9(const std::string& number, int item9) {
  std::string text = data_file("core/servicerequest-contained.json");
  text = replaced(text, "REF-2024-0001", number);
  text = replaced(text, "\"code\": \"44260-8\" } ] },\n          \"valueInteger\": 2",
                  "\"code\": \"44260-8\" } ] },\n          \"valueInteger\": " + std::to_string(item9));
  return parse(text);
}

// The same referral sent by practice B (requester B82002).
std::string as_practice_b(std::string text) {
  return replaced(text, "A81001", "B82002");
}

std::string priority_of(const std::string& json) {
  return std::string(fhir::json::string_member(parse(json), "priority"));
}

bool task_has_flag(const std::string& json, const std::string& flag) {
  const rapidjson::Document task = parse(json);
  for (const auto& input : fhir::json::each(task, "input"))
    if (fhir::json::string_member(input, "valueCode") == flag) return true;
  return false;
}

std::size_t payloads_with(const std::vector<core::outbox_item>& items, const std::string& text) {
  std::size_t n = 0;
  for (const auto& i : items) n += i.payload.find(text) != std::string::npos ? 1 : 0;
  return n;
}

class clinical_safety : public use_case_test {
 protected:
  result<core::resource_record> put(const caller& who, const core::resource_record& sr, const rapidjson::Value& body) {
    return run(use_cases->referral_update.update({who, meta, sr.id, &body, {}}));
  }
  // The stored referral as its referrer would PUT it back, with item 9 answered `item9`.
  rapidjson::Document with_item9(const core::resource_record& sr, int item9) const {
    std::string text = replaced(sr.json, "\"44260-8\"}]},\"valueInteger\":0",
                                "\"44260-8\"}]},\"valueInteger\":" + std::to_string(item9));
    text =
        replaced(text, "\"44260-8\"}]},\"valueInteger\":2", "\"44260-8\"}]},\"valueInteger\":" + std::to_string(item9));
    return parse(text);
  }
  result<referral_created> create_as(const caller& who, const std::string& text) {
    const rapidjson::Document doc = parse(text);
    return run(use_cases->referral_create.create({who, meta, standalone_referral{&doc}, {}}));
  }
};

TEST_F(clinical_safety, an_update_that_raises_risk_escalates_the_task_the_platform_and_the_referrer) {
  const referral_created created = create_referral(referral_with_item9("REF-S-1", 0));
  ASSERT_EQ(priority_of(task_of(created.service_request.id).json), "routine");

  auto done = put(practice_a, created.service_request, with_item9(created.service_request, 2));
  ASSERT_TRUE(done) << done.error().message();

  const core::resource_record task = task_of(created.service_request.id);
  EXPECT_EQ(task.version, 2);
  EXPECT_EQ(priority_of(task.json), "urgent");
  EXPECT_TRUE(task_has_flag(task.json, "risk-to-self"));
  EXPECT_EQ(payloads_with(store.outbox(), "\"type\":\"referral.escalated\""), 1u);
  std::size_t status_updates = 0;
  for (const auto& item : store.outbox())
    if (item.channel == core::feedback_channel && item.destination == "A81001")
      status_updates += item.payload.find("status-update") != std::string::npos ? 1 : 0;
  EXPECT_EQ(status_updates, 1u) << "the referrer hears that the risk was seen";
}

TEST_F(clinical_safety, a_later_update_never_lowers_priority_or_flags) {
  const referral_created created = create_referral(referral_with_item9("REF-S-2", 2));
  ASSERT_EQ(priority_of(task_of(created.service_request.id).json), "urgent");
  auto done = put(practice_a, created.service_request, with_item9(created.service_request, 0));
  ASSERT_TRUE(done) << done.error().message();
  const core::resource_record task = task_of(created.service_request.id);
  EXPECT_EQ(task.version, 1) << "nothing rose: the Task is not rewritten";
  EXPECT_EQ(priority_of(task.json), "urgent");
  EXPECT_TRUE(task_has_flag(task.json, "risk-to-self"));
  EXPECT_EQ(payloads_with(store.outbox(), "referral.escalated"), 0u);
}

TEST_F(clinical_safety, a_later_observation_with_item_9_above_zero_escalates) {
  const referral_created created = create_referral(referral_with_item9("REF-S-3", 0));
  const rapidjson::Document item9 = parse(
      R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"https://platform.example/c","code":"q9"},)"
      R"({"system":"http://loinc.org","code":"44260-8"}]},"subject":{"reference":"Patient/)" +
      created.patient_id + R"("},"basedOn":[{"reference":"ServiceRequest/)" + created.service_request.id +
      R"("}],"effectiveDateTime":"2024-06-01T09:00:00Z","valueInteger":3})");
  auto done = run(use_cases->outcome_create.create({platform, meta, &item9}));
  ASSERT_TRUE(done) << done.error().message();
  const core::resource_record task = task_of(created.service_request.id);
  EXPECT_EQ(task.version, 2);
  EXPECT_EQ(priority_of(task.json), "urgent");
  EXPECT_EQ(payloads_with(store.outbox(), "\"type\":\"referral.escalated\""), 1u);
  EXPECT_EQ(payloads_with(store.outbox(), "status-update"), 1u);
}

TEST_F(clinical_safety, a_reference_to_another_organisations_resource_is_refused_exactly_as_a_missing_one) {
  const referral_created theirs = create_referral(referral_with_item9("REF-S-4", 0));
  const std::string mine = as_practice_b(data_file("core/servicerequest-contained.json"));
  auto with_based_on = [&](const std::string& reference) {
    return replaced(mine, "\"status\": \"active\",",
                    "\"status\": \"active\", \"basedOn\": [ { \"reference\": \"" + reference + "\" } ],");
  };
  const std::string existing = "ServiceRequest/" + theirs.service_request.id;
  const std::string missing = "ServiceRequest/00000000-0000-4000-8000-999999999999";
  auto foreign = create_as(practice_b, with_based_on(existing));
  auto absent = create_as(practice_b, with_based_on(missing));
  ASSERT_FALSE(foreign);
  ASSERT_FALSE(absent);
  EXPECT_EQ(foreign.error().kind, absent.error().kind);
  EXPECT_EQ(foreign.error().kind, refusal_kind::unprocessable);
  ASSERT_EQ(foreign.error().details.issues.size(), absent.error().details.issues.size());
  EXPECT_EQ(foreign.error().details.issues[0].code, absent.error().details.issues[0].code);
  EXPECT_EQ(foreign.error().details.issues[0].expression, "ServiceRequest.basedOn[0].reference");
  EXPECT_EQ(foreign.error().details.issues[0].expression, absent.error().details.issues[0].expression);
  EXPECT_EQ(replaced(foreign.error().message(), existing, "X"), replaced(absent.error().message(), missing, "X"));
  EXPECT_EQ(store.current("ServiceRequest").size(), 1u) << "nothing of B's was stored";

  // A's own reference to its own referral is fine.
  const std::string own = replaced(data_file("core/servicerequest-contained.json"), "REF-2024-0001", "REF-S-4b");
  auto allowed = create_as(
      practice_a, replaced(own, "\"status\": \"active\",",
                           "\"status\": \"active\", \"basedOn\": [ { \"reference\": \"" + existing + "\" } ],"));
  EXPECT_TRUE(allowed) << allowed.error().message();
}

// H20: a message from the sender's system (BaRS) may name the sender's own records of a type the
// gateway never stores; nothing else of issue 9 changes, for that front door or any other.
TEST_F(clinical_safety, only_a_message_from_the_senders_system_may_name_its_records_of_a_never_stored_type) {
  const referral_created theirs = create_referral(referral_with_item9("REF-S-6", 0));
  auto supporting = [](const std::string& number, const std::string& reference) {
    return as_practice_b(replaced(replaced(data_file("core/servicerequest-contained.json"), "REF-2024-0001", number),
                                  "\"supportingInfo\": [",
                                  "\"supportingInfo\": [ { \"reference\": \"" + reference + "\" },"));
  };
  const std::string episode = "EpisodeOfCare/d877b820-e72b-44d1-a627-195f54bfc606";
  request_meta rest = meta;
  request_meta bars = meta;
  bars.via = front_door::bars_message;
  auto create_via = [&](const request_meta& m, const std::string& text) {
    const rapidjson::Document doc = parse(text);
    return run(use_cases->referral_create.create({practice_b, m, standalone_referral{&doc}, {}}));
  };

  auto over_rest = create_via(rest, supporting("REF-S-6a", episode));
  ASSERT_FALSE(over_rest) << "REST references name this gateway's resources: there is none";
  EXPECT_EQ(over_rest.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(over_rest.error().details.issues[0].expression, "ServiceRequest.supportingInfo[0].reference");
  auto in_message = create_via(bars, supporting("REF-S-6b", episode));
  ASSERT_TRUE(in_message) << in_message.error().message();
  EXPECT_NE(in_message->service_request.json.find(episode), std::string::npos) << "kept as sent";

  // A stored type in the same message: another practice's resource answers as a missing one.
  const std::string their_patient = "Patient/" + theirs.patient_id;
  const std::string missing_patient = "Patient/00000000-0000-4000-8000-999999999999";
  auto foreign = create_via(bars, supporting("REF-S-6c", their_patient));
  auto absent = create_via(bars, supporting("REF-S-6d", missing_patient));
  ASSERT_FALSE(foreign);
  ASSERT_FALSE(absent);
  EXPECT_EQ(foreign.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(foreign.error().kind, absent.error().kind);
  EXPECT_EQ(foreign.error().details.issues[0].expression, "ServiceRequest.supportingInfo[0].reference");
  EXPECT_EQ(replaced(foreign.error().message(), their_patient, "X"),
            replaced(absent.error().message(), missing_patient, "X"));
  // An absolute URL to the same record names nothing the gateway can vouch for: refused too.
  auto absolute = create_via(bars, supporting("REF-S-6e", "https://sender.example/fhir/" + episode));
  ASSERT_FALSE(absolute);
  EXPECT_EQ(absolute.error().kind, refusal_kind::unprocessable);
}

TEST_F(clinical_safety, an_update_may_not_point_at_another_organisations_resources) {
  const referral_created theirs = create_referral(referral_with_item9("REF-S-5", 0));
  auto mine =
      create_as(practice_b,
                as_practice_b(replaced(data_file("core/servicerequest-contained.json"), "REF-2024-0001", "REF-S-5b")));
  ASSERT_TRUE(mine) << mine.error().message();
  rapidjson::Document body = parse(mine->service_request.json);
  rapidjson::Value ref(rapidjson::kObjectType);
  ref.AddMember("reference", rapidjson::Value(("Patient/" + theirs.patient_id).c_str(), body.GetAllocator()),
                body.GetAllocator());
  body["supportingInfo"].PushBack(ref, body.GetAllocator());
  auto done = put(practice_b, mine->service_request, body);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(done.error().details.issues[0].expression, "ServiceRequest.supportingInfo[2].reference");
}

TEST_F(clinical_safety, each_referring_organisation_keeps_its_own_patient) {
  const referral_created a = create_referral(referral_with_item9("REF-S-6", 0));
  std::string b_text =
      as_practice_b(replaced(data_file("core/servicerequest-contained.json"), "REF-2024-0001", "REF-S-6b"));
  b_text = replaced(b_text, "\"family\": \"Example\"", "\"family\": \"Sample\"");
  auto b = create_as(practice_b, b_text);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_NE(b->patient_id, a.patient_id);
  ASSERT_TRUE(b->patient_write) << "B's Patient is new, as if no other practice had referred the person";
  const auto b_patient = store.current("Patient", b->patient_id);
  ASSERT_TRUE(b_patient);
  EXPECT_EQ(b_patient->owner_org, "B82002");
  EXPECT_NE(b_patient->json.find("Sample"), std::string::npos) << "B's demographics are kept";
  EXPECT_NE(store.current("Patient", a.patient_id)->json.find("Example"), std::string::npos);
}

TEST_F(clinical_safety, outcome_reports_carry_only_what_the_platform_wrote_for_the_referral) {
  const referral_created created = create_referral(referral_with_item9("REF-S-7", 0));
  auto phq9_total = [&](const std::string& effective, int value) {
    return R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},)"
           R"("subject":{"reference":"Patient/)" +
           created.patient_id + R"("},"basedOn":[{"reference":"ServiceRequest/)" + created.service_request.id +
           R"("}],"effectiveDateTime":")" + effective + R"(","valueInteger":)" + std::to_string(value) + "}";
  };
  // An Observation the referrer's organisation owns (a resource sent with its referral), based on
  // the same referral: it is not an outcome, and must not shape the report's summary.
  core::unit_of_work work;
  core::resource_write w;
  w.kind = core::write_kind::create;
  w.type = "Observation";
  w.id = "referrer-written";
  w.owner_org = "A81001";
  w.json = phq9_total("2024-05-01T09:00:00Z", 27);
  w.index = {{"based-on", "ServiceRequest/" + created.service_request.id}};
  work.writes.push_back(w);
  bool committed = false;
  store.commit(std::move(work), [&](core::commit_outcome o) { committed = o.has_value(); });
  ASSERT_TRUE(committed);

  const rapidjson::Document total = parse(phq9_total("2024-06-01T09:00:00Z", 5));
  auto done = run(use_cases->outcome_create.create({platform, meta, &total}));
  ASSERT_TRUE(done) << done.error().message();
  ASSERT_EQ(payloads_with(store.outbox(), "outcome-report"), 1u);
  for (const auto& item : store.outbox()) {
    if (item.payload.find("outcome-report") != std::string::npos) {
      EXPECT_EQ(item.payload.find("referrer-written"), std::string::npos);
    }
  }
}

// The service level with an injectable clock: an urgent referral not accepted within the period
// raises referral.overdue once, again after each further period, and never once accepted.
TEST_F(clinical_safety, an_urgent_referral_not_accepted_in_time_raises_overdue_once_per_period) {
  using namespace std::chrono;
  const auto intake = ctx.now();
  auto clock = intake;
  ctx.now = [&clock] { return clock; };
  ctx.urgent_accept_within = hours{1};
  const referral_created urgent = create_referral(referral_with_item9("REF-S-8", 2));
  const referral_created routine = create_referral(referral_with_item9("REF-S-9", 0));
  ASSERT_EQ(priority_of(task_of(urgent.service_request.id).json), "urgent");
  auto sweep = [&](system_clock::time_point at) {
    clock = at;
    auto done = run(use_cases->service_level.sweep());
    EXPECT_TRUE(done) << done.error().message();
    return done ? done->raised : std::size_t{99};
  };
  auto overdue_events = [&] { return payloads_with(store.outbox(), "\"type\":\"referral.overdue\""); };

  EXPECT_EQ(sweep(intake + minutes{59}), 0u);
  EXPECT_EQ(sweep(intake + minutes{60}), 1u) << "due after one period";
  EXPECT_EQ(sweep(intake + minutes{61}), 0u) << "once per period";
  EXPECT_EQ(sweep(intake + minutes{90}), 0u);
  EXPECT_EQ(sweep(intake + minutes{120}), 1u) << "again after the next period";
  EXPECT_EQ(overdue_events(), 2u);
  EXPECT_EQ(task_of(urgent.service_request.id).version, 3);
  EXPECT_EQ(task_of(routine.service_request.id).version, 1) << "a routine referral has no service level here";

  // The platform receives the referral (still waiting), then accepts it: the clock stops there.
  for (const char* status : {"received", "accepted"}) {
    const core::resource_record current = task_of(urgent.service_request.id);
    rapidjson::Document moved = parse(current.json);
    moved["status"].SetString(rapidjson::StringRef(status), moved.GetAllocator());
    auto done = run(use_cases->task_update.update({platform, meta, current.id, &moved, current.version}));
    ASSERT_TRUE(done) << status << ": " << done.error().message();
    if (std::string(status) == "received") {
      EXPECT_EQ(sweep(intake + minutes{180}), 1u) << "received is still waiting";
    }
  }
  EXPECT_EQ(sweep(intake + hours{10}), 0u);
  EXPECT_EQ(overdue_events(), 3u);
}

TEST_F(clinical_safety, an_escalated_referral_counts_its_service_level_from_the_escalation) {
  using namespace std::chrono;
  const auto intake = ctx.now();
  auto clock = intake;
  ctx.now = [&clock] { return clock; };
  ctx.urgent_accept_within = hours{1};
  const referral_created created = create_referral(referral_with_item9("REF-S-10", 0));
  clock = intake + hours{5};
  ASSERT_TRUE(put(practice_a, created.service_request, with_item9(created.service_request, 3)));
  ASSERT_EQ(priority_of(task_of(created.service_request.id).json), "urgent");
  clock = intake + hours{5} + minutes{59};
  EXPECT_EQ(run(use_cases->service_level.sweep())->raised, 0u) << "urgent for 59 minutes only";
  clock = intake + hours{6};
  EXPECT_EQ(run(use_cases->service_level.sweep())->raised, 1u);
}

}  // namespace
}  // namespace gateway::app::testing
