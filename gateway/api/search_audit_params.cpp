#include "gateway/api/search_audit_params.hpp"

#include "gateway/api/search_date.hpp"
#include "gateway/core/code_systems.hpp"

namespace gateway::api {
namespace {

search_param_error bad(std::string_view param, std::string why) {
  return {std::string(param), std::string(param) + ": " + why};
}

// "Type/id", or a URL ending in it (a version suffix is dropped: audits name the resource).
std::optional<core::resource_ref> entity_of(std::string_view text) {
  if (const auto h = text.find("/_history/"); h != std::string_view::npos) text = text.substr(0, h);
  const auto slash = text.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  std::string_view type = text.substr(0, slash);
  if (const auto start = type.rfind('/'); start != std::string_view::npos) {
    if (!text.starts_with("http://") && !text.starts_with("https://")) return std::nullopt;
    type = type.substr(start + 1);
  }
  if (type.empty() || type.front() < 'A' || type.front() > 'Z') return std::nullopt;
  return core::resource_ref{std::string(type), std::string(text.substr(slash + 1))};
}

// An ODS code from "CODE" or "ods-system|CODE".
std::optional<std::string> ods_code_of(const std::string& value) {
  const auto bar = value.find('|');
  if (bar == std::string::npos) return value;
  if (std::string_view(value).substr(0, bar) != core::systems::ods_organisation || bar + 1 == value.size()) {
    return std::nullopt;
  }
  return value.substr(bar + 1);
}

}  // namespace

audit_translate_outcome translate_audit_search(const std::vector<query_param>& params) {
  translated_audit_search out;
  out.query.count = default_page_size;
  instant_bounds recorded;
  for (const auto& p : params) {
    if (p.name == cursor_param) {
      if (!p.value.empty()) out.query.cursor = p.value;
      continue;
    }
    if (p.value.empty()) {
      out.ignored.push_back(p.name);
      continue;
    }
    const bool single = split_alternatives(p.value).size() == 1;
    if (p.name == "_format") {
      out.applied.push_back(p);
    } else if (p.name == "_count") {
      auto size = parse_count(p.value);
      if (!size) return size.error();
      out.query.count = size->count;
      out.requested_count = size->requested;
      out.applied.push_back({p.name, std::to_string(size->count)});
    } else if (p.name == "_sort") {
      if (p.value != "date" && p.value != "-date") return bad(p.name, "AuditEvent sorts by date or -date only");
      out.query.oldest_first = p.value == "date";
      out.applied.push_back(p);
    } else if (p.name == "entity") {
      if (!single) return bad(p.name, "one entity per search");
      auto entity = entity_of(unescape_search_value(p.value));
      if (!entity) return bad(p.name, "'" + p.value + "' is not a reference (Type/id)");
      if (out.query.entity && !(*out.query.entity == *entity)) return bad(p.name, "one entity per search");
      out.query.entity = std::move(*entity);
      out.applied.push_back(p);
    } else if (p.name == "agent" || p.name == "agent:identifier") {
      if (!single) return bad(p.name, "one agent organisation per search");
      auto code = ods_code_of(unescape_search_value(p.value));
      if (!code)
        return bad(p.name,
                   "give the caller's ODS code (CODE or " + std::string(core::systems::ods_organisation) + "|CODE)");
      if (out.query.caller_org && *out.query.caller_org != *code)
        return bad(p.name, "one agent organisation per search");
      out.query.caller_org = std::move(*code);
      out.applied.push_back(p);
    } else if (p.name == "date") {
      if (!single) return bad(p.name, "a comma list of dates is not supported; repeat the parameter to AND");
      if (std::string why = narrow_by_date(p.value, recorded); !why.empty()) return bad(p.name, why);
      out.applied.push_back(p);
    } else {
      out.ignored.push_back(p.name);
    }
  }
  if (recorded.ge) out.query.recorded_ge = lower_bound_text(*recorded.ge);
  if (recorded.le) out.query.recorded_le = upper_bound_text(*recorded.le);
  return out;
}

std::vector<search_param_spec> audit_capability_search_params() {
  return {{"entity", "reference", "the resource accessed: Type/id"},
          {"date", "date", "when recorded; prefixes eq, ge, gt, le, lt"},
          {"agent", "reference",
           "the caller's organisation: ODS code or https://fhir.nhs.uk/Id/ods-organization-code|CODE"},
          {"_sort", "special", "date (oldest first) or -date (newest first, the default)"},
          {"_count", "number", "page size, default 20, at most 100"}};
}

}  // namespace gateway::api
