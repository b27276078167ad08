#pragma once
// Small builders for the FHIR JSON the core writes (Task, Observation, CloudEvents). Every string
// is copied into the document's allocator, so the result never points into caller memory. Also
// the one helper for writing a string member with a streaming rapidjson::Writer.
//
// Thread safety: functions; a document and its allocator belong to one thread at a time.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

namespace gateway::core::json {

using allocator = rapidjson::Document::AllocatorType;

inline rapidjson::Value string(std::string_view s, allocator& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

inline void add(rapidjson::Value& object, std::string_view name, rapidjson::Value v, allocator& a) {
  object.AddMember(string(name, a), v, a);
}

inline void add_string(rapidjson::Value& object, std::string_view name, std::string_view s, allocator& a) {
  add(object, name, string(s, a), a);
}

// {"system": ..., "code": ..., "display": ...}; display omitted when empty.
inline rapidjson::Value coding(std::string_view system, std::string_view code, std::string_view display, allocator& a) {
  rapidjson::Value c(rapidjson::kObjectType);
  add_string(c, "system", system, a);
  add_string(c, "code", code, a);
  if (!display.empty()) add_string(c, "display", display, a);
  return c;
}

// {"coding": [coding]}, with "text" when given.
inline rapidjson::Value codeable_concept(std::string_view system, std::string_view code, std::string_view display,
                                         allocator& a, std::string_view text = {}) {
  rapidjson::Value cc(rapidjson::kObjectType);
  rapidjson::Value codings(rapidjson::kArrayType);
  codings.PushBack(coding(system, code, display, a), a);
  cc.AddMember("coding", codings, a);
  if (!text.empty()) add_string(cc, "text", text, a);
  return cc;
}

// {"reference": ...}
inline rapidjson::Value reference(std::string_view ref, allocator& a) {
  rapidjson::Value r(rapidjson::kObjectType);
  add_string(r, "reference", ref, a);
  return r;
}

// {"identifier": {"system": ..., "value": ...}} — a logical reference.
inline rapidjson::Value logical_reference(std::string_view system, std::string_view value, allocator& a) {
  rapidjson::Value id(rapidjson::kObjectType);
  add_string(id, "system", system, a);
  add_string(id, "value", value, a);
  rapidjson::Value r(rapidjson::kObjectType);
  r.AddMember("identifier", id, a);
  return r;
}

// "key": "value" through a streaming writer (answers written without building a document).
template <class Writer>
void key_string(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

inline std::string serialise(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace gateway::core::json
