#include "adapters/bars/reply_message.hpp"

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/progress_map.hpp"
#include "adapters/bars/reply_envelope.hpp"
#include "fhir/validator.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/json_read.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::bars {
namespace {

namespace json = core::json;
using rapidjson::Value;

constexpr std::string_view act_code_system = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

std::string typed_id(const Value& resource) {
  return std::string(json::string_member(resource, "resourceType")) + "/" +
         std::string(json::string_member(resource, "id"));
}

std::string sr_full_url(const reply_input& in) {
  return "urn:uuid:" + in.origin.service_request_uuid;
}

std::string encounter_full_url(const reply_input& in) {
  if (!in.origin.encounter_full_url.empty()) return in.origin.encounter_full_url;
  return "urn:uuid:" + core::derived_uuid(in.origin.service_request_id, 1);
}

progress_state progress_of(const reply_input& in) {
  const auto status = core::parse_task_status(json::string_member(*in.task, "status"));
  std::string_view business;
  if (const Value* bs = json::object_member(*in.task, "businessStatus"))
    for (const Value& c : json::each(*bs, "coding"))
      if (json::string_member(c, "system") == core::systems::business_status) business = json::string_member(c, "code");
  return progress_for(status.value_or(core::task_status::requested), business);
}

Value message_header(const reply_input& in, json::allocator& a) {
  Value h(rapidjson::kObjectType);
  json::add_string(h, "resourceType", "MessageHeader", a);
  json::add_string(h, "id", in.message_id, a);
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
  h.AddMember("reason", json::codeable_concept(systems::message_reason, in.first_reply ? "new" : "update", {}, a), a);
  Value response(rapidjson::kObjectType);
  json::add_string(response, "identifier", in.origin.original_bundle_id, a);
  json::add_string(response, "code", "ok", a);
  h.AddMember("response", response, a);
  Value focus(rapidjson::kArrayType);
  focus.PushBack(json::reference(sr_full_url(in), a), a);
  h.AddMember("focus", focus, a);
  return h;
}

void set_string(Value& object, std::string_view name, std::string_view value, json::allocator& a) {
  object.RemoveMember(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  json::add_string(object, name, value, a);
}

Value service_request(const reply_input& in, const progress_state& p, json::allocator& a) {
  Value sr(*in.service_request, a);
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

Value encounter(const reply_input& in, const progress_state& p, json::allocator& a) {
  Value e(rapidjson::kObjectType);
  json::add_string(e, "resourceType", "Encounter", a);
  json::add_string(e, "id", core::derived_uuid(in.origin.service_request_id, 1), a);
  json::add_string(e, "status", p.encounter_status, a);
  if (!in.origin.encounter_class_code.empty())
    e.AddMember("class", json::coding(in.origin.encounter_class_system, in.origin.encounter_class_code, {}, a), a);
  else
    e.AddMember("class", json::coding(act_code_system, "AMB", "ambulatory", a), a);
  if (const Value* subject = json::object_member(*in.service_request, "subject"))
    e.AddMember("subject", Value(*subject, a), a);
  Value based_on(rapidjson::kArrayType);
  based_on.PushBack(json::reference(sr_full_url(in), a), a);
  e.AddMember("basedOn", based_on, a);
  return e;
}

Value task(const reply_input& in, const progress_state& p, json::allocator& a) {
  Value t(*in.task, a);
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

rapidjson::Document build_reply_message(const reply_input& in) {
  rapidjson::Document bundle(rapidjson::kObjectType);
  auto& a = bundle.GetAllocator();
  const progress_state p = progress_of(in);
  json::add_string(bundle, "resourceType", "Bundle", a);
  json::add_string(bundle, "id", in.message_id, a);
  json::add_string(bundle, "type", "message", a);
  json::add_string(bundle, "timestamp", in.timestamp, a);
  Value entries(rapidjson::kArrayType);
  add_entry(entries, "urn:uuid:" + in.message_id, message_header(in, a), a);
  add_entry(entries, sr_full_url(in), service_request(in, p, a), a);
  add_entry(entries, encounter_full_url(in), encounter(in, p, a), a);
  add_entry(entries, in.base_url + "/" + typed_id(*in.task), task(in, p, a), a);
  for (const Value* outcome : in.outcomes)
    if (outcome != nullptr) add_entry(entries, in.base_url + "/" + typed_id(*outcome), Value(*outcome, a), a);
  bundle.AddMember("entry", entries, a);
  return bundle;
}

reply_item_outcome make_reply_item(const reply_input& in) {
  const rapidjson::Document message = build_reply_message(in);
  fhir::outcome checked = fhir::validate(message);
  if (!checked.ok()) return reply_item_outcome(boost::system::in_place_error, std::move(checked));
  reply_envelope envelope;
  envelope.url = in.route.url;
  envelope.request_id = in.message_id;
  envelope.correlation_id = in.origin.correlation_id;
  if (in.route.target) envelope.target_identifier = encode_target_identifier(*in.route.target);
  envelope.message = json::serialise(message);
  core::outbox_item item;
  item.id = in.message_id;
  item.channel = core::feedback_channel;
  item.destination = in.referrer_ods;
  item.ordering_key = in.origin.service_request_id;
  item.content_type = std::string(envelope_content_type);
  item.payload = write_envelope(envelope);
  return item;
}

}  // namespace gateway::bars
