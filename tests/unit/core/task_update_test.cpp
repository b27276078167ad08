#include "gateway/core/task_update.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/task_builder.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>

using namespace gateway::core;

namespace {

const code_system& business_status() {
  static const code_system cs = load_code_system(embedded::business_status_code_system_json()).value();
  return cs;
}

rapidjson::Document stored_task() {
  auto t = build_initial_task({"ServiceRequest/sr1", "Patient/p1", "A81001", "PLAT01", "2024-05-01T10:00:00Z", {}});
  t.AddMember("id", "t1", t.GetAllocator());
  rapidjson::Value meta(rapidjson::kObjectType);
  meta.AddMember("versionId", "1", t.GetAllocator());
  t.AddMember("meta", meta, t.GetAllocator());
  return t;
}

// The stored Task as the platform would PUT it, with `edit` applied.
template <class Edit>
rapidjson::Document incoming(Edit edit) {
  auto t = stored_task();
  t.RemoveMember("meta");
  edit(t, t.GetAllocator());
  return t;
}

void set(rapidjson::Document& d, const char* name, rapidjson::Value v) {
  d.RemoveMember(name);
  d.AddMember(rapidjson::StringRef(name), v, d.GetAllocator());
}

rapidjson::Value parsed(const char* text, json::allocator& a) {
  rapidjson::Document d;
  d.Parse(text);
  return rapidjson::Value(d, a);
}

}  // namespace

TEST(task_update, platform_moves_status_and_business_status) {
  const auto stored = stored_task();
  const auto body = incoming([](rapidjson::Document& t, json::allocator& a) {
    set(t, "status", rapidjson::Value("received"));
    set(t, "businessStatus",
        parsed(
            R"({"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":"triaged-step-2"}]})",
            a));
    set(t, "owner", parsed(R"({"reference":"Organization/team-2"})", a));
    set(t, "note", parsed(R"([{"text":"Booked for telephone CBT"}])", a));
  });
  auto change = merge_task_update(stored, body, business_status(), "2024-05-02T09:00:00Z");
  ASSERT_TRUE(change) << change.error().text();
  EXPECT_EQ(change->from, task_status::requested);
  EXPECT_EQ(change->to, task_status::received);
  EXPECT_TRUE(change->status_changed);
  EXPECT_TRUE(change->business_status_changed);
  const auto& t = change->task;
  EXPECT_EQ(fhir::json::string_member(t, "status"), "received");
  EXPECT_EQ(fhir::json::string_member(t["businessStatus"]["coding"][0], "code"), "triaged-step-2");
  EXPECT_EQ(fhir::json::string_member(t["owner"], "reference"), "Organization/team-2");
  EXPECT_EQ(fhir::json::string_member(t["note"][0], "text"), "Booked for telephone CBT");
  EXPECT_EQ(fhir::json::string_member(t, "lastModified"), "2024-05-02T09:00:00Z");
  EXPECT_EQ(fhir::json::string_member(t["meta"], "versionId"), "1");  // store's, untouched
  EXPECT_EQ(fhir::json::string_member(t["basedOn"][0], "reference"), "ServiceRequest/sr1");
}

TEST(task_update, same_status_with_only_business_status_is_fine) {
  const auto stored = stored_task();
  const auto same = incoming([](rapidjson::Document&, json::allocator&) {});
  auto change = merge_task_update(stored, same, business_status(), "2024-05-02T09:00:00Z");
  ASSERT_TRUE(change) << change.error().text();
  EXPECT_FALSE(change->status_changed);
  EXPECT_FALSE(change->business_status_changed);
}

TEST(task_update, refusals_name_the_element) {
  using edit_fn = void (*)(rapidjson::Document&, json::allocator&);
  struct row {
    edit_fn edit;
    const char* expected;
  };
  const row rows[] = {
      {[](rapidjson::Document& t, json::allocator&) { set(t, "status", rapidjson::Value("completed")); },
       "Task.status: transition from 'requested' to 'completed' is not allowed"},
      {[](rapidjson::Document& t, json::allocator&) { set(t, "status", rapidjson::Value("finished")); },
       "Task.status: 'finished' is not a Task status"},
      {[](rapidjson::Document& t, json::allocator&) { t.RemoveMember("status"); }, "Task.status: missing"},
      {[](rapidjson::Document& t, json::allocator& a) { set(t, "for", parsed(R"({"reference":"Patient/other"})", a)); },
       "Task.for: may not be changed (only status, businessStatus, statusReason, output, note and owner may change)"},
      {[](rapidjson::Document& t, json::allocator&) { t.RemoveMember("basedOn"); },
       "Task.basedOn: may not be removed (only status, businessStatus, statusReason, output, note and owner may "
       "change)"},
      {[](rapidjson::Document& t, json::allocator& a) { set(t, "description", parsed(R"("x")", a)); },
       "Task.description: may not be added (only status, businessStatus, statusReason, output, note and owner may "
       "change)"},
      {[](rapidjson::Document& t, json::allocator&) { set(t, "priority", rapidjson::Value("stat")); },
       "Task.priority: may not be changed (only status, businessStatus, statusReason, output, note and owner may "
       "change)"},
      {[](rapidjson::Document& t, json::allocator& a) {
         set(t, "businessStatus",
             parsed(
                 R"({"coding":[{"system":"https://referral-gateway.example.org/fhir/CodeSystem/business-status","code":"done"}]})",
                 a));
       },
       "Task.businessStatus.coding[0].code: 'done' is not defined in "
       "https://referral-gateway.example.org/fhir/CodeSystem/business-status"},
      {[](rapidjson::Document& t, json::allocator&) { set(t, "id", rapidjson::Value("t2")); },
       "Task.id: does not match the Task being updated"},
      {[](rapidjson::Document& t, json::allocator&) { set(t, "resourceType", rapidjson::Value("ServiceRequest")); },
       "resourceType: expected a Task"},
  };
  const auto stored = stored_task();
  for (const auto& row : rows) {
    const auto body = incoming(row.edit);
    const auto change = merge_task_update(stored, body, business_status(), "2024-05-02T09:00:00Z");
    ASSERT_FALSE(change) << row.expected;
    EXPECT_EQ(change.error().text(), row.expected);
  }
}

TEST(task_update, meta_text_and_last_modified_in_the_body_are_ignored) {
  const auto stored = stored_task();
  const auto body = incoming([](rapidjson::Document& t, json::allocator& a) {
    set(t, "meta", parsed(R"({"versionId":"99"})", a));
    set(t, "text", parsed(R"({"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"})", a));
    set(t, "lastModified", rapidjson::Value("1999-01-01T00:00:00Z"));
  });
  const auto change = merge_task_update(stored, body, business_status(), "2024-05-02T09:00:00Z");
  ASSERT_TRUE(change) << change.error().text();
  EXPECT_EQ(fhir::json::string_member(change->task, "lastModified"), "2024-05-02T09:00:00Z");
  EXPECT_EQ(fhir::json::string_member(change->task["meta"], "versionId"), "1");
}
