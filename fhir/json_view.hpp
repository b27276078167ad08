#pragma once
// Small read-only accessors over RapidJSON values that never throw and never assert on a wrong
// type: they answer "absent" instead, which is what untrusted input needs.

#include <optional>
#include <string_view>

#include <rapidjson/document.h>

namespace fhir::json {

inline std::string_view as_string(const rapidjson::Value& v) {
  return v.IsString() ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view{};
}

inline std::string_view key_of(const rapidjson::Value::ConstMemberIterator& m) {
  return std::string_view(m->name.GetString(), m->name.GetStringLength());
}

// The member `name` of `obj` if obj is an object that has it; nullptr otherwise.
inline const rapidjson::Value* member(const rapidjson::Value& obj, std::string_view name) {
  if (!obj.IsObject()) return nullptr;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (key_of(it) == name) return &it->value;
  }
  return nullptr;
}

// The string member `name`, or empty when absent or not a string.
inline std::string_view string_member(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = member(obj, name);
  return v ? as_string(*v) : std::string_view{};
}

// The same "absent" rule for a value that may itself be absent (nullptr).
inline std::string_view as_string(const rapidjson::Value* v) {
  return v ? as_string(*v) : std::string_view{};
}

// The member `name` if it is an object (an array), nullptr otherwise.
inline const rapidjson::Value* object_member(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = member(obj, name);
  return v && v->IsObject() ? v : nullptr;
}
inline const rapidjson::Value* array_member(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = member(obj, name);
  return v && v->IsArray() ? v : nullptr;
}

inline std::optional<double> as_number(const rapidjson::Value* v) {
  if (!v || !v->IsNumber()) return std::nullopt;
  return v->GetDouble();
}
inline std::optional<double> number_member(const rapidjson::Value& obj, std::string_view name) {
  return as_number(member(obj, name));
}
inline std::optional<bool> bool_member(const rapidjson::Value& obj, std::string_view name) {
  const rapidjson::Value* v = member(obj, name);
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

// Iterates an array member, or nothing when it is absent or not an array.
struct array_range {
  const rapidjson::Value* array = nullptr;
  rapidjson::Value::ConstValueIterator begin() const { return array ? array->Begin() : nullptr; }
  rapidjson::Value::ConstValueIterator end() const { return array ? array->End() : nullptr; }
};
inline array_range each(const rapidjson::Value& obj, std::string_view name) {
  return array_range{array_member(obj, name)};
}

}  // namespace fhir::json
