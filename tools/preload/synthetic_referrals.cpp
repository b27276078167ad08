#include "tools/preload/synthetic_referrals.hpp"

#include "adapters/sql_store/json_meta.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/app/referral_submission.hpp"
#include "gateway/app/time_ordered_uuid.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/platform_update_plan.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/store_time.hpp"
#include "gateway/core/task_update.hpp"
#include "gateway/core/triage_evaluate.hpp"

#include <rapidjson/document.h>

#include <array>
#include <cstdio>

namespace rg::preload {
namespace {

namespace core = gateway::core;
namespace app = gateway::app;

constexpr std::array<const char*, 8> family_names{"Example",   "Sample", "Testcase", "Placeholder",
                                                  "Synthetic", "Dummy",  "Fixture",  "Mock"};
constexpr std::array<const char*, 8> given_names{"Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Kim", "Lee"};

std::uint64_t unix_ms(std::chrono::system_clock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

int check_digit(const std::string& nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (nine[static_cast<std::size_t>(i)] - '0') * (10 - i);
  const int check = 11 - sum % 11;
  return check == 11 ? 0 : check;
}

// The referral as a practice system would send it: a ServiceRequest with its Patient, practice,
// practitioner role, condition and PHQ-9 / GAD-7 scores contained (the shape of
// tests/data/core/servicerequest-contained.json).
std::string referral_json(const std::string& nhs, const std::string& ods, std::uint64_t n, bool urgent,
                          const std::string& authored) {
  const std::string family = family_names[n % family_names.size()];
  const std::string given = given_names[(n / family_names.size()) % given_names.size()];
  char birth[11];
  std::snprintf(birth, sizeof birth, "%04d-%02d-%02d", 1940 + static_cast<int>(n % 60), 1 + static_cast<int>(n % 12),
                1 + static_cast<int>(n % 28));
  const std::string phq9 = std::to_string(n % 28);
  const std::string item9 = std::to_string(n % 4 == 3 ? 1 : 0);
  const std::string gad7 = std::to_string(n % 22);
  std::string system = "https://fhir.";
  for (char c : ods) system += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  system += ".example.org/referral";
  return R"({"resourceType":"ServiceRequest","contained":[)"
         R"({"resourceType":"Patient","id":"patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":")" +
         nhs + R"("}],"name":[{"family":")" + family + R"(","given":[")" + given + R"("]}],"birthDate":")" + birth +
         R"("},{"resourceType":"Organization","id":"practice","identifier":[{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":")" +
         ods + R"("}],"name":"Practice )" + ods +
         R"("},{"resourceType":"PractitionerRole","id":"gp","organization":{"reference":"#practice"}},)"
         R"({"resourceType":"Condition","id":"fibro","subject":{"reference":"#patient"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"203082005","display":"Fibromyalgia"}]}},)"
         R"({"resourceType":"Observation","id":"phq9","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44249-1","display":"PHQ-9 panel"}]},"subject":{"reference":"#patient"},"effectiveDateTime":")" +
         authored +
         R"(","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"44260-8"}]},"valueInteger":)" +
         item9 + R"(},{"code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"valueInteger":)" + phq9 +
         R"(}]},{"resourceType":"Observation","id":"gad7","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"70274-6","display":"GAD-7 total"}]},"subject":{"reference":"#patient"},"effectiveDateTime":")" +
         authored + R"(","valueQuantity":{"value":)" + gad7 +
         R"(,"unit":"{score}","system":"http://unitsofmeasure.org","code":"{score}"}}],)"
         R"("identifier":[{"system":")" +
         system + R"(","value":"SYN-)" + std::to_string(n) + R"("}],"status":"active","intent":"order","priority":")" +
         (urgent ? "urgent" : "routine") +
         R"(","code":{"coding":[{"system":"http://snomed.info/sct","code":"304891004","display":"Cognitive behavioural therapy"}]},)"
         R"("subject":{"reference":"#patient"},"authoredOn":")" +
         authored +
         R"(","requester":{"reference":"#gp"},"reasonReference":[{"reference":"#fibro"}],"supportingInfo":[{"reference":"#phq9"},{"reference":"#gad7"}],)"
         R"("note":[{"text":"Widespread pain for some years; low mood."}]})";
}

}  // namespace

std::string synthetic_nhs_number(std::uint64_t n) {
  for (std::uint64_t m = n % 1000000;; m = (m + 1) % 1000000) {
    const std::string nine = std::to_string(999000000 + m);
    const int check = check_digit(nine);
    if (check != 10) return nine + static_cast<char>('0' + check);
  }
}

std::string synthetic_organisation(const synthetic_settings& s, std::size_t k) {
  if (k == 0) return s.first_organisation;
  char ods[8];
  std::snprintf(ods, sizeof ods, "Y%05zu", k % 100000);
  return ods;
}

synthetic_referrals::synthetic_referrals(synthetic_settings settings)
    : settings_(std::move(settings)),
      business_status_(core::load_code_system(core::embedded::business_status_code_system_json()).value()),
      outcome_codes_(core::load_code_system(core::embedded::outcome_summary_code_system_json()).value()),
      random_(settings_.seed) {
  if (settings_.organisations == 0) settings_.organisations = 1;
}

// Version-7 UUIDs as the gateway makes them (gateway/app/time_ordered_uuid.hpp): the unit's time,
// then bits from the seeded generator instead of OpenSSL, so the same settings give the same ids.
std::string synthetic_referrals::new_id() {
  unsigned char bits[10];
  const std::uint64_t a = random_(), b = random_();
  for (int i = 0; i < 8; ++i) bits[i] = static_cast<unsigned char>(a >> (8 * i));
  for (int i = 0; i < 2; ++i) bits[8 + i] = static_cast<unsigned char>(b >> (8 * i));
  return app::format_uuid_v7(id_ms_, bits);
}

// As the Task update service does it: the stored Task (version 1 as the store stamps it) merged
// with the platform's PUT of the same Task at status accepted, planned with its feedback message.
boost::system::result<core::unit_of_work, std::string> synthetic_referrals::accept(const core::resource_write& sr,
                                                                                   const core::resource_write& task,
                                                                                   const std::string& ods,
                                                                                   time_point created, time_point at) {
  id_ms_ = unix_ms(at);
  const std::string created_text = core::format_store_instant(created);
  auto task_json = gateway::sql_store::stamp_meta(task.json, task.id, 1, created_text);
  auto sr_json = gateway::sql_store::stamp_meta(sr.json, sr.id, 1, created_text);
  if (!task_json || !sr_json) return std::string("the planned Task or ServiceRequest is not JSON");
  const core::resource_record stored{"Task", task.id, 1, created_text, task.owner_org, *task_json, false};
  rapidjson::Document stored_task, sr_doc, incoming;
  stored_task.Parse(stored.json.data(), stored.json.size());
  sr_doc.Parse(sr_json->data(), sr_json->size());
  incoming.CopyFrom(stored_task, incoming.GetAllocator());
  incoming["status"].SetString("accepted");
  auto change = core::merge_task_update(stored_task, incoming, business_status_, core::format_instant(at));
  if (!change) return std::string("the Task update path refuses accepting the synthetic Task");

  const app::caller platform{"preload-platform", core::caller_role::platform, settings_.platform_org};
  app::request_meta meta;
  meta.request_id = new_id();
  meta.base_url = "https://localhost:8443/fhir";
  core::task_update_input in;
  in.stored = &stored;
  in.change = &*change;
  in.service_request = &sr_doc;
  in.feedback = core::feedback_settings{new_id(), settings_.event_source, meta.base_url,
                                        core::feedback_destination{ods, {}, false, false}, &outcome_codes_};
  in.now = at;
  in.audit_id = new_id();
  in.audit = app::audit_of(platform, meta);
  auto plan = core::plan_task_update(in);
  if (!plan) return std::string("the Task update path built an invalid feedback message");
  return std::move(plan->work);
}

boost::system::result<synthetic_referral, std::string> synthetic_referrals::next(time_point now,
                                                                                 std::optional<time_point> accept_at) {
  const std::uint64_t n = made_;
  id_ms_ = unix_ms(now);
  const std::size_t k = n % settings_.organisations;
  const std::string ods = synthetic_organisation(settings_, k);
  // One in twenty: the person this practice referred `organisations` referrals ago, again.
  std::uint64_t person = n;
  while (person % 20 == 19 && person >= settings_.organisations) person -= settings_.organisations;
  const std::string nhs = synthetic_nhs_number(person);
  const std::string authored = core::format_store_instant(now);

  rapidjson::Document doc;
  const std::string text = referral_json(nhs, ods, n, n % 10 == 7, authored.substr(0, 19) + "Z");
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) return std::string("synthetic referral is not JSON");

  const app::caller who{"preload", core::caller_role::referrer, ods};
  app::request_meta meta;
  meta.request_id = new_id();
  auto checked = app::check_referral(app::standalone_referral{&doc}, who);
  if (!checked) return std::string("the create path refuses the synthetic referral");

  core::referral_create_input in;
  in.service_request = checked->service_request;
  in.normalised = &checked->normalised;
  in.patient = checked->patient;
  const std::string patient_key = nhs + '|' + ods;
  if (auto found = patients_.find(patient_key); found != patients_.end()) in.stored_patient_id = found->second;
  in.now = now;
  in.triage =
      core::evaluate(*settings_.rules, checked->normalised, core::date{std::chrono::floor<std::chrono::days>(now)});
  in.platform_org = settings_.platform_org;
  in.event_source = settings_.event_source;
  in.ids = {new_id(), new_id(), new_id(), new_id(), new_id(), {}};
  in.audit = app::audit_of(who, meta);
  core::referral_create_plan plan = core::plan_referral_create(in);
  if (!in.stored_patient_id) patients_.emplace(patient_key, plan.patient_id);
  synthetic_referral out;
  if (accept_at) {
    auto accepted =
        accept(plan.work.writes[plan.service_request_write], plan.work.writes[plan.task_write], ods, now, *accept_at);
    if (!accepted) return accepted.error();
    out.accept = std::move(*accepted);
  }
  out.create = std::move(plan.work);
  ++made_;
  return out;
}

}  // namespace rg::preload
