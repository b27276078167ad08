#include "adapters/hl7v2/feedback_v2.hpp"

#include <algorithm>

#include "adapters/hl7v2/feedback_v2_rules.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/feedback_message.hpp"

namespace gateway::hl7v2 {
namespace {

namespace json = fhir::json;
using rapidjson::Value;

bool has_code_in(const Value& resource, std::string_view system) {
  if (const Value* code = json::object_member(resource, "code")) {
    for (const Value& c : json::each(*code, "coding")) {
      if (json::string_member(c, "system") == system) return true;
    }
  }
  return false;
}

bool is_score(const Value& obs) {
  if (has_code_in(obs, core::systems::outcome_summary)) return false;  // a conclusion, said in the NTE
  const Value* q = json::object_member(obs, "valueQuantity");
  return (q != nullptr && json::number_member(*q, "value")) || json::number_member(obs, "valueInteger");
}

boost::system::result<feedback::message_view, std::string> view_of(const rapidjson::Document& bundle) {
  feedback::message_view m;
  if (json::string_member(bundle, "type") != "message") return std::string("the feedback is not a message Bundle");
  m.timestamp = std::string(json::string_member(bundle, "timestamp"));
  for (const Value& entry : json::each(bundle, "entry")) {
    const Value* r = json::object_member(entry, "resource");
    if (r == nullptr) continue;
    const std::string_view type = json::string_member(*r, "resourceType");
    if (type == "MessageHeader" && m.header == nullptr)
      m.header = r;
    else if (type == "Task" && m.task == nullptr)
      m.task = r;
    else if (type == "ServiceRequest" && m.service_request == nullptr)
      m.service_request = r;
    else if (type == "Patient" && m.patient == nullptr)
      m.patient = r;
    else if (type == "Communication" && m.narrative == nullptr)
      m.narrative = r;
    else if (type == "DocumentReference")
      m.documents.push_back(r);
    else if (type == "Observation" && is_score(*r))
      m.scores.push_back(r);
  }
  if (m.header == nullptr) return std::string("the feedback message has no MessageHeader");
  if (m.task == nullptr) return std::string("the feedback message has no Task");
  return m;
}

std::optional<std::string> write_rows(const feedback::message_view& m, std::span<const feedback::row> rows,
                                      message_builder& out) {
  std::string current;
  std::size_t occurrence = 0;
  segment_builder* segment = nullptr;
  for (const feedback::row& r : rows) {
    if (r.segment == "OBX") continue;  // per score, below
    if (segment == nullptr || r.segment != current || r.occurrence != occurrence) {
      current = std::string(r.segment);
      occurrence = r.occurrence;
      segment = &out.add(current);
    }
    if (auto problem = r.write(m, nullptr, *segment)) return problem;
  }
  const bool per_score =
      std::any_of(rows.begin(), rows.end(), [](const feedback::row& r) { return r.segment == "OBX"; });
  std::size_t set_id = 0;
  for (const Value* score : per_score ? m.scores : std::vector<const Value*>{}) {
    segment_builder& obx = out.add("OBX");
    obx.set(1, std::to_string(++set_id));
    for (const feedback::row& r : rows) {
      if (r.segment != "OBX") continue;
      if (auto problem = r.write(m, score, obx)) return problem;
    }
  }
  return std::nullopt;
}

boost::system::result<v2_outgoing, std::string> write_message(feedback::message_view m, std::string_view kind,
                                                              std::string control_id) {
  m.kind = kind;
  m.control_id = control_id;
  message_builder out;
  using result = boost::system::result<v2_outgoing, std::string>;
  if (auto problem = write_rows(m, feedback::header_rows(), out))
    return result(boost::system::in_place_error, *problem);
  if (auto problem = write_rows(m, kind == "RRI^I12" ? feedback::rri_rows() : feedback::oru_rows(), out)) {
    return result(boost::system::in_place_error, *problem);
  }
  return v2_outgoing{std::move(control_id), std::string(kind), out.write()};
}

}  // namespace

std::string control_id_for(std::string_view item_id, std::size_t k) {
  const std::string source = k == 0 ? std::string(item_id) : core::derived_uuid(item_id, k);
  std::string out;
  for (const char c : source) {
    if (c != '-') out += c;
    if (out.size() == 20) break;
  }
  return out;
}

v2_feedback_result feedback_to_v2(std::string_view fhir_message_json, const v2_feedback_settings& settings) {
  auto parsed = fhir::parse_json(fhir_message_json);
  if (!parsed) return std::string("the feedback message is not JSON");
  auto view = view_of(*parsed);
  if (!view) return view.error();
  view->settings = &settings;
  const std::string item_id(json::string_member(*view->header, "id"));
  if (item_id.empty()) return std::string("the MessageHeader has no id (the outbox item id)");

  const Value* event = json::object_member(*view->header, "eventCoding");
  const std::string_view code = event ? json::string_member(*event, "code") : std::string_view{};
  std::vector<v2_outgoing> out;
  const bool outcome = code == core::to_string(core::feedback_event::outcome_report);
  if (!outcome && code != core::to_string(core::feedback_event::status_update)) {
    return std::string("MessageHeader.eventCoding is neither status-update nor outcome-report");
  }
  if (!outcome || json::string_member(*view->task, "status") == "completed") {
    auto rri = write_message(*view, "RRI^I12", control_id_for(item_id, 0));
    if (!rri) return rri.error();
    out.push_back(std::move(*rri));
  }
  if (outcome) {
    auto oru = write_message(*view, "ORU^R01", control_id_for(item_id, out.size()));
    if (!oru) return oru.error();
    out.push_back(std::move(*oru));
  }
  return out;
}

}  // namespace gateway::hl7v2
