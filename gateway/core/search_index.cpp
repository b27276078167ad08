#include "gateway/core/search_index.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/outcome_link.hpp"
#include "gateway/core/request_priority.hpp"
#include "gateway/core/search_pairs.hpp"

#include <algorithm>
#include <string>

namespace gateway::core {
namespace {

using rapidjson::Value;

class index_builder {
 public:
  void add(std::string_view param, std::string_view value) {
    if (value.empty()) return;
    index_entry e{std::string(param), std::string(value)};
    // The same value reached twice (basedOn also the outcome link) is indexed once.
    if (std::none_of(entries_.begin(), entries_.end(),
                     [&](const index_entry& x) { return x.param == e.param && x.value == e.value; }))
      entries_.push_back(std::move(e));
  }

  void token(std::string_view param, std::string_view system, std::string_view value) {
    if (value.empty()) return;
    if (!system.empty()) add(param, std::string(system) + "|" + std::string(value));
    add(param, value);
  }

  void identifiers(const Value& resource) {
    for (const Value& id : fhir::json::each(resource, "identifier"))
      token("identifier", fhir::json::string_member(id, "system"), fhir::json::string_member(id, "value"));
  }

  // single_form_system: codings of this system are indexed as "system|code" only (the search
  // translation asks for that form too when given a bare code, see index_query_values).
  void codings(std::string_view param, const Value* codeable_concept, std::string_view single_form_system = {}) {
    if (!codeable_concept) return;
    for (const Value& c : fhir::json::each(*codeable_concept, "coding")) {
      const auto system = fhir::json::string_member(c, "system");
      const auto code = fhir::json::string_member(c, "code");
      if (!single_form_system.empty() && system == single_form_system && !code.empty())
        add(param, std::string(system) + "|" + std::string(code));
      else
        token(param, system, code);
    }
  }

  // A Reference: its literal reference, and for an organisation named by ODS code,
  // "ods-system|CODE" (one form: a bare CODE in a search is translated to it).
  void reference(std::string_view param, const Value* ref) {
    if (!ref) return;
    add(param, fhir::json::string_member(*ref, "reference"));
    if (const Value* id = fhir::json::object_member(*ref, "identifier"))
      if (fhir::json::string_member(*id, "system") == systems::ods_organisation)
        if (const auto code = fhir::json::string_member(*id, "value"); !code.empty())
          add(param, std::string(systems::ods_organisation) + "|" + std::string(code));
  }

  void references(std::string_view param, const Value& resource, std::string_view element) {
    for (const Value& ref : fhir::json::each(resource, element)) reference(param, &ref);
  }

  void patient(const Value* ref) {
    if (!ref) return;
    const auto r = fhir::json::string_member(*ref, "reference");
    if (r.starts_with("Patient/")) add("patient", r);
  }

  void date_time(std::string_view param, std::string_view text) {
    if (text.empty()) return;
    if (text.size() > 10)
      if (auto t = parse_fhir_date_time(text)) return add(param, format_instant(*t));
    add(param, text);  // a date (or a partial one) sorts correctly as sent
  }

  // The value of a single-valued param added so far, or "".
  std::string value_of(std::string_view param) const {
    for (const auto& e : entries_)
      if (e.param == param) return e.value;
    return {};
  }

  std::vector<index_entry> take() { return std::move(entries_); }

 private:
  std::vector<index_entry> entries_;
};

void service_request(const Value& r, index_builder& b) {
  b.identifiers(r);
  b.patient(fhir::json::object_member(r, "subject"));
  b.add("status", fhir::json::string_member(r, "status"));
  b.add("intent", fhir::json::string_member(r, "intent"));
  b.reference("requester", fhir::json::object_member(r, "requester"));
  b.date_time("authored", fhir::json::string_member(r, "authoredOn"));
}

void task(const Value& t, index_builder& b) {
  b.identifiers(t);
  b.references("based-on", t, "basedOn");
  b.reference("focus", fhir::json::object_member(t, "focus"));
  b.patient(fhir::json::object_member(t, "for"));
  const auto status = fhir::json::string_member(t, "status");
  b.add("status", status);
  b.codings("business-status", fhir::json::object_member(t, "businessStatus"), systems::business_status);
  b.reference("owner", fhir::json::object_member(t, "owner"));
  b.reference("requester", fhir::json::object_member(t, "requester"));
  // priority is searched through its rank (index_query_values): one row serves both.
  const auto priority =
      parse_request_priority(fhir::json::string_member(t, "priority")).value_or(request_priority::routine);
  const std::string rank = std::to_string(priority_rank(priority));
  b.add("priority-rank", rank);
  if (!status.empty()) b.add(task_queue_key.param, std::string(status) + paired_separator + rank);
  b.date_time("authored-on", fhir::json::string_member(t, "authoredOn"));
  b.date_time("modified", fhir::json::string_member(t, "lastModified"));
}

void outcome(const Value& o, index_builder& b) {
  b.identifiers(o);
  if (auto sr = outcome_service_request(o)) b.add("based-on", *sr);
  b.references("based-on", o, "basedOn");
  b.patient(fhir::json::object_member(o, "subject"));
  b.add("status", fhir::json::string_member(o, "status"));
  if (fhir::json::string_member(o, "resourceType") == "Observation")
    b.codings("code", fhir::json::object_member(o, "code"));
}

bool has_any(std::string_view text, std::string_view chars) {
  return text.find_first_of(chars) != std::string_view::npos;
}

}  // namespace

std::vector<std::string> index_query_values(std::string_view index_param, std::vector<std::string> values) {
  std::vector<std::string> out;
  out.reserve(values.size() * 2);
  for (auto& v : values) {
    if (index_param == "priority-rank") {
      const auto p = parse_request_priority(v);
      out.push_back(p ? std::to_string(priority_rank(*p)) : std::string());  // "" is never indexed
      continue;
    }
    std::string extra;
    if (index_param == "business-status" && !has_any(v, "|"))
      extra = std::string(systems::business_status) + "|" + v;
    else if ((index_param == "owner" || index_param == "requester") && !has_any(v, "|/"))
      extra = std::string(systems::ods_organisation) + "|" + v;
    out.push_back(std::move(v));  // the bare form too: rows indexed before the one-form encoding
    if (!extra.empty()) out.push_back(std::move(extra));
  }
  return out;
}

std::vector<index_entry> search_index_entries(const Value& resource, std::string_view owner_org) {
  index_builder b;
  const auto type = fhir::json::string_member(resource, "resourceType");
  if (type == "ServiceRequest")
    service_request(resource, b);
  else if (type == "Task")
    task(resource, b);
  else if (is_outcome_type(type))
    outcome(resource, b);
  // The owner-paired row, from the status row just made (search_pairs.hpp).
  if (const auto* pair = owner_paired_for(type, owner_status_key.criterion); pair && !owner_org.empty())
    if (const auto status = b.value_of(pair->criterion); !status.empty())
      b.add(pair->param, std::string(owner_org) + paired_separator + status);
  return b.take();
}

}  // namespace gateway::core
