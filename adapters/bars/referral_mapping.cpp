#include "adapters/bars/referral_mapping.hpp"

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/nhs_identifier_system.hpp"
#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/reference_scope.hpp"

namespace gateway::bars {
namespace {

namespace json = core::json;
using rapidjson::Value;

constexpr std::size_t max_system_notes = 20;

// Corrects the system of every Identifier (an object with string members system and value)
// found under a value, depth first, naming each correction by its path.
class system_corrector {
 public:
  system_corrector(std::vector<fhir::issue>& notes, json::allocator& a) : notes_(notes), allocator_(a) {}

  void walk(Value& v, const std::string& path) {
    if (v.IsObject()) {
      correct_if_identifier(v, path);
      for (auto& m : v.GetObject())
        walk(m.value, path + "." + std::string(m.name.GetString(), m.name.GetStringLength()));
    } else if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) walk(v[i], path + "[" + std::to_string(i) + "]");
    }
  }

 private:
  void correct_if_identifier(Value& v, const std::string& path) {
    auto system = v.FindMember("system");
    auto value = v.FindMember("value");
    if (system == v.MemberEnd() || value == v.MemberEnd() || !system->value.IsString() || !value->value.IsString())
      return;
    const std::string given(fhir::json::as_string(&system->value));
    const canonical_system c = canonical_nhs_system(given);
    if (!c.corrected) return;
    if (notes_.size() < max_system_notes) {
      notes_.push_back(
          {fhir::severity::warning, fhir::issue_code::value,
           "read as " + c.system + " (the message spells it " + given + "; UK Core defines https://fhir.nhs.uk/Id/...)",
           path + ".system"});
    }
    system->value.SetString(c.system.data(), static_cast<rapidjson::SizeType>(c.system.size()), allocator_);
  }

  std::vector<fhir::issue>& notes_;
  json::allocator& allocator_;
};

void note(std::vector<fhir::issue>& notes, std::string expression, std::string text) {
  notes.push_back({fhir::severity::information, fhir::issue_code::processing, std::move(text), std::move(expression)});
}

// The resource's ODS code ("" when it has none).
std::string_view ods_of(const Value& resource) {
  for (const Value& id : fhir::json::each(resource, "identifier"))
    if (fhir::json::string_member(id, "system") == core::systems::ods_organisation &&
        !fhir::json::string_member(id, "value").empty())
      return fhir::json::string_member(id, "value");
  return {};
}

bool has_ods(const Value& resource) {
  return !ods_of(resource).empty();
}

// Whether the requester leads to an ODS code the way core::normalise_service_request reads it.
bool requester_names_ods(const Value& sr, const core::transaction_referral& entries) {
  const Value* requester = fhir::json::object_member(sr, "requester");
  if (requester == nullptr) return false;
  if (const Value* id = fhir::json::object_member(*requester, "identifier"))
    if (fhir::json::string_member(*id, "system") == core::systems::ods_organisation) return true;
  const Value* target = entries.resolve(fhir::json::string_member(*requester, "reference"));
  if (target == nullptr) return false;
  const auto type = fhir::json::string_member(*target, "resourceType");
  if (type == "Organization") return has_ods(*target);
  if (type != "PractitionerRole") return false;
  const Value* org = fhir::json::object_member(*target, "organization");
  if (org == nullptr) return false;
  if (const Value* id = fhir::json::object_member(*org, "identifier"))
    if (fhir::json::string_member(*id, "system") == core::systems::ods_organisation) return true;
  const Value* org_resource = entries.resolve(fhir::json::string_member(*org, "reference"));
  return org_resource != nullptr && fhir::json::string_member(*org_resource, "resourceType") == "Organization" &&
         has_ods(*org_resource);
}

void map_identifier(Value& sr, const inbound_message& m, json::allocator& a, std::vector<fhir::issue>& notes,
                    const std::string& at) {
  const std::string value = "urn:uuid:" + m.service_request_uuid;
  Value ids(rapidjson::kArrayType);
  Value ours(rapidjson::kObjectType);
  json::add_string(ours, "system", systems::uri_identifier, a);
  json::add_string(ours, "value", value, a);
  ids.PushBack(ours, a);
  bool already_first = false;
  if (auto existing = sr.FindMember("identifier"); existing != sr.MemberEnd() && existing->value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < existing->value.Size(); ++i) {
      Value& id = existing->value[i];
      const bool same = fhir::json::string_member(id, "system") == systems::uri_identifier &&
                        fhir::json::string_member(id, "value") == value;
      if (same) {
        already_first = i == 0;
        continue;
      }
      ids.PushBack(Value(id, a), a);
    }
  }
  sr.RemoveMember("identifier");
  sr.AddMember("identifier", ids, a);
  if (!already_first)
    note(notes, at + ".identifier[0]",
         "the referral is identified by the sender's id for the ServiceRequest (" + value + ")");
}

// BaRS profiles fix ServiceRequest.intent to "plan"; the platform's referral profile records a
// referral it is asked to act on as an "order" (replies say "plan" again, reply_message.cpp).
void map_intent(Value& sr, json::allocator& a, std::vector<fhir::issue>& notes, const std::string& at) {
  if (fhir::json::string_member(sr, "intent") != "plan") return;
  sr["intent"].SetString("order", a);
  note(notes, at + ".intent", "recorded as order (BaRS sends plan; the platform is asked to act on the referral)");
}

void map_authored_on(Value& sr, const Value& bundle, json::allocator& a, std::vector<fhir::issue>& notes,
                     const std::string& at) {
  if (fhir::json::member(sr, "authoredOn") != nullptr) return;
  const auto timestamp = fhir::json::string_member(bundle, "timestamp");
  if (timestamp.empty()) return;
  json::add_string(sr, "authoredOn", timestamp, a);
  note(notes, at + ".authoredOn", "taken from Bundle.timestamp (the message gives no authoredOn)");
}

void map_reasons(Value& sr, const core::transaction_referral& entries, json::allocator& a,
                 std::vector<fhir::issue>& notes, const std::string& at) {
  if (fhir::json::member(sr, "reasonCode") != nullptr || fhir::json::member(sr, "reasonReference") != nullptr) return;
  Value reasons(rapidjson::kArrayType);
  auto take = [&](const Value& concept_) {
    bool coded = false;
    for (const Value& c : fhir::json::each(concept_, "coding"))
      coded =
          coded || (!fhir::json::string_member(c, "system").empty() && !fhir::json::string_member(c, "code").empty());
    if (coded) reasons.PushBack(Value(concept_, a), a);
  };
  std::vector<std::string> from;
  for (const Value& ref : fhir::json::each(sr, "basedOn")) {
    const Value* plan = entries.resolve(fhir::json::string_member(ref, "reference"));
    if (plan == nullptr || fhir::json::string_member(*plan, "resourceType") != "CarePlan") continue;
    const auto before = reasons.Size();
    for (const Value& activity : fhir::json::each(*plan, "activity"))
      for (const Value& concept_ : fhir::json::each(activity, "outcomeCodeableConcept")) take(concept_);
    if (reasons.Size() > before) from.emplace_back("the CarePlan's activity.outcomeCodeableConcept");
  }
  if (const Value* enc = fhir::json::object_member(sr, "encounter")) {
    const Value* encounter = entries.resolve(fhir::json::string_member(*enc, "reference"));
    if (encounter != nullptr && fhir::json::string_member(*encounter, "resourceType") == "Encounter") {
      const auto before = reasons.Size();
      for (const Value& concept_ : fhir::json::each(*encounter, "reasonCode")) take(concept_);
      if (reasons.Size() > before) from.emplace_back("the Encounter's reasonCode");
    }
  }
  if (reasons.Empty()) return;
  sr.AddMember("reasonCode", reasons, a);
  std::string sources;
  for (const auto& f : from) sources += (sources.empty() ? "" : " and ") + f;
  note(notes, at + ".reasonCode", "taken from " + sources + " (the ServiceRequest gives no reason)");
}

void map_requester(Value& sr, const inbound_message& m, const core::transaction_referral& entries, json::allocator& a,
                   std::vector<fhir::issue>& notes, const std::string& at) {
  if (requester_names_ods(sr, entries) || !m.has_sender) return;
  const core::transaction_entry& sender = entries.entries[m.sender];
  if (sender.full_url.empty() || !has_ods(*sender.resource)) return;
  // The reference to the sender's entry and its ODS code as the logical identifier: the stored
  // referral then names its requester's organisation by itself (a later cancellation or update
  // checks it against the caller without resolving the reference).
  Value requester = json::logical_reference(core::systems::ods_organisation, ods_of(*sender.resource), a);
  json::add_string(requester, "reference", sender.full_url, a);
  sr.RemoveMember("requester");
  sr.AddMember("requester", requester, a);
  note(notes, at + ".requester",
       "the message's sender Organization (MessageHeader.sender, with its ODS code): the requester given names no "
       "organisation");
}

// References to the sender's own records (core::sender_record_types, e.g. the Encounter's
// episodeOfCare): kept as sent and never resolved here (the create's reference check agrees,
// core::kept_as_sender_record); each is reported so the sender sees what was not followed.
void note_sender_records(const core::transaction_referral& entries, std::vector<fhir::issue>& notes) {
  std::size_t noted = 0;
  for (const auto& e : entries.entries) {
    for (const auto& ref : core::outside_references(*e.resource)) {
      if (!core::kept_as_sender_record(ref, core::reference_base::sender_system) || ++noted > max_system_notes)
        continue;
      note(notes, entry_expression(e.index, ref.path),
           "'" + ref.reference + "' names a record of the sending system: kept as sent, not resolved by this receiver");
    }
  }
}

}  // namespace

void correct_identifier_systems(Value& resource, const std::string& expression, std::vector<fhir::issue>& notes,
                                json::allocator& a) {
  system_corrector(notes, a).walk(resource, expression);
}

mapped_referral map_referral(const inbound_message& message, const Value& original) {
  mapped_referral out;
  out.bundle = std::make_unique<rapidjson::Document>();
  auto& a = out.bundle->GetAllocator();
  out.bundle->CopyFrom(original, a);
  Value& entries = (*out.bundle)["entry"];
  for (rapidjson::SizeType i = 0; i < entries.Size(); ++i) {
    Value& resource = entries[i]["resource"];
    correct_identifier_systems(resource, entry_expression(i), out.notes, a);
    core::transaction_entry e;
    e.index = i;
    e.full_url = message.entries[i].full_url;
    e.resource_type = message.entries[i].resource_type;
    e.resource = &resource;
    out.entries.entries.push_back(std::move(e));
  }
  out.entries.service_request = message.service_request;
  Value& sr = entries[static_cast<rapidjson::SizeType>(message.service_request)]["resource"];
  const std::string at = entry_expression(message.service_request);
  map_identifier(sr, message, a, out.notes, at);
  map_intent(sr, a, out.notes, at);
  map_authored_on(sr, *out.bundle, a, out.notes, at);
  map_reasons(sr, out.entries, a, out.notes, at);
  map_requester(sr, message, out.entries, a, out.notes, at);
  note_sender_records(out.entries, out.notes);
  // The referral's patient is its subject's entry (another Patient entry is just a resource).
  out.entries.patient.reset();
  if (const Value* subject = fhir::json::object_member(sr, "subject"))
    for (const auto& e : out.entries.entries)
      if (e.resource_type == "Patient" && !e.full_url.empty() &&
          e.full_url == fhir::json::string_member(*subject, "reference"))
        out.entries.patient = e.index;
  return out;
}

}  // namespace gateway::bars
