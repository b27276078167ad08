#include "adapters/bars/reply_message.hpp"

#include <vector>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/progress_map.hpp"
#include "adapters/bars/target_identifier.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::bars {
namespace {

namespace json = core::json;
using rapidjson::Value;

constexpr std::string_view act_code_system = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

struct reply_header {
  const conversation& origin;
  const std::string& referrer_ods;
  const std::string& platform_ods;
};

std::string sr_full_url(const conversation& origin) {
  return "urn:uuid:" + origin.service_request_uuid;
}

std::string encounter_full_url(const conversation& origin) {
  if (!origin.encounter_full_url.empty()) return origin.encounter_full_url;
  return "urn:uuid:" + core::derived_uuid(origin.service_request_id, 1);
}

progress_state progress_of(const Value& task) {
  const auto status = core::parse_task_status(fhir::json::string_member(task, "status"));
  std::string_view business;
  if (const Value* bs = fhir::json::object_member(task, "businessStatus"))
    for (const Value& c : fhir::json::each(*bs, "coding"))
      if (fhir::json::string_member(c, "system") == core::systems::business_status)
        business = fhir::json::string_member(c, "code");
  return progress_for(status.value_or(core::task_status::requested), business);
}

core::result<reply_parts> read_feedback(const Value& bundle) {
  reply_parts out;
  out.timestamp = std::string(fhir::json::string_member(bundle, "timestamp"));
  std::size_t i = 0;
  for (const Value& entry : fhir::json::each(bundle, "entry")) {
    const Value* resource = fhir::json::object_member(entry, "resource");
    const auto type = resource != nullptr ? fhir::json::string_member(*resource, "resourceType") : std::string_view{};
    if (i++ == 0) {
      if (type == "MessageHeader") out.message_id = std::string(fhir::json::string_member(*resource, "id"));
    } else if (type == "Task" && out.task == nullptr) {
      out.task = resource;
      out.task_full_url = std::string(fhir::json::string_member(entry, "fullUrl"));
    } else if (type == "ServiceRequest" && out.service_request == nullptr) {
      out.service_request = resource;
    } else if (resource != nullptr) {
      out.other_entries.push_back(&entry);
    }
  }
  const auto missing = [](std::string what) {
    return core::make_error(core::error_kind::invalid, "Bundle.entry", "the feedback message has no " + what);
  };
  if (out.message_id.empty()) return missing("MessageHeader with an id first");
  if (out.task == nullptr) return missing("Task");
  if (out.service_request == nullptr)
    return missing("ServiceRequest (a BaRS reply carries it: the referrer's feedback includes it)");
  return out;
}

Value message_header(const reply_header& in, const reply_parts& parts, const std::string& details_full_url,
                     json::allocator& a) {
  Value h(rapidjson::kObjectType);
  json::add_string(h, "resourceType", "MessageHeader", a);
  json::add_string(h, "id", parts.message_id, a);
  h.AddMember("eventCoding", json::coding(systems::message_event, events::servicerequest_response, {}, a), a);
  Value destination(rapidjson::kObjectType);
  json::add_string(destination, "endpoint", in.origin.source_endpoint, a);
  destination.AddMember("receiver", json::logical_reference(core::systems::ods_organisation, in.referrer_ods, a), a);
  Value destinations(rapidjson::kArrayType);
  destinations.PushBack(destination, a);
  h.AddMember("destination", destinations, a);
  h.AddMember("sender", json::logical_reference(core::systems::ods_organisation, in.platform_ods, a), a);
  Value source(rapidjson::kObjectType);
  json::add_string(source, "name", "Referral gateway", a);
  json::add_string(source, "endpoint", in.origin.destination_endpoint, a);
  h.AddMember("source", source, a);
  h.AddMember("reason", json::codeable_concept(systems::message_reason, "new", {}, a), a);
  Value response(rapidjson::kObjectType);
  json::add_string(response, "identifier", in.origin.original_bundle_id, a);
  json::add_string(response, "code", "ok", a);
  if (!details_full_url.empty()) response.AddMember("details", json::reference(details_full_url, a), a);
  h.AddMember("response", response, a);
  Value focus(rapidjson::kArrayType);
  focus.PushBack(json::reference(encounter_full_url(in.origin), a), a);
  h.AddMember("focus", focus, a);
  return h;
}

void set_string(Value& object, std::string_view name, std::string_view value, json::allocator& a) {
  object.RemoveMember(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  json::add_string(object, name, value, a);
}

Value service_request(const Value& stored, const progress_state& p, json::allocator& a) {
  Value sr(stored, a);
  set_string(sr, "status", p.service_request_status, a);
  set_string(sr, "intent", "plan", a);  // as BaRS profiles fix it (the gateway stores "order")
  if (!p.ers_state.empty()) {
    Value state(rapidjson::kObjectType);
    json::add_string(state, "url", "state", a);
    state.AddMember("valueCoding", json::coding(systems::ers_referral_state, p.ers_state, {}, a), a);
    Value inner(rapidjson::kArrayType);
    inner.PushBack(state, a);
    Value ext(rapidjson::kObjectType);
    json::add_string(ext, "url", systems::ers_state_extension, a);
    ext.AddMember("extension", inner, a);
    auto existing = sr.FindMember("extension");
    if (existing == sr.MemberEnd() || !existing->value.IsArray()) {
      sr.RemoveMember("extension");
      sr.AddMember("extension", Value(rapidjson::kArrayType), a);
      existing = sr.FindMember("extension");
    }
    existing->value.PushBack(ext, a);
  }
  return sr;
}

Value encounter(const conversation& origin, const Value& stored_sr, const progress_state& p, json::allocator& a) {
  Value e(rapidjson::kObjectType);
  json::add_string(e, "resourceType", "Encounter", a);
  json::add_string(e, "id", core::derived_uuid(origin.service_request_id, 1), a);
  json::add_string(e, "status", p.encounter_status, a);
  if (!origin.encounter_class_code.empty())
    e.AddMember("class", json::coding(origin.encounter_class_system, origin.encounter_class_code, {}, a), a);
  else
    e.AddMember("class", json::coding(act_code_system, "AMB", "ambulatory", a), a);
  if (const Value* subject = fhir::json::object_member(stored_sr, "subject"))
    e.AddMember("subject", Value(*subject, a), a);
  Value based_on(rapidjson::kArrayType);
  based_on.PushBack(json::reference(sr_full_url(origin), a), a);
  e.AddMember("basedOn", based_on, a);
  return e;
}

Value task(const Value& stored, const progress_state& p, json::allocator& a) {
  Value t(stored, a);
  if (p.ers_state.empty()) return t;
  auto bs = t.FindMember("businessStatus");
  if (bs == t.MemberEnd() || !bs->value.IsObject()) {
    t.RemoveMember("businessStatus");
    t.AddMember("businessStatus", Value(rapidjson::kObjectType), a);
    bs = t.FindMember("businessStatus");
  }
  auto codings = bs->value.FindMember("coding");
  if (codings == bs->value.MemberEnd() || !codings->value.IsArray()) {
    bs->value.RemoveMember("coding");
    bs->value.AddMember("coding", Value(rapidjson::kArrayType), a);
    codings = bs->value.FindMember("coding");
  }
  codings->value.PushBack(json::coding(systems::ers_referral_state, p.ers_state, {}, a), a);
  return t;
}

void add_entry(Value& entries, std::string_view full_url, Value resource, json::allocator& a) {
  Value entry(rapidjson::kObjectType);
  json::add_string(entry, "fullUrl", full_url, a);
  entry.AddMember("resource", resource, a);
  entries.PushBack(entry, a);
}

}  // namespace

rapidjson::Document assemble_reply(const reply_parts& parts, const conversation& origin,
                                   const std::string& referrer_ods, const std::string& platform_ods) {
  rapidjson::Document bundle(rapidjson::kObjectType);
  auto& a = bundle.GetAllocator();
  const progress_state p = progress_of(*parts.task);
  json::add_string(bundle, "resourceType", "Bundle", a);
  json::add_string(bundle, "id", parts.message_id, a);
  json::add_string(bundle, "type", "message", a);
  if (!parts.timestamp.empty()) json::add_string(bundle, "timestamp", parts.timestamp, a);
  const std::string details_full_url =
      parts.details != nullptr ? "urn:uuid:" + core::derived_uuid(parts.message_id, 2) : std::string();
  Value entries(rapidjson::kArrayType);
  add_entry(entries, "urn:uuid:" + parts.message_id,
            message_header({origin, referrer_ods, platform_ods}, parts, details_full_url, a), a);
  add_entry(entries, sr_full_url(origin), service_request(*parts.service_request, p, a), a);
  add_entry(entries, encounter_full_url(origin), encounter(origin, *parts.service_request, p, a), a);
  add_entry(entries, parts.task_full_url, task(*parts.task, p, a), a);
  for (const Value* other : parts.other_entries) entries.PushBack(Value(*other, a), a);
  if (parts.details != nullptr) add_entry(entries, details_full_url, Value(*parts.details, a), a);
  bundle.AddMember("entry", entries, a);
  return bundle;
}

core::result<rapidjson::Document> build_reply_message(const reply_input& in) {
  if (in.feedback == nullptr) return core::make_error(core::error_kind::invalid, "Bundle", "no feedback message");
  auto parts = read_feedback(*in.feedback);
  if (!parts) return parts.error();
  // The conversation must be this referral's: a reply never mixes two referrals.
  if (fhir::json::string_member(*parts->service_request, "id") != in.origin.service_request_id)
    return core::make_error(core::error_kind::invalid, "Bundle.entry",
                            "the feedback message is about another referral than the BaRS conversation");
  return assemble_reply(*parts, in.origin, in.referrer_ods, in.platform_ods);
}

core::result<reply_request> make_reply_request(const core::outbox_item& item, const conversation& origin,
                                               const referrer_routing& routing, const std::string& platform_ods) {
  fhir::json_limits limits;
  limits.max_bytes = item.payload.size() + 1;
  auto feedback = fhir::parse_json(item.payload, limits);
  if (!feedback) return core::make_error(core::error_kind::invalid, "payload", "not JSON: " + feedback.error().message);
  reply_input in{&*feedback, origin, item.destination, platform_ods};
  auto message = build_reply_message(in);
  if (!message) return message.error();
  if (fhir::outcome checked = fhir::validate(*message); !checked.ok()) {
    std::string where;
    for (const auto& i : checked.issues)
      if (i.severity == fhir::severity::error && where.size() < 300)
        where += (where.empty() ? "" : ", ") + i.expression;
    return core::make_error(core::error_kind::invalid, where,
                            "the gateway built a reply that is not valid R4 (a gateway fault); it is not sent");
  }
  const reply_route route = route_reply(routing, origin.source_endpoint);
  reply_request out;
  out.url = route.url;
  out.request_id = std::string(fhir::json::string_member(*message, "id"));
  out.correlation_id = origin.correlation_id;
  if (route.target) out.target_identifier = encode_target_identifier(*route.target);
  out.body = json::serialise(*message);
  return out;
}

}  // namespace gateway::bars
