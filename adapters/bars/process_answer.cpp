#include "adapters/bars/process_answer.hpp"

#include "adapters/bars/reply_message.hpp"
#include "fhir/json_view.hpp"
#include "fhir/operation_outcome_json.hpp"

namespace gateway::bars {

rapidjson::Document build_process_answer(const answer_input& in) {
  rapidjson::Document details;
  reply_parts parts;
  parts.message_id = in.message_id;
  parts.timestamp = in.timestamp;
  parts.task = in.task;
  parts.task_full_url = in.base_url + "/Task/" + std::string(fhir::json::string_member(*in.task, "id"));
  parts.service_request = in.service_request;
  if (!in.notes.empty()) {
    fhir::outcome notes;
    notes.issues = in.notes;
    details.Parse(fhir::to_operation_outcome_json(notes).c_str());
    parts.details = &details;
  }
  return assemble_reply(parts, in.origin, in.referrer_ods, in.platform_ods);
}

}  // namespace gateway::bars
