#pragma once
// Reading and writing the JSON the gateway answers with, for tests: parse a body, read a string
// member, write a document back (e.g. to PUT a changed copy).
#include <rapidjson/document.h>

#include <string>

namespace rg::testing {

// The body parsed; a document with a parse error (not an object) when it is not JSON.
rapidjson::Document parse(const std::string& text);

// v[member] when v is an object and the member a string; "" otherwise.
std::string string_at(const rapidjson::Value& v, const char* member);

// Compact JSON text of `v`.
std::string serialise(const rapidjson::Value& v);

}  // namespace rg::testing
