// Extensions: a known extension (R4's 786, or one a loaded profile defines) is checked for where
// it may appear (its context), its value[x] type, modifier or not, how often it appears, and its
// nested extensions. An unknown modifierExtension is an error: FHIR forbids processing a resource
// that carries a modifier the system does not understand. An unknown ordinary extension is a
// warning: it may be ignored safely.

#include <string>

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

using json_value = rapidjson::Value;

// The value[x] member of an extension: its key ("valueCodeableConcept"), or empty.
std::string_view value_key(const json_value& ext) {
  for (auto it = ext.MemberBegin(); it != ext.MemberEnd(); ++it) {
    const std::string_view k = json::key_of(it);
    if (k.size() > 5 && k.compare(0, 5, "value") == 0) return k;
  }
  return {};
}

bool type_allowed(const model& m, const std::vector<type_index>& allowed, std::string_view key) {
  const std::string_view suffix = key.substr(5);  // "CodeableConcept", "String"
  for (type_index t : allowed) {
    const std::string_view n = m.type(t).name;
    if (n.size() == suffix.size() && !n.empty() &&
        std::toupper(static_cast<unsigned char>(n[0])) == static_cast<unsigned char>(suffix[0]) &&
        n.substr(1) == suffix.substr(1)) {
      return true;
    }
  }
  return false;
}

std::string type_list(const model& m, const std::vector<type_index>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size() && i < 8; ++i) out.append(i ? ", " : "").append(m.type(types[i]).name);
  if (types.size() > 8) out += ", ...";
  return out;
}

// The element the extension hangs on, as an element path from the resource: "Patient.contact".
std::string host_path(const walk_context& ctx, const path_node& ext_path) {
  const path_node* chain[128];
  std::size_t n = 0;
  for (const path_node* p = ext_path.parent; p && p != ctx.resource_path && n < std::size(chain); p = p->parent) {
    chain[n++] = p;
  }
  std::string out(ctx.resource_type == no_type ? std::string_view("Resource") : ctx.m.type(ctx.resource_type).name);
  for (std::size_t i = n; i-- > 0;) {
    std::string_view name = chain[i]->name;
    if (!name.empty() && name[0] == '_') name.remove_prefix(1);
    out.append(".").append(name);
  }
  return out;
}

bool context_matches(const walk_context& ctx, const extension_def& def, const element_def& e, const path_node& path) {
  if (def.contexts.empty()) return true;
  // The type that owns the extension element: "Identifier", "Patient.contact", "Patient",
  // "Element" for the extensions of a primitive value.
  std::string_view owner = e.path;
  if (const auto dot = owner.rfind('.'); dot != std::string_view::npos) owner = owner.substr(0, dot);
  const std::string host = host_path(ctx, path);
  const bool on_resource = host.find('.') == std::string::npos;
  for (std::string_view c : def.contexts) {
    if (c == "Element" || c == owner || c == host) return true;
    if ((c == "Resource" || c == "DomainResource") && on_resource) return true;
    if (c == "BackboneElement" && owner.find('.') != std::string_view::npos) return true;
    if (owner == "Element" && !c.empty() && std::islower(static_cast<unsigned char>(c[0]))) return true;
    // Choice elements: "Observation.value[x]" hosts "Observation.valueQuantity".
    if (c.size() > 3 && c.substr(c.size() - 3) == "[x]" && host.rfind(c.substr(0, c.size() - 3), 0) == 0) return true;
    // A datatype's element ("HumanName.family") wherever that datatype is used: the host path
    // ends with the same element names.
    if (const auto dot = c.find('.'); dot != std::string_view::npos && std::isupper(static_cast<unsigned char>(c[0]))) {
      const type_index t = ctx.m.find_type(c.substr(0, dot));
      const std::string_view tail = c.substr(dot);  // ".family"
      if (t != no_type && ctx.m.type(t).kind == type_kind::complex && host.size() > tail.size() &&
          host.compare(host.size() - tail.size(), tail.size(), tail) == 0) {
        return true;
      }
    }
    // Contexts given as FHIRPath beyond a plain path cannot be decided here; do not refuse.
    if (c.find_first_of("()") != std::string_view::npos) return true;
  }
  return false;
}

void check_value(walk_context& ctx, std::string_view url, const std::vector<type_index>& allowed, const json_value& ext,
                 const path_node& path) {
  const std::string_view key = value_key(ext);
  if (key.empty()) return;  // ext-1 covers neither value nor nested extensions
  path_node at{&path, key, -1};
  if (allowed.empty()) {
    ctx.sink.error(issue_code::structure,
                   "the extension " + quote_value(url, 120) + " takes nested extensions, not a value", &at);
  } else if (!type_allowed(ctx.m, allowed, key)) {
    ctx.sink.error(issue_code::structure,
                   "the extension " + quote_value(url, 120) + " does not take a " + std::string(key.substr(5)) +
                       " value (allowed: " + type_list(ctx.m, allowed) + ")",
                   &at);
  }
}

void check_nested(walk_context& ctx, const extension_def& def, const json_value& ext, const path_node& path) {
  const json_value* nested = json::member(ext, "extension");
  if (def.slices.empty() || !nested || !nested->IsArray()) {
    if (def.slices.empty() || def.value_types.size() > 0) return;
  }
  std::uint32_t counts[32] = {};
  if (nested && nested->IsArray()) {
    for (rapidjson::SizeType i = 0; i < nested->Size(); ++i) {
      const json_value& n = (*nested)[i];
      const std::string_view url = json::string_member(n, "url");
      path_node at{&path, "extension", static_cast<std::int64_t>(i)};
      std::size_t k = 0;
      while (k < def.slices.size() && def.slices[k].url != url) ++k;
      if (k == def.slices.size()) {
        if (url.find(':') == std::string_view::npos) {
          ctx.sink.add(severity::warning, issue_code::structure,
                       "the nested extension " + quote_value(url) + " is not defined by " + quote_value(def.url, 120),
                       &at);
        }
        continue;
      }
      if (k < std::size(counts)) ++counts[k];
      check_value(ctx, url, def.slices[k].value_types, n, at);
    }
  }
  for (std::size_t k = 0; k < def.slices.size() && k < std::size(counts); ++k) {
    const auto& s = def.slices[k];
    if (counts[k] < s.min || counts[k] > s.max) {
      ctx.sink.error(
          issue_code::structure,
          "the extension " + quote_value(def.url, 120) + " needs " +
              (counts[k] < s.min ? "at least " + std::to_string(s.min) : "at most " + std::to_string(s.max)) +
              " nested " + quote_value(s.url) + " (found " + std::to_string(counts[k]) + ")",
          &path);
    }
  }
}

}  // namespace

void check_extension(walk_context& ctx, const element_def& e, const json_value& ext, const path_node& path) {
  const std::string_view url = json::string_member(ext, "url");
  // Relative URLs name the slices of a complex extension; its own check looks at them.
  if (url.empty() || url.find(':') == std::string_view::npos) return;
  const bool as_modifier = e.name == "modifierExtension";
  const extension_def* def = ctx.m.find_extension(url);
  if (def == nullptr) {
    if (as_modifier) {
      ctx.sink.error(issue_code::not_supported,
                     "unknown modifier extension " + quote_value(url, 120) +
                         ": a resource carrying a modifier the system does not understand must not be processed",
                     &path);
    } else {
      ctx.sink.add(severity::warning, issue_code::not_supported,
                   "unknown extension " + quote_value(url, 120) + " (not checked; ignored)", &path);
    }
    return;
  }
  if (def->is_modifier != as_modifier) {
    ctx.sink.error(issue_code::structure,
                   "the extension " + quote_value(url, 120) +
                       (def->is_modifier ? " is a modifier and belongs in modifierExtension"
                                         : " is not a modifier and must not be in modifierExtension"),
                   &path);
  }
  if (!context_matches(ctx, *def, e, path)) {
    std::string contexts;
    for (std::size_t i = 0; i < def->contexts.size() && i < 6; ++i) {
      contexts.append(i ? ", " : "").append(def->contexts[i]);
    }
    ctx.sink.error(issue_code::structure,
                   "the extension " + quote_value(url, 120) + " is not allowed on " + host_path(ctx, path) +
                       " (allowed on: " + contexts + ")",
                   &path);
  }
  check_value(ctx, url, def->value_types, ext, path);
  if (def->value_binding) {
    if (const std::string_view code = json::string_member(ext, "valueCode");
        !code.empty() && !def->value_binding->contains({}, code)) {
      path_node at{&path, "valueCode", -1};
      ctx.sink.error(
          issue_code::code_invalid,
          "the code " + quote_value(code) + " is not in the required value set " + std::string(def->value_binding->url),
          &at);
    }
  }
  check_nested(ctx, *def, ext, path);
}

void check_extension_counts(walk_context& ctx, const json_value& list, const path_node& path) {
  if (!list.IsArray() || list.Size() < 2) return;
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const std::string_view url = json::string_member(list[i], "url");
    const extension_def* def = url.empty() ? nullptr : ctx.m.find_extension(url);
    if (!def || def->max == unbounded) continue;
    std::uint32_t n = 0;
    bool first = true;
    for (rapidjson::SizeType j = 0; j < list.Size(); ++j) {
      if (json::string_member(list[j], "url") != url) continue;
      first = first && j >= i;
      ++n;
    }
    if (first && n > def->max) {
      ctx.sink.error(issue_code::structure,
                     "the extension " + quote_value(url, 120) + " may appear at most " + std::to_string(def->max) +
                         " time(s) here (found " + std::to_string(n) + ")",
                     &path);
    }
  }
}

}  // namespace fhir::detail
