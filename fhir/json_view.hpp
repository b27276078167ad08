#pragma once
// Small read-only accessors over RapidJSON values that never throw and never assert on a wrong
// type: they answer "absent" instead, which is what untrusted input needs.

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

}  // namespace fhir::json
