#pragma once
// Lexical rules of the R4 primitive datatypes (https://hl7.org/fhir/R4/datatypes.html), applied
// to a JSON value. Pure functions; no allocation; callable from any thread.

#include <string_view>

#include <rapidjson/document.h>

#include "fhir/model.hpp"

namespace fhir {

// Empty when `v` is a valid JSON representation of a `kind` value; otherwise a short plain-language
// reason ("must be a JSON string", "not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)").
std::string_view check_primitive(primitive_kind kind, const rapidjson::Value& v);

// The string rules alone, for callers that already hold text.
bool is_valid_id(std::string_view s);
bool is_valid_code(std::string_view s);
bool is_valid_uri(std::string_view s);
bool is_valid_oid(std::string_view s);
bool is_valid_uuid(std::string_view s);
bool is_valid_base64(std::string_view s);
bool is_valid_date(std::string_view s);
bool is_valid_date_time(std::string_view s);
bool is_valid_instant(std::string_view s);
bool is_valid_time(std::string_view s);
// Basic safety of narrative XHTML: a <div> root, no script, no event handlers, no javascript: URLs.

std::string_view primitive_name(primitive_kind kind);

}  // namespace fhir
