#include "tests/support/json_answers.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace rg::testing {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return d;
}

std::string string_at(const rapidjson::Value& v, const char* member) {
  return v.IsObject() && v.HasMember(member) && v[member].IsString() ? v[member].GetString() : std::string();
}

std::string serialise(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

}  // namespace rg::testing
