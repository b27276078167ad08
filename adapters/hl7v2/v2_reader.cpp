#include "adapters/hl7v2/v2_reader.hpp"

#include "adapters/hl7v2/v2_datatypes.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::hl7v2 {
namespace json = core::json;
using rapidjson::Value;

std::string v2_reader::text(const segment& s, std::size_t field, std::size_t repetition, std::size_t component,
                            std::size_t subcomponent) const {
  // A component holding subcomponents reads as its first one unless one is asked for.
  const std::size_t sub = subcomponent == 0 ? 1 : subcomponent;
  const std::string_view raw = s.raw(field, repetition, component, sub);
  if (presence_of(raw) != presence::present) return {};
  auto decoded = message_.decode(raw, s.where(field, repetition, component, sub));
  if (decoded) return std::move(*decoded);
  if (!problem_) problem_ = mapping_problem{decoded.error().at, hl7_error_code::data_type, decoded.error().problem};
  return {};
}

std::string v2_reader::all_text(const segment& s, std::size_t field) const {
  std::string out;
  for (std::size_t r = 1; r <= s.repetition_count(field); ++r) {
    const std::string_view raw = s.raw(field, r);
    if (presence_of(raw) != presence::present) continue;
    auto decoded = message_.decode(raw, s.where(field, r));
    if (!decoded) {
      if (!problem_) problem_ = mapping_problem{decoded.error().at, hl7_error_code::data_type, decoded.error().problem};
      continue;
    }
    if (decoded->empty()) continue;
    if (!out.empty()) out += '\n';
    out += *decoded;
  }
  return out;
}

Value v2_reader::human_name(const segment& s, std::size_t f, std::size_t r, allocator& a) const {
  const std::string family = text(s, f, r, 1, 1);  // FN.1 surname
  Value given(rapidjson::kArrayType);
  for (const std::size_t c : {2u, 3u}) {
    if (auto g = text(s, f, r, c); !g.empty()) given.PushBack(json::string(g, a), a);
  }
  if (family.empty() && given.Empty()) return Value();
  Value name(rapidjson::kObjectType);
  const std::string type = text(s, f, r, 7);
  const std::string_view use = type == "L"   ? "official"
                               : type == "D" ? "usual"
                               : type == "M" ? "maiden"
                               : type == "N" ? "nickname"
                                             : "";
  if (!use.empty()) json::add_string(name, "use", use, a);
  if (!family.empty()) json::add_string(name, "family", family, a);
  if (!given.Empty()) name.AddMember("given", given, a);
  for (const auto& [component, member] : {std::pair{5u, "prefix"}, std::pair{4u, "suffix"}}) {
    if (auto v = text(s, f, r, component); !v.empty()) {
      Value list(rapidjson::kArrayType);
      list.PushBack(json::string(v, a), a);
      json::add(name, member, std::move(list), a);
    }
  }
  return name;
}

Value v2_reader::address(const segment& s, std::size_t f, std::size_t r, allocator& a) const {
  Value lines(rapidjson::kArrayType);
  for (const std::size_t c : {1u, 2u}) {
    if (auto l = text(s, f, r, c, 1); !l.empty()) lines.PushBack(json::string(l, a), a);
  }
  Value out(rapidjson::kObjectType);
  const std::string type = text(s, f, r, 7);
  const std::string_view use = type == "H" ? "home" : (type == "B" || type == "O") ? "work" : type == "C" ? "temp" : "";
  if (!use.empty()) json::add_string(out, "use", use, a);
  if (type == "M") json::add_string(out, "type", "postal", a);
  if (!lines.Empty()) out.AddMember("line", lines, a);
  for (const auto& [component, member] :
       {std::pair{3u, "city"}, std::pair{4u, "state"}, std::pair{5u, "postalCode"}, std::pair{6u, "country"}}) {
    if (auto v = text(s, f, r, component); !v.empty()) json::add_string(out, member, v, a);
  }
  if (out.MemberCount() == 0 || (out.MemberCount() == 1 && (out.HasMember("use") || out.HasMember("type")))) {
    return Value();
  }
  return out;
}

Value v2_reader::contact_point(const segment& s, std::size_t f, std::size_t r, std::string_view default_use,
                               allocator& a) const {
  const std::string use_code = text(s, f, r, 2);
  const std::string equipment = text(s, f, r, 3);
  std::string system = "phone";
  std::string value;
  if (equipment == "Internet" || equipment == "X.400" || use_code == "NET") {
    system = "email";
    value = text(s, f, r, 4);
  } else {
    if (equipment == "FX") system = "fax";
    if (equipment == "BP") system = "pager";
    value = text(s, f, r, 12);
    if (value.empty()) value = text(s, f, r, 1);
    if (value.empty()) {
      // [+country ][area ]local[ ext extension]
      for (const std::size_t c : {5u, 6u, 7u}) {
        const std::string part = text(s, f, r, c);
        if (part.empty()) continue;
        if (!value.empty()) value += ' ';
        if (c == 5) value += '+';
        value += part;
      }
      if (const std::string ext = text(s, f, r, 8); !ext.empty() && !value.empty()) {
        value += " ext ";
        value += ext;
      }
    }
  }
  if (value.empty()) return Value();
  std::string_view use = default_use;
  if (use_code == "PRN" || use_code == "VHN") use = "home";
  if (use_code == "WPN") use = "work";
  if (equipment == "CP") use = "mobile";
  Value out(rapidjson::kObjectType);
  json::add_string(out, "system", system, a);
  json::add_string(out, "value", value, a);
  if (!use.empty()) json::add_string(out, "use", use, a);
  return out;
}

Value v2_reader::coding(const segment& s, std::size_t f, std::size_t r, std::string_view fallback_system,
                        allocator& a) const {
  const std::string code = text(s, f, r, 1);
  if (code.empty()) return Value();
  const std::string named = text(s, f, r, 3);
  std::string_view system = fhir_system_for(named);
  if (system.empty() && (named.empty() || named.starts_with("HL7"))) system = fallback_system;
  Value c(rapidjson::kObjectType);
  if (!system.empty()) json::add_string(c, "system", system, a);
  json::add_string(c, "code", code, a);
  if (auto display = text(s, f, r, 2); !display.empty()) json::add_string(c, "display", display, a);
  return c;
}

Value v2_reader::codeable_concept(const segment& s, std::size_t f, std::size_t r, std::string_view fallback_system,
                                  allocator& a) const {
  Value c = coding(s, f, r, fallback_system, a);
  const std::string label = text(s, f, r, 2);
  if (c.IsNull() && label.empty()) return Value();
  Value cc(rapidjson::kObjectType);
  if (!c.IsNull()) {
    Value list(rapidjson::kArrayType);
    list.PushBack(c, a);
    cc.AddMember("coding", list, a);
  }
  if (!label.empty()) json::add_string(cc, "text", label, a);
  return cc;
}

}  // namespace gateway::hl7v2
