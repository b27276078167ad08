#include "gateway/core/config_object_reader.hpp"

#include "fhir/json_view.hpp"

#include <rapidjson/error/en.h>

namespace gateway::core {

result<config_object_reader> config_object_reader::open(const rapidjson::Value& value, std::string path) {
  if (!value.IsObject()) return make_error(error_kind::invalid, path.empty() ? "$" : path, "expected an object");
  return config_object_reader(value, std::move(path));
}

std::string config_object_reader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool config_object_reader::has(std::string_view key) const {
  return fhir::json::member(*value_, key) != nullptr;
}

error config_object_reader::fail(std::string_view key, std::string message) const {
  return make_error(error_kind::invalid, key.empty() ? path_ : path_of(key), std::move(message));
}

const rapidjson::Value* config_object_reader::find(std::string_view key) {
  known_.emplace(key);
  return fhir::json::member(*value_, key);
}

result<std::string> config_object_reader::required_string(std::string_view key) {
  const auto* v = find(key);
  if (!v) return fail(key, "missing");
  if (!v->IsString() || v->GetStringLength() == 0) return fail(key, "expected a non-empty string");
  return std::string(v->GetString(), v->GetStringLength());
}

result<std::optional<std::string>> config_object_reader::optional_string(std::string_view key) {
  const auto* v = find(key);
  if (!v) return std::optional<std::string>{};
  if (!v->IsString()) return fail(key, "expected a string");
  return std::optional<std::string>{std::string(v->GetString(), v->GetStringLength())};
}

result<double> config_object_reader::required_number(std::string_view key) {
  const auto* v = find(key);
  if (!v) return fail(key, "missing");
  if (!v->IsNumber()) return fail(key, "expected a number");
  return v->GetDouble();
}

result<std::vector<std::string>> config_object_reader::string_array(std::string_view key, bool required) {
  const auto* v = find(key);
  std::vector<std::string> out;
  if (!v) {
    if (required) return fail(key, "missing");
    return out;
  }
  if (!v->IsArray()) return fail(key, "expected an array of strings");
  if (required && v->Empty()) return fail(key, "expected at least one entry");
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const auto& s = (*v)[i];
    if (!s.IsString() || s.GetStringLength() == 0)
      return make_error(error_kind::invalid, path_of(key) + "[" + std::to_string(i) + "]",
                        "expected a non-empty string");
    out.emplace_back(s.GetString(), s.GetStringLength());
  }
  return out;
}

result<const rapidjson::Value*> config_object_reader::required_array(std::string_view key) {
  const auto* v = find(key);
  if (!v) return fail(key, "missing");
  if (!v->IsArray()) return fail(key, "expected an array");
  return v;
}

result<const rapidjson::Value*> config_object_reader::optional_member(std::string_view key) {
  return find(key);
}

result<void> config_object_reader::finish() const {
  for (auto it = value_->MemberBegin(); it != value_->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!known_.contains(name)) return fail(name, "unknown key");
  }
  return {};
}

result<rapidjson::Document> parse_json_text(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());  // default flags: trailing garbage is an error
  if (doc.HasParseError())
    return make_error(error_kind::invalid, "$",
                      std::string("invalid JSON at offset ") + std::to_string(doc.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(doc.GetParseError()));
  return doc;
}

}  // namespace gateway::core
