#include "gateway/api/search_params.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>

#include "gateway/api/search_date.hpp"
#include "gateway/core/search_index.hpp"

namespace gateway::api {
namespace {

using core::search_criterion;

search_param_def token(std::string name, std::string doc) {
  std::string index = name;
  return {std::move(name), param_kind::token, std::move(index), {}, std::move(doc)};
}
search_param_def code(std::string name, std::string doc, std::string index = {}) {
  if (index.empty()) index = name;
  return {std::move(name), param_kind::code, std::move(index), {}, std::move(doc)};
}
search_param_def reference(std::string name, std::string index, std::vector<std::string> targets, std::string doc) {
  return {std::move(name), param_kind::reference, std::move(index), std::move(targets), std::move(doc)};
}
search_param_def organisation(std::string name, std::vector<std::string> targets, std::string doc) {
  std::string index = name;
  return {std::move(name), param_kind::organisation, std::move(index), std::move(targets), std::move(doc)};
}

std::vector<search_param_def> outcome_params(const char* link_name) {
  return {token("identifier", "system|value or value"),
          reference(link_name, "based-on", {"ServiceRequest"}, "the referral (ServiceRequest) this outcome is about"),
          reference("patient", "patient", {"Patient"}, "Patient/id or id"), code("status", "resource status code")};
}

search_definition make_observation() {
  search_definition d{"Observation", outcome_params("based-on"), {}};
  d.params.push_back(token("code", "system|code or code (e.g. http://loinc.org|44261-6)"));
  return d;
}

std::vector<search_definition> make_definitions() {
  const std::vector<std::string> requester_types{"Organization", "PractitionerRole", "Practitioner"};
  std::vector<search_definition> defs;
  defs.push_back(
      {"ServiceRequest",
       {token("identifier", "the referrer's referral identifier: system|value or value"),
        reference("patient", "patient", {"Patient"}, "Patient/id or id"),
        code("status", "request status (active, revoked, completed, ...)"), code("intent", "request intent"),
        organisation("requester", requester_types,
                     "Organization/id, or the ODS code (CODE or https://fhir.nhs.uk/Id/ods-organization-code|CODE)")},
       {{"authored", {"authored"}}}});
  defs.push_back({"Task",
                  {token("identifier", "system|value or value"),
                   reference("based-on", "based-on", {"ServiceRequest"}, "the referral: ServiceRequest/id or id"),
                   reference("focus", "focus", {"ServiceRequest"}, "ServiceRequest/id or id"),
                   reference("patient", "patient", {"Patient"}, "Patient/id or id"),
                   code("status", "task status (requested, received, accepted, in-progress, ...)"),
                   token("business-status", "platform business status: system|code or code"),
                   organisation("owner", {"Organization"}, "the platform: ODS code or Organization/id"),
                   organisation("requester", requester_types, "the referrer: ODS code or Organization/id"),
                   code("priority", "routine, urgent, asap, stat", "priority-rank")},
                  {{"priority", {"priority-rank"}}, {"authored-on", {"authored-on"}}, {"modified", {"modified"}}}});
  defs.push_back(make_observation());
  defs.push_back({"QuestionnaireResponse", outcome_params("based-on"), {}});
  defs.push_back({"DocumentReference", outcome_params("related"), {}});
  return defs;
}

// Index of the first '|' not escaped by a backslash, or npos.
std::size_t unescaped_bar(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '|') {
      return i;
    }
  }
  return std::string_view::npos;
}

search_param_error bad(std::string_view param, std::string why) {
  return {std::string(param), std::string(param) + ": " + why};
}

using values_outcome = boost::system::result<std::vector<std::string>, search_param_error>;

// "system|value" or "value" as the index holds them.
values_outcome token_values(std::string_view name, const std::vector<std::string>& alternatives) {
  std::vector<std::string> out;
  for (const auto& alt : alternatives) {
    const auto bar = unescaped_bar(alt);
    if (bar == std::string_view::npos) {
      out.push_back(unescape_search_value(alt));
      continue;
    }
    const std::string_view text = alt;
    if (bar == 0) return bad(name, "a token without a system (|value) is not supported; send value or system|value");
    if (bar + 1 == alt.size())
      return bad(name, "a system without a value (system|) is not supported; send system|value");
    out.push_back(unescape_search_value(text.substr(0, bar)) + "|" + unescape_search_value(text.substr(bar + 1)));
  }
  return out;
}

values_outcome code_values(std::string_view name, const std::vector<std::string>& alternatives) {
  std::vector<std::string> out;
  for (const auto& alt : alternatives) {
    const auto bar = unescaped_bar(alt);
    const std::string_view text = alt;
    std::string value = unescape_search_value(bar == std::string_view::npos ? text : text.substr(bar + 1));
    if (value.empty()) return bad(name, "'" + alt + "' has no code");
    out.push_back(std::move(value));
  }
  return out;
}

bool is_target(const search_param_def& def, std::string_view type) {
  return std::find(def.targets.begin(), def.targets.end(), type) != def.targets.end();
}

std::string targets_text(const search_param_def& def) {
  std::string text;
  for (const auto& t : def.targets) text += (text.empty() ? "" : " or ") + t;
  return text;
}

// "Type/id", "Type/id/_history/n" or a URL ending in either: "Type/id"; nullopt otherwise.
std::optional<std::pair<std::string, std::string>> type_and_id(std::string_view text) {
  if (const auto h = text.find("/_history/"); h != std::string_view::npos) text = text.substr(0, h);
  const auto slash = text.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size()) return std::nullopt;
  const auto before = text.substr(0, slash);
  const auto type_start = before.rfind('/');
  std::string_view type = type_start == std::string_view::npos ? before : before.substr(type_start + 1);
  if (type_start != std::string_view::npos && !text.starts_with("http://") && !text.starts_with("https://")) {
    return std::nullopt;
  }
  if (type.empty() || type.front() < 'A' || type.front() > 'Z') return std::nullopt;
  return std::make_pair(std::string(type), std::string(text.substr(slash + 1)));
}

values_outcome reference_values(const search_param_def& def, std::string_view name, std::string_view modifier,
                                const std::vector<std::string>& alternatives) {
  if (modifier == "identifier") return token_values(name, alternatives);
  std::vector<std::string> out;
  for (const auto& alt : alternatives) {
    const std::string value = unescape_search_value(alt);
    if (!modifier.empty()) {  // ":Type" (checked by the caller): the value is an id
      if (value.find('/') != std::string::npos) return bad(name, "with :" + std::string(modifier) + " give a bare id");
      out.push_back(std::string(modifier) + "/" + value);
      continue;
    }
    if (def.kind == param_kind::organisation && unescaped_bar(alt) != std::string_view::npos) {
      const auto token = token_values(name, {alt});  // an ODS token: system|code
      if (!token) return token.error();
      out.push_back(token->front());
      continue;
    }
    if (value.find('/') != std::string::npos) {
      const auto ref = type_and_id(value);
      if (!ref) return bad(name, "'" + value + "' is not a reference (Type/id)");
      if (!is_target(def, ref->first)) return bad(name, "'" + value + "' does not refer to a " + targets_text(def));
      out.push_back(ref->first + "/" + ref->second);
      continue;
    }
    if (def.kind == param_kind::organisation) {
      out.push_back(value);  // a bare value is an ODS code, or an id of any target type
    } else if (unescaped_bar(alt) != std::string_view::npos) {
      return bad(name, "'" + value + "' is not a reference (Type/id or id)");
    }
    for (const auto& type : def.targets) out.push_back(type + "/" + value);
  }
  return out;
}

bool supports_modifier(const search_param_def& def, std::string_view modifier) {
  if (modifier.empty()) return true;
  if (def.kind == param_kind::organisation && modifier == "identifier") return true;
  return (def.kind == param_kind::reference || def.kind == param_kind::organisation) && is_target(def, modifier);
}

boost::system::result<std::vector<core::sort_key>, search_param_error> parse_sort(const search_definition& def,
                                                                                  std::string_view value) {
  std::vector<core::sort_key> keys;
  bool by_last_updated = false;
  for (const auto& item : split_alternatives(value)) {
    std::string_view name = item;
    const bool descending = name.starts_with('-');
    if (descending) name.remove_prefix(1);
    if (name == core::sort_last_updated) {
      keys.push_back({core::sort_last_updated, descending});
      by_last_updated = true;
      continue;
    }
    const auto it =
        std::find_if(def.sorts.begin(), def.sorts.end(), [&](const search_sort_def& s) { return s.name == name; });
    if (it == def.sorts.end()) {
      std::string supported = core::sort_last_updated;
      for (const auto& s : def.sorts) supported += ", " + s.name;
      return bad("_sort", "cannot sort " + def.type + " by '" + std::string(name) + "' (supported: " + supported + ")");
    }
    for (const auto& key : it->keys) keys.push_back({key, descending});
  }
  // Equal keys keep creation order (core::sort_created), which also makes the keyset cursor total.
  if (!by_last_updated) keys.push_back({core::sort_created, false});
  return keys;
}

}  // namespace

const std::vector<search_definition>& resource_search_definitions() {
  static const std::vector<search_definition> defs = make_definitions();
  return defs;
}

std::vector<search_param_spec> capability_search_params(const search_definition& def) {
  static const std::map<param_kind, const char*> fhir_types{{param_kind::token, "token"},
                                                            {param_kind::code, "token"},
                                                            {param_kind::reference, "reference"},
                                                            {param_kind::organisation, "reference"}};
  std::vector<search_param_spec> specs;
  for (const auto& p : def.params) specs.push_back({p.name, fhir_types.at(p.kind), p.documentation});
  specs.push_back({"_lastUpdated", "date", "prefixes eq, ge, gt, le, lt; a dateTime without a zone is UTC"});
  std::string sorts = "_lastUpdated";
  for (const auto& s : def.sorts) sorts += ", " + s.name;
  specs.push_back({"_sort", "special", "comma list of " + sorts + " ('-' for descending); then _lastUpdated"});
  specs.push_back({"_count", "number", "page size, default 20, at most 100"});
  return specs;
}

boost::system::result<page_size, search_param_error> parse_count(std::string_view value) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
    std::string message = "'";  // appended piecewise: g++ 12 -Wrestrict false positive on a + chain
    message.append(value).append("' is not a whole number");
    return bad("_count", std::move(message));
  }
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  page_size size;
  if (ec == std::errc::result_out_of_range || n > max_page_size) {
    size.count = max_page_size;
    size.requested = ec == std::errc() ? n : std::numeric_limits<std::size_t>::max();
  } else {
    size.count = n;
  }
  return size;
}

std::vector<std::string> split_alternatives(std::string_view value) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      parts.back() += value[i];
      parts.back() += value[++i];
    } else if (value[i] == ',') {
      parts.emplace_back();
    } else {
      parts.back() += value[i];
    }
  }
  return parts;
}

std::string unescape_search_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() &&
        (value[i + 1] == ',' || value[i + 1] == '|' || value[i + 1] == '$' || value[i + 1] == '\\')) {
      ++i;
    }
    out += value[i];
  }
  return out;
}

bool prefers_strict_handling(std::string_view prefer) {
  while (!prefer.empty()) {
    const auto sep = prefer.find_first_of(",;");
    std::string_view item = prefer.substr(0, sep);
    prefer = sep == std::string_view::npos ? std::string_view{} : prefer.substr(sep + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "handling=strict" || item == "handling=\"strict\"") return true;
  }
  return false;
}

translate_outcome translate_search(const search_definition& def, const std::vector<query_param>& params,
                                   std::optional<std::string> owner_scope) {
  translated_search out;
  out.query.type = def.type;
  out.query.owner_org = std::move(owner_scope);
  out.query.count = default_page_size;
  instant_bounds updated;
  bool sorted = false;
  bool total_asked = false;
  for (const auto& p : params) {
    if (p.name == cursor_param) {
      if (!p.value.empty()) out.query.cursor = p.value;
      continue;
    }
    if (p.value.empty()) {
      out.ignored.push_back(p.name);
      continue;
    }
    if (p.name == "_format") {
      out.applied.push_back(p);
    } else if (p.name == "_count") {
      auto size = parse_count(p.value);
      if (!size) return size.error();
      out.query.count = size->count;
      out.requested_count = size->requested;
      out.applied.push_back({p.name, std::to_string(size->count)});
    } else if (p.name == "_sort") {
      auto keys = parse_sort(def, p.value);
      if (!keys) return keys.error();
      out.query.sort = std::move(*keys);
      sorted = true;
      out.applied.push_back(p);
    } else if (p.name == "_total") {
      if (p.value != "none" && p.value != "accurate" && p.value != "estimate") {
        return bad("_total", "'" + p.value + "' is not none, estimate or accurate");
      }
      out.query.include_total = p.value != "none";
      total_asked = true;
      out.applied.push_back(p);
    } else if (p.name == "_lastUpdated") {
      if (split_alternatives(p.value).size() > 1)
        return bad(p.name, "a comma list of dates is not supported; repeat the parameter to AND");
      if (std::string why = narrow_by_date(p.value, updated); !why.empty()) return bad(p.name, why);
      out.applied.push_back(p);
    } else {
      const auto colon = p.name.find(':');
      const std::string_view name = std::string_view(p.name).substr(0, colon);
      const std::string_view modifier =
          colon == std::string::npos ? std::string_view{} : std::string_view(p.name).substr(colon + 1);
      const auto it =
          std::find_if(def.params.begin(), def.params.end(), [&](const search_param_def& d) { return d.name == name; });
      if (it == def.params.end() || !supports_modifier(*it, modifier)) {
        out.ignored.push_back(p.name);
        continue;
      }
      const auto alternatives = split_alternatives(p.value);
      values_outcome values = it->kind == param_kind::token  ? token_values(p.name, alternatives)
                              : it->kind == param_kind::code ? code_values(p.name, alternatives)
                                                             : reference_values(*it, p.name, modifier, alternatives);
      if (!values) return values.error();
      // The forms the index stores these values in (search_index.hpp).
      out.query.criteria.push_back(
          search_criterion{it->index_param, core::index_query_values(it->index_param, std::move(*values))});
      out.applied.push_back(p);
    }
  }
  if (!sorted) out.query.sort = {core::sort_key{}};
  // The total comes with the first page; a later page counts every match again only when asked
  // (_total=accurate|estimate): a referrer paging through thousands of referrals would otherwise
  // pay for the whole count on every page.
  if (out.query.cursor && !total_asked) out.query.include_total = false;
  if (updated.ge) out.query.last_updated_ge = lower_bound_text(*updated.ge);
  if (updated.le) out.query.last_updated_le = upper_bound_text(*updated.le);
  return out;
}

}  // namespace gateway::api
