#include "gateway/core/outcome_summary_resources.hpp"

#include "gateway/core/code_systems.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::core {
namespace {

void add_common(rapidjson::Document& r, const outcome_resource_context& ctx, json::allocator& a) {
  rapidjson::Value based_on(rapidjson::kArrayType);
  based_on.PushBack(json::reference(ctx.service_request_reference, a), a);
  r.AddMember("basedOn", based_on, a);
}

std::string insufficient_text(const outcome_summary& s) {
  std::string text = "insufficient data";
  for (std::size_t i = 0; i < s.insufficient.size(); ++i) text += (i ? "; " : ": ") + s.insufficient[i];
  return text;
}

}  // namespace

std::vector<rapidjson::Document> build_outcome_observations(const outcome_summary& s, const code_system& cs,
                                                            const outcome_resource_context& ctx) {
  struct conclusion {
    std::string_view code;
    std::optional<bool> value;
    bool at_start;
  };
  const conclusion conclusions[] = {
      {"case-at-start", s.case_at_start, true},
      {"case-at-end", s.case_at_end, false},
      {"recovery", s.recovery, false},
      {"reliable-improvement", s.reliable_improvement, false},
      {"reliable-deterioration", s.reliable_deterioration, false},
      {"reliable-recovery", s.reliable_recovery, false},
  };
  std::vector<const outcome_score*> used;
  for (const auto* m : {&s.phq9, &s.gad7}) {
    if (m->first) used.push_back(&*m->first);
    if (m->last) used.push_back(&*m->last);
  }
  const outcome_score* first = nullptr;
  const outcome_score* last = nullptr;
  for (const auto* sc : used) {
    if (!first || sc->effective < first->effective) first = sc;
    if (!last || sc->effective > last->effective) last = sc;
  }

  std::vector<rapidjson::Document> out;
  for (const auto& c : conclusions) {
    rapidjson::Document obs(rapidjson::kObjectType);
    auto& a = obs.GetAllocator();
    json::add_string(obs, "resourceType", "Observation", a);
    add_common(obs, ctx, a);
    json::add_string(obs, "status", "final", a);
    obs.AddMember("code", json::codeable_concept(systems::outcome_summary, c.code, cs.display(c.code), a), a);
    obs.AddMember("subject", json::reference(ctx.patient_reference, a), a);
    const outcome_score* when = c.at_start ? first : last;
    if (when) json::add_string(obs, "effectiveDateTime", format_instant(when->effective), a);
    json::add_string(obs, "issued", ctx.issued, a);
    if (c.value) {
      obs.AddMember("valueBoolean", *c.value, a);
    } else {
      obs.AddMember("dataAbsentReason",
                    json::codeable_concept(systems::data_absent_reason, "unknown", "Unknown", a, insufficient_text(s)),
                    a);
    }
    rapidjson::Value derived(rapidjson::kArrayType);
    for (const auto* sc : used)
      if (!sc->reference.empty()) derived.PushBack(json::reference(sc->reference, a), a);
    if (!derived.Empty()) obs.AddMember("derivedFrom", derived, a);
    out.push_back(std::move(obs));
  }
  return out;
}

rapidjson::Document build_outcome_narrative(const outcome_summary& s, const outcome_resource_context& ctx) {
  rapidjson::Document comm(rapidjson::kObjectType);
  auto& a = comm.GetAllocator();
  json::add_string(comm, "resourceType", "Communication", a);
  add_common(comm, ctx, a);
  json::add_string(comm, "status", "completed", a);
  comm.AddMember("subject", json::reference(ctx.patient_reference, a), a);
  json::add_string(comm, "sent", ctx.issued, a);
  rapidjson::Value payload(rapidjson::kObjectType);
  json::add_string(payload, "contentString", s.narrative, a);
  rapidjson::Value payloads(rapidjson::kArrayType);
  payloads.PushBack(payload, a);
  comm.AddMember("payload", payloads, a);
  return comm;
}

}  // namespace gateway::core
