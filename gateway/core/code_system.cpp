#include "gateway/core/code_system.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/data_object.hpp"

namespace gateway::core {
namespace {

using rapidjson::Value;

// Concepts may nest (hierarchical code systems); every level is a usable code.
result<void> read_concepts(const Value& owner, const std::string& path, int depth,
                           std::map<std::string, code_system_concept, std::less<>>& out) {
  if (depth > 8) return make_error(error_kind::invalid, path, "concepts nested too deeply");
  const Value* list = fhir::json::member(owner, "concept");
  if (!list) return {};
  if (!list->IsArray()) return make_error(error_kind::invalid, path + ".concept", "expected an array");
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const std::string at = path + ".concept[" + std::to_string(i) + "]";
    const Value& c = (*list)[i];
    code_system_concept entry{std::string(fhir::json::string_member(c, "code")),
                              std::string(fhir::json::string_member(c, "display")),
                              std::string(fhir::json::string_member(c, "definition"))};
    if (entry.code.empty()) return make_error(error_kind::invalid, at + ".code", "missing");
    const std::string code = entry.code;
    if (!out.emplace(code, std::move(entry)).second)
      return make_error(error_kind::invalid, at + ".code", "duplicate code '" + code + "'");
    if (auto nested = read_concepts(c, at, depth + 1, out); !nested) return nested;
  }
  return {};
}

}  // namespace

const code_system_concept* code_system::find(std::string_view code) const {
  auto it = concepts_.find(code);
  return it == concepts_.end() ? nullptr : &it->second;
}

std::string_view code_system::display(std::string_view code) const {
  const auto* c = find(code);
  return c && !c->display.empty() ? std::string_view(c->display) : code;
}

result<void> code_system::check_codeable_concept(const Value& cc, const std::string& expression) const {
  if (!cc.IsObject()) return make_error(error_kind::unprocessable, expression, "expected a CodeableConcept");
  bool found = false;
  int i = 0;
  for (const Value& c : fhir::json::each(cc, "coding")) {
    const std::string at = expression + ".coding[" + std::to_string(i++) + "]";
    if (fhir::json::string_member(c, "system") != url_) continue;
    const auto code = fhir::json::string_member(c, "code");
    if (!find(code))
      return make_error(error_kind::unprocessable, at + ".code",
                        "'" + std::string(code) + "' is not defined in " + url_);
    found = true;
  }
  if (!found) return make_error(error_kind::unprocessable, expression, "expected a coding from " + url_);
  return {};
}

result<code_system> load_code_system(const Value& resource) {
  if (fhir::json::string_member(resource, "resourceType") != "CodeSystem")
    return make_error(error_kind::invalid, "resourceType", "expected a CodeSystem");
  code_system cs;
  cs.url_ = std::string(fhir::json::string_member(resource, "url"));
  if (cs.url_.empty()) return make_error(error_kind::invalid, "CodeSystem.url", "missing");
  cs.version_ = std::string(fhir::json::string_member(resource, "version"));
  if (auto ok = read_concepts(resource, "CodeSystem", 0, cs.concepts_); !ok) return ok.error();
  if (cs.concepts_.empty()) return make_error(error_kind::invalid, "CodeSystem.concept", "missing");
  return cs;
}

result<code_system> load_code_system(std::string_view json_text) {
  auto doc = parse_json_text(json_text);
  if (!doc) return doc.error();
  return load_code_system(static_cast<const Value&>(*doc));
}

}  // namespace gateway::core
