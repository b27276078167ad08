#include "gateway/core/feedback_message.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/outcome_summary_resources.hpp"
#include "gateway/core/store_outbox.hpp"

#include "fhir/validator.hpp"

#include <cstdint>
#include <set>

namespace gateway::core {
namespace {

using rapidjson::Value;

// FNV-1a, 64 bits: enough spread for ids derived from a random UUID (not a security property).
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string_view event_display(feedback_event e) {
  return e == feedback_event::outcome_report ? "Outcome report" : "Status update";
}

std::string stored_full_url(const feedback_message_input& in, const Value& resource) {
  return in.base_url + "/" + std::string(fhir::json::string_member(resource, "resourceType")) + "/" +
         std::string(fhir::json::string_member(resource, "id"));
}

std::string relative_reference(const Value& resource) {
  return std::string(fhir::json::string_member(resource, "resourceType")) + "/" +
         std::string(fhir::json::string_member(resource, "id"));
}

class entries {
 public:
  explicit entries(rapidjson::Document& bundle) : bundle_(bundle), list_(rapidjson::kArrayType) {}

  // Adds a copy of `resource` under `full_url`; a second entry with the same fullUrl is dropped
  // (bdl-7), so a resource named twice by the caller appears once.
  void add(const std::string& full_url, const Value& resource) {
    if (!seen_.insert(full_url).second) return;
    auto& a = bundle_.GetAllocator();
    Value entry(rapidjson::kObjectType);
    json::add_string(entry, "fullUrl", full_url, a);
    entry.AddMember("resource", Value(resource, a), a);
    list_.PushBack(entry, a);
  }

  void finish() { bundle_.AddMember("entry", list_, bundle_.GetAllocator()); }

 private:
  rapidjson::Document& bundle_;
  Value list_;
  std::set<std::string, std::less<>> seen_;
};

Value message_header(const feedback_message_input& in, json::allocator& a) {
  Value header(rapidjson::kObjectType);
  json::add_string(header, "resourceType", "MessageHeader", a);
  json::add_string(header, "id", in.message_id, a);
  header.AddMember("eventCoding", json::coding(systems::message_event, to_string(in.event), event_display(in.event), a),
                   a);

  Value destination(rapidjson::kObjectType);
  json::add_string(destination, "name", in.destination.organisation, a);
  json::add_string(destination, "endpoint",
                   in.destination.endpoint.empty() ? "urn:ods:" + in.destination.organisation : in.destination.endpoint,
                   a);
  destination.AddMember("receiver", json::logical_reference(systems::ods_organisation, in.destination.organisation, a),
                        a);
  Value destinations(rapidjson::kArrayType);
  destinations.PushBack(destination, a);
  header.AddMember("destination", destinations, a);

  Value source(rapidjson::kObjectType);
  json::add_string(source, "name", "Referral gateway", a);
  json::add_string(source, "endpoint", in.source_endpoint, a);
  header.AddMember("source", source, a);

  Value focus(rapidjson::kArrayType);
  focus.PushBack(json::reference(relative_reference(*in.task), a), a);
  focus.PushBack(json::reference(relative_reference(*in.service_request), a), a);
  header.AddMember("focus", focus, a);
  if (!in.reason.empty()) {
    Value reason(rapidjson::kObjectType);
    json::add_string(reason, "text", in.reason, a);
    header.AddMember("reason", reason, a);
  }
  return header;
}

}  // namespace

std::string_view to_string(feedback_event e) {
  return e == feedback_event::outcome_report ? "outcome-report" : "status-update";
}

std::string derived_uuid(std::string_view seed, std::size_t n) {
  std::string salt = "/";  // appended, not "/" + ...: g++ 12 warns falsely (-Wrestrict) on that form
  salt += std::to_string(n);
  const std::uint64_t hi = fnv1a(salt, fnv1a(seed, 0xcbf29ce484222325ULL));
  const std::uint64_t lo = fnv1a(salt, fnv1a(seed, 0x84222325cbf29ce4ULL) ^ hi);
  unsigned char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
    bytes[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x80);  // version 8
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);  // variant 10xx
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0x0f];
  }
  return out;
}

rapidjson::Document build_feedback_message(const feedback_message_input& in) {
  rapidjson::Document bundle(rapidjson::kObjectType);
  auto& a = bundle.GetAllocator();
  json::add_string(bundle, "resourceType", "Bundle", a);
  Value identifier(rapidjson::kObjectType);
  json::add_string(identifier, "system", "urn:ietf:rfc:3986", a);
  json::add_string(identifier, "value", "urn:uuid:" + in.message_id, a);
  bundle.AddMember("identifier", identifier, a);
  json::add_string(bundle, "type", "message", a);
  json::add_string(bundle, "timestamp", in.timestamp, a);

  entries list(bundle);
  {
    rapidjson::Document header(rapidjson::kObjectType);
    Value h = message_header(in, header.GetAllocator());
    list.add("urn:uuid:" + in.message_id, h);
  }
  list.add(stored_full_url(in, *in.task), *in.task);
  if (in.destination.include_service_request) list.add(stored_full_url(in, *in.service_request), *in.service_request);
  if (in.patient != nullptr) list.add(stored_full_url(in, *in.patient), *in.patient);
  for (const Value* outcome : in.outcomes) {
    if (outcome != nullptr) list.add(stored_full_url(in, *outcome), *outcome);
  }

  if (in.summary != nullptr && in.summary_codes != nullptr) {
    outcome_resource_context ctx;
    ctx.service_request_reference = relative_reference(*in.service_request);
    ctx.patient_reference = in.patient_reference;
    ctx.issued = in.timestamp;
    std::vector<rapidjson::Document> made = build_outcome_observations(*in.summary, *in.summary_codes, ctx);
    made.push_back(build_outcome_narrative(*in.summary, ctx));
    for (std::size_t i = 0; i < made.size(); ++i) {
      const std::string id = derived_uuid(in.message_id, i + 1);
      auto& r = made[i];
      r.RemoveMember("id");
      // resourceType first, then id: the usual order for a reader of the message.
      Value ordered(rapidjson::kObjectType);
      json::add_string(ordered, "resourceType", fhir::json::string_member(r, "resourceType"), r.GetAllocator());
      json::add_string(ordered, "id", id, r.GetAllocator());
      for (auto m = r.MemberBegin(); m != r.MemberEnd(); ++m) {
        if (fhir::json::as_string(&m->name) == "resourceType") continue;
        ordered.AddMember(Value(m->name, r.GetAllocator()), Value(m->value, r.GetAllocator()), r.GetAllocator());
      }
      list.add("urn:uuid:" + id, ordered);
    }
  }
  list.finish();
  return bundle;
}

feedback_item_outcome make_feedback_item(const feedback_message_input& in) {
  const rapidjson::Document message = build_feedback_message(in);
  fhir::outcome checked = fhir::validate(message);
  if (!checked.ok()) return feedback_item_outcome(boost::system::in_place_error, std::move(checked));
  outbox_item item;
  item.id = in.message_id;
  item.channel = feedback_channel;
  item.destination = in.destination.organisation;
  item.ordering_key = std::string(fhir::json::string_member(*in.service_request, "id"));
  item.content_type = fhir_json_content_type;
  item.payload = json::serialise(message);
  return item;
}

}  // namespace gateway::core
