#pragma once
// The one JSON parser for every body that enters the gateway. Bounded in size and nesting depth,
// strict about form (no duplicate keys, valid UTF-8 only, nothing after the value), and it never
// throws on bad input: the error comes back as a value with the byte offset of the fault.
// Stateless; callable from any number of threads at once.

#include <cstddef>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include "fhir/outcome.hpp"

namespace fhir {

struct json_limits {
  std::size_t max_bytes = 8u * 1024u * 1024u;  // whole body
  std::size_t max_depth = 64;                  // nested objects and arrays, the root counts as 1
};

enum class json_errc {
  empty,             // nothing but whitespace
  too_large,         // body longer than json_limits::max_bytes
  too_deep,          // nesting deeper than json_limits::max_depth
  syntax,            // not JSON
  invalid_utf8,      // a string is not valid UTF-8
  duplicate_key,     // the same key twice in one object
  trailing_content,  // something after the JSON value
};

struct json_error {
  json_errc code = json_errc::syntax;
  std::size_t offset = 0;  // byte offset into the body where the fault was seen
  std::string message;     // plain language, includes the offset
};

// Parses `body` into a DOM that owns its strings (the body may be freed afterwards).
// Numbers keep full precision (kParseFullPrecisionFlag); NaN/Infinity and comments are refused.
boost::system::result<rapidjson::Document, json_error> parse_json(std::string_view body,
                                                                  const json_limits& limits = {});

// The error as a one-issue outcome (severity error, code structure, or too-costly for size).
outcome to_outcome(const json_error& e);

// Lets boost::system::result<T, json_error>::value() report misuse (reading a value that is an
// error). Never reached on the normal paths, which test the result first.
[[noreturn]] void throw_exception_from_error(const json_error& e, const boost::source_location& loc);

}  // namespace fhir
