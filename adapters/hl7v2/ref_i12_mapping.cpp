#include "adapters/hl7v2/ref_i12_mapping.hpp"

#include <array>
#include <charconv>

#include "adapters/hl7v2/ref_i12_rules.hpp"
#include "adapters/hl7v2/v2_reader.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::hl7v2 {
namespace {

namespace json = core::json;
using rapidjson::Value;

constexpr std::array<std::string_view, 11> versions = {"2.3", "2.3.1", "2.4", "2.5",   "2.5.1", "2.6",
                                                       "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2"};

// One Bundle entry being built: its resource and where it came from.
struct pending_entry {
  std::string resource_type;
  const segment* source = nullptr;  // the segment occurrence rows read (RF1, PID, PRD, DG1, OBX)
  std::string full_url;
};

class bundle_builder {
 public:
  bundle_builder(const message& m, const ref_i12_context& context) : read_(m), context_(context) {}

  ref_i12_result build() {
    const message& m = read_.msg();
    const segment* rf1 = m.find("RF1");
    if (rf1 == nullptr) return missing("RF1", "a REF^I12 needs an RF1 segment (referral information)");
    const segment* pid = m.find("PID");
    if (pid == nullptr) return missing("PID", "a REF^I12 needs a PID segment (the patient)");

    // The entries and their fullUrls, derived from sender and control id: the same message maps
    // to the same Bundle.
    seed_ = context_.requester_ods + "|" + std::string(m.header().raw(10));
    add("ServiceRequest", rf1);
    state_.patient_ref = add("Patient", pid);
    state_.organization_ref = add("Organization", &m.header());
    for (std::size_t k = 1; const segment* prd = m.find("PRD", k); ++k) {
      if (read_.text(*prd, 1, 1, 1) != "RP" || read_.human_name(*prd, 2, 1, scratch_.GetAllocator()).IsNull()) {
        continue;
      }
      state_.referring_provider = prd;
      state_.practitioner_ref = add("Practitioner", prd);
      state_.role_ref = add("PractitionerRole", prd);
      break;
    }
    for (std::size_t k = 1; const segment* dg1 = m.find("DG1", k); ++k)
      state_.condition_refs.push_back(add("Condition", dg1));
    for (std::size_t k = 1; const segment* obx = m.find("OBX", k); ++k) {
      state_.observation_refs.push_back(add("Observation", obx));
    }
    collect_referral_notes();

    v2_referral out;
    out.bundle.SetObject();
    auto& a = out.bundle.GetAllocator();
    json::add_string(out.bundle, "resourceType", "Bundle", a);
    json::add_string(out.bundle, "type", "transaction", a);
    Value list(rapidjson::kArrayType);
    for (const pending_entry& e : entries_) {
      Value resource(rapidjson::kObjectType);
      json::add_string(resource, "resourceType", e.resource_type, a);
      for (const ref_i12::rule& r : ref_i12::rules()) {
        if (r.apply == nullptr || r.resource != e.resource_type) continue;
        if (auto p = r.apply(state_, *e.source, resource, a)) return *p;
      }
      Value entry(rapidjson::kObjectType);
      json::add_string(entry, "fullUrl", e.full_url, a);
      entry.AddMember("resource", resource, a);
      Value request(rapidjson::kObjectType);
      json::add_string(request, "method", "POST", a);
      json::add_string(request, "url", e.resource_type, a);
      entry.AddMember("request", request, a);
      list.PushBack(entry, a);
      out.sources.push_back({e.resource_type, std::string(e.source->id()), e.source->sequence()});
    }
    out.bundle.AddMember("entry", list, a);
    if (read_.problem()) return *read_.problem();
    return out;
  }

 private:
  static mapping_problem missing(std::string_view segment_id, std::string text) {
    return mapping_problem{location{std::string(segment_id)}, hl7_error_code::segment_sequence, std::move(text)};
  }

  std::string add(std::string type, const segment* source) {
    std::string url = "urn:uuid:" + core::derived_uuid(seed_, entries_.size() + 1);
    entries_.push_back({std::move(type), source, url});
    return url;
  }

  // NTE segments belong to the OBX they follow (its note); the others to the referral.
  void collect_referral_notes() {
    bool after_obx = false;
    for (const segment& s : read_.msg().segments()) {
      if (s.id() == "OBX")
        after_obx = true;
      else if (s.id() != "NTE")
        after_obx = false;
      else if (!after_obx)
        state_.referral_notes.push_back(&s);
    }
  }

  v2_reader read_;
  const ref_i12_context& context_;
  ref_i12::build_state state_{read_, context_, {}, {}, {}, {}, {}, {}, nullptr, {}};
  std::vector<pending_entry> entries_;
  std::string seed_;
  rapidjson::Document scratch_;  // for look-ahead reads that build throw-away values
};

// "Bundle.entry[12].resource.identifier[0].value" -> {12, "identifier.value"} (indexes dropped).
std::optional<std::pair<std::size_t, std::string>> entry_path(std::string_view expression) {
  constexpr std::string_view prefix = "Bundle.entry[";
  if (!expression.starts_with(prefix)) return std::nullopt;
  expression.remove_prefix(prefix.size());
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(expression.data(), expression.data() + expression.size(), index);
  if (ec != std::errc{}) return std::nullopt;
  expression.remove_prefix(static_cast<std::size_t>(end - expression.data()));
  constexpr std::string_view resource = "].resource";
  if (!expression.starts_with(resource)) return std::pair{index, std::string()};
  expression.remove_prefix(resource.size());
  if (expression.starts_with('.')) expression.remove_prefix(1);
  std::string path;
  bool in_index = false;
  for (const char c : expression) {
    if (c == '[') in_index = true;
    if (!in_index) path += c;
    if (c == ']') in_index = false;
  }
  return std::pair{index, std::move(path)};
}

// How long a prefix of `path` the row's element covers (0: none). "value[x]" covers any
// valueXxx choice.
std::size_t covers(std::string_view element, std::string_view path) {
  if (element.empty()) return 0;
  if (element.ends_with("[x]")) {
    const std::string_view stem = element.substr(0, element.size() - 3);
    return path.starts_with(stem) ? stem.size() : 0;
  }
  if (path == element || (path.starts_with(element) && path[element.size()] == '.')) return element.size();
  return 0;
}

// Elements the validator names that no row writes directly, and the element whose row says where
// they came from: the referral profile checks the NHS number through ServiceRequest.subject, and
// asks for a reason as reasonCode or reasonReference.
struct alias {
  std::string_view resource, element, as_resource, as_element;
};
constexpr std::array<alias, 2> aliases = {{
    {"ServiceRequest", "subject.identifier", "Patient", "identifier"},
    {"ServiceRequest", "reasonCode", "ServiceRequest", "reasonReference"},
}};

}  // namespace

bool supported_v2_version(std::string_view version) {
  return std::find(versions.begin(), versions.end(), version) != versions.end();
}

std::optional<mapping_problem> check_ref_i12_header(const message& m) {
  const segment& msh = m.header();
  const auto at = [&](std::size_t field) { return msh.where(field); };
  if (msh.raw(9, 1, 1) != "REF") {
    return mapping_problem{at(9), hl7_error_code::unsupported_message_type,
                           "MSH-9 message type must be REF (this port takes REF^I12 referrals)"};
  }
  if (msh.raw(9, 1, 2) != "I12") {
    return mapping_problem{at(9), hl7_error_code::unsupported_event_code,
                           "MSH-9 trigger event must be I12 (patient referral)"};
  }
  if (presence_of(msh.raw(10)) != presence::present) {
    return mapping_problem{at(10), hl7_error_code::required_field_missing, "MSH-10 message control id is required"};
  }
  if (msh.raw(10).size() > 199) {
    return mapping_problem{at(10), hl7_error_code::data_type,
                           "MSH-10 message control id is longer than 199 characters"};
  }
  if (msh.raw(11, 1, 1) != "P") {
    return mapping_problem{at(11), hl7_error_code::unsupported_processing_id,
                           "MSH-11 processing id must be P (production): referrals are real"};
  }
  if (!supported_v2_version(msh.raw(12, 1, 1))) {
    return mapping_problem{at(12), hl7_error_code::unsupported_version_id,
                           "MSH-12 version must be one of 2.3 to 2.8.2"};
  }
  return std::nullopt;
}

ref_i12_result map_ref_i12(const message& m, const ref_i12_context& context) {
  return bundle_builder(m, context).build();
}

location v2_location_of(const v2_referral& referral, std::string_view expression) {
  const auto parsed = entry_path(expression);
  if (!parsed || parsed->first >= referral.sources.size()) return location{};
  const entry_source& source = referral.sources[parsed->first];
  std::string_view resource = source.resource_type;
  std::string_view path = parsed->second;
  for (const alias& a : aliases) {
    if (a.resource == resource && covers(a.element, path) > 0) {
      resource = a.as_resource;
      path = a.as_element;
      break;
    }
  }
  const ref_i12::rule* best = nullptr;
  std::size_t best_length = 0;
  for (const ref_i12::rule& r : ref_i12::rules()) {
    if (r.resource != resource) continue;
    if (const std::size_t n = covers(r.element, path); n > best_length) {
      best = &r;
      best_length = n;
    }
  }
  if (best == nullptr) return location{source.segment, source.sequence};
  // A row reading the entry's own segment names that occurrence; others name the first.
  const std::size_t sequence = best->segment == source.segment ? source.sequence : 1;
  return location{std::string(best->segment), sequence, best->field};
}

}  // namespace gateway::hl7v2
