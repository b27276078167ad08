#include "gateway/app/referral_create.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/core/transaction_bundle.hpp"
#include "tests/unit/app/use_case_fixture.hpp"

namespace gateway::app::testing {
namespace {

using referral_create = use_case_test;

std::string subject_of(const core::resource_record& sr) {
  const rapidjson::Document doc = parse(sr.json);
  return std::string(fhir::json::string_member(*fhir::json::object_member(doc, "subject"), "reference"));
}

TEST_F(referral_create, stores_the_referral_its_patient_task_event_and_audit_in_one_unit) {
  const auto sr = referral("REF-C-1");
  const referral_created done = create_referral(sr);
  EXPECT_TRUE(done.created);
  EXPECT_EQ(done.service_request.owner_org, "A81001");
  EXPECT_EQ(done.service_request.version, 1);
  EXPECT_EQ(store.commits(), 1u) << "one unit of work";
  EXPECT_EQ(store.resource_count("ServiceRequest"), 1u);
  EXPECT_EQ(store.resource_count("Patient"), 1u);
  EXPECT_EQ(subject_of(done.service_request), "Patient/" + done.patient_id);
  const core::resource_record task = task_of(done.service_request.id);
  EXPECT_EQ(task.owner_org, "A81001") << "the referrer may read its referral's Task";
  EXPECT_NE(task.json.find("PLT01"), std::string::npos) << "the platform owns (works) every Task";
  EXPECT_NE(task.json.find("\"status\":\"requested\""), std::string::npos);
  ASSERT_EQ(outbox_count(core::events_channel), 1u);
  EXPECT_EQ(store.outbox()[0].ordering_key, done.service_request.id);
  EXPECT_NE(store.outbox()[0].payload.find("referral.received"), std::string::npos);
  ASSERT_EQ(store.audits().size(), 1u);
  EXPECT_EQ(store.audits()[0].request_id, "req-1");
  EXPECT_EQ(store.audits()[0].caller_org, "A81001");
}

TEST_F(referral_create, a_repeat_of_the_identifier_answers_the_stored_referral_and_creates_nothing) {
  const auto sr = referral("REF-C-2");
  const referral_created first = create_referral(sr);
  const std::size_t audits = store.audits().size();
  const referral_created again = create_referral(sr);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.service_request.id, first.service_request.id);
  EXPECT_EQ(store.resource_count("ServiceRequest"), 1u);
  EXPECT_EQ(store.resource_count("Task"), 1u);
  EXPECT_EQ(outbox_count(core::events_channel), 1u);
  ASSERT_EQ(store.audits().size(), audits + 1) << "a repeat writes nothing but the record of its access";
  EXPECT_EQ(store.audits().back().action, core::audit_action::read);
  EXPECT_EQ(store.audits().back().entity_id, first.service_request.id);
}

TEST_F(referral_create, a_repeat_that_races_the_first_answers_the_one_that_won) {
  const auto sr = referral("REF-C-3");
  // Between this request's look-ups and its commit, an identical request commits first.
  store.before_next_commit = [&] {
    auto other = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&sr}, {}}));
    ASSERT_TRUE(other && other->created);
  };
  auto done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&sr}, {}}));
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_FALSE(done->created);
  EXPECT_EQ(store.resource_count("ServiceRequest"), 1u);
  EXPECT_EQ(store.resource_count("Task"), 1u);
}

TEST_F(referral_create, if_none_exist_answers_the_referral_stored_under_that_identifier) {
  const referral_created first = create_referral(referral("REF-C-4"));
  const auto other_number = referral("REF-C-5");
  const core::identifier named{"https://fhir.a81001.example.org/referral", "REF-C-4"};
  auto done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&other_number}, named}));
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->created);
  EXPECT_EQ(done->service_request.id, first.service_request.id);
  EXPECT_EQ(store.resource_count("ServiceRequest"), 1u);

  const core::identifier unknown{"https://fhir.a81001.example.org/referral", "REF-NONE"};
  done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&other_number}, unknown}));
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->created);
  EXPECT_EQ(store.resource_count("ServiceRequest"), 2u);
}

TEST_F(referral_create, identifiers_and_if_none_exist_belong_to_the_referring_organisation) {
  const referral_created from_a = create_referral(referral("REF-C-6"));
  // Practice B's own referral that happens to use the same referral number and system.
  std::string text = data_file("core/servicerequest-contained.json");
  for (auto at = text.find("A81001"); at != std::string::npos; at = text.find("A81001")) text.replace(at, 6, "B82002");
  text.replace(text.find("REF-2024-0001"), 13, "REF-C-6");
  const auto from_b = parse(text);
  const core::identifier named{"https://fhir.a81001.example.org/referral", "REF-C-6"};
  auto done = run(use_cases->referral_create.create({practice_b, meta, standalone_referral{&from_b}, named}));
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_TRUE(done->created) << "B's If-None-Exist does not see A's referral";
  EXPECT_NE(done->service_request.id, from_a.service_request.id);
  EXPECT_EQ(done->service_request.owner_org, "B82002");
  EXPECT_EQ(store.resource_count("ServiceRequest"), 2u);
}

TEST_F(referral_create, a_referral_from_another_organisations_requester_is_forbidden_and_stores_nothing) {
  const auto sr = referral("REF-C-7");
  auto done = run(use_cases->referral_create.create({practice_b, meta, standalone_referral{&sr}, {}}));
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::forbidden);
  EXPECT_EQ(store.commits(), 0u);
}

TEST_F(referral_create, a_referral_failing_the_profile_is_unprocessable_naming_the_element) {
  std::string text = data_file("core/servicerequest-contained.json");
  text.replace(text.find("9434765919"), 10, "9434765918");  // wrong check digit
  const auto sr = parse(text);
  auto done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&sr}, {}}));
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unprocessable);
  bool named = false;
  for (const auto& i : done.error().details.issues)
    named = named || i.expression.find("identifier") != std::string::npos;
  EXPECT_TRUE(named) << done.error().message();
  EXPECT_EQ(store.commits(), 0u);
}

TEST_F(referral_create, a_second_referral_for_the_same_person_uses_the_stored_patient) {
  const referral_created first = create_referral(referral("REF-C-8"));
  const referral_created second = create_referral(referral("REF-C-9"));
  EXPECT_TRUE(second.created);
  EXPECT_FALSE(second.patient_write);
  EXPECT_EQ(second.patient_id, first.patient_id);
  EXPECT_EQ(store.resource_count("Patient"), 1u);
  EXPECT_EQ(subject_of(second.service_request), "Patient/" + first.patient_id);
}

TEST_F(referral_create, a_patient_stored_by_a_racing_referral_is_used_on_the_retry) {
  const auto racing = referral("REF-C-10");
  const auto sr = referral("REF-C-11");
  std::string winner_patient;
  store.before_next_commit = [&] { winner_patient = create_referral(racing).patient_id; };
  auto done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&sr}, {}}));
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_TRUE(done->created);
  EXPECT_EQ(done->patient_id, winner_patient);
  EXPECT_EQ(store.resource_count("Patient"), 1u) << "one Patient per NHS number";
  EXPECT_EQ(subject_of(done->service_request), "Patient/" + winner_patient);
}

TEST_F(referral_create, a_busy_or_failed_store_is_refused_as_such_and_nothing_is_stored) {
  const auto sr = referral("REF-C-12");
  store.fail_next_commit = core::store_errc::too_busy;
  auto done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&sr}, {}}));
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::too_busy);
  store.fail_next_commit = core::store_errc::unavailable;
  done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&sr}, {}}));
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unavailable);
  EXPECT_EQ(store.resource_count("ServiceRequest"), 0u);
  EXPECT_TRUE(store.outbox().empty());
}

class referral_create_bundled : public use_case_test {
 protected:
  referral_create_bundled() : bundle(parse(data_file("api/transaction-referral.json"))) {
    auto read = core::read_transaction_referral(bundle);
    if (!read) throw std::runtime_error(read.error().text());
    entries = std::move(*read);
  }

  result<referral_created> submit() {
    return run(use_cases->referral_create.create({practice_a, meta, bundled_referral{&bundle, &entries}, {}}));
  }

  rapidjson::Document bundle;
  core::transaction_referral entries;
};

TEST_F(referral_create_bundled, stores_the_referral_with_its_resources_and_rewrites_their_references) {
  auto done = submit();
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_TRUE(done->created);
  ASSERT_EQ(done->companion_writes.size(), entries.entries.size() - 2);
  EXPECT_EQ(store.commits(), 1u);
  for (const std::size_t w : done->companion_writes) {
    const core::resource_record& r = done->written[w];
    EXPECT_EQ(r.owner_org, "A81001") << r.type;
    EXPECT_EQ(r.json.find("urn:uuid:"), std::string::npos) << r.type << " still names a Bundle entry: " << r.json;
  }
  EXPECT_EQ(subject_of(done->service_request), "Patient/" + done->patient_id);
}

TEST_F(referral_create_bundled, a_repeated_transaction_creates_nothing) {
  ASSERT_TRUE(submit());
  const std::size_t commits = store.commits();
  auto again = submit();
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_TRUE(again->written.empty());
  EXPECT_EQ(store.resource_count("ServiceRequest"), 1u);
  EXPECT_EQ(store.resource_count("Practitioner"), 1u);
  EXPECT_EQ(store.commits(), commits + 2)
      << "the attempt was refused by its claim (nothing applied), then the repeat's access was recorded";
  EXPECT_EQ(store.audits().back().action, core::audit_action::read);
}

TEST_F(referral_create_bundled, one_failing_part_stores_nothing_of_the_transaction) {
  store.fail_next_commit = core::store_errc::unavailable;
  auto done = submit();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unavailable);
  for (const char* type : {"ServiceRequest", "Patient", "Practitioner", "Organization", "Condition", "Observation"}) {
    EXPECT_EQ(store.resource_count(type), 0u) << type;
  }
  EXPECT_TRUE(store.outbox().empty());
  EXPECT_TRUE(store.audits().empty());
}

TEST_F(referral_create_bundled, a_profile_problem_is_named_under_the_service_request_entry) {
  auto& sr = bundle["entry"][0]["resource"];
  sr.RemoveMember("reasonCode");
  sr.RemoveMember("reasonReference");
  auto done = submit();
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().kind, refusal_kind::unprocessable);
  EXPECT_EQ(done.error().details.issues[0].expression.rfind("Bundle.entry[0].resource", 0), 0u)
      << done.error().details.issues[0].expression;
  EXPECT_EQ(store.commits(), 0u);
}

}  // namespace
}  // namespace gateway::app::testing
