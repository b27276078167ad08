#pragma once
// Null-safe accessors over RapidJSON values, so that code walking untrusted FHIR JSON never calls
// a RapidJSON getter on the wrong type (which asserts, or is undefined behaviour in release).
// Each returns "absent" (nullptr, empty view, nullopt) when the member is missing or of another
// type; callers decide whether absence is an error.
//
// Thread safety: pure functions over const values.

#include <rapidjson/document.h>

#include <optional>
#include <string_view>

namespace gateway::core::json {

using value = rapidjson::Value;

inline const value* member(const value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(
      rapidjson::Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
  return it == object.MemberEnd() ? nullptr : &it->value;
}

inline const value* object_member(const value& object, std::string_view name) {
  const value* v = member(object, name);
  return v && v->IsObject() ? v : nullptr;
}

inline const value* array_member(const value& object, std::string_view name) {
  const value* v = member(object, name);
  return v && v->IsArray() ? v : nullptr;
}

inline std::string_view as_string(const value* v) {
  if (!v || !v->IsString()) return {};
  return {v->GetString(), v->GetStringLength()};
}

inline std::string_view string_member(const value& object, std::string_view name) {
  return as_string(member(object, name));
}

inline std::optional<double> as_number(const value* v) {
  if (!v || !v->IsNumber()) return std::nullopt;
  return v->GetDouble();
}

inline std::optional<double> number_member(const value& object, std::string_view name) {
  return as_number(member(object, name));
}

inline std::optional<bool> bool_member(const value& object, std::string_view name) {
  const value* v = member(object, name);
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

// Iterates an array member, or nothing when it is absent or not an array.
struct array_range {
  const value* array = nullptr;
  value::ConstValueIterator begin() const { return array ? array->Begin() : nullptr; }
  value::ConstValueIterator end() const { return array ? array->End() : nullptr; }
};

inline array_range each(const value& object, std::string_view name) {
  return array_range{array_member(object, name)};
}

}  // namespace gateway::core::json
