#pragma once
// Reading the core's data files (triage rules, code systems): the JSON text parsed, and each
// object read strictly with the configuration's reader (config::json_object_reader: types
// checked, unknown keys refused, every problem named by its JSON path), the first problem as the
// core's error, e.g. "rules[2].when.observation.code: missing".
//
// Thread safety: one data_object per thread; it only reads the (immutable) JSON value.
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "gateway/config/json_object_reader.hpp"
#include "gateway/core/error.hpp"

namespace gateway::core {

class data_object {
 public:
  // A value that is not an object is recorded as the first problem.
  data_object(const rapidjson::Value& value, std::string path) : reader_(&value, std::move(path), problems_) {}
  data_object(const data_object&) = delete;
  data_object& operator=(const data_object&) = delete;

  config::json_object_reader& reader() { return reader_; }
  // The first problem recorded so far (error_kind::invalid; the root object is named "$").
  std::optional<error> problem() const;

 private:
  config::config_errors problems_;  // before reader_, which refers to it
  config::json_object_reader reader_;
};

// Parses text as JSON; the error says where the syntax breaks.
result<rapidjson::Document> parse_json_text(std::string_view text);

}  // namespace gateway::core
