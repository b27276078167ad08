#pragma once
// Reads one JSON object of a configuration file with strict rules: every key must be consumed
// (an unknown key is an error, so a typo never silently disables a rule), and every error names
// its JSON path ("rules[2].when.observation.code: missing"). Used by the core's data loaders.
//
// Thread safety: one reader per thread; it only reads the (immutable) JSON value.

#include "gateway/core/error.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::core {

class config_object_reader {
 public:
  // Fails unless `value` is an object.
  static result<config_object_reader> open(const rapidjson::Value& value, std::string path);

  const std::string& path() const noexcept { return path_; }
  std::string path_of(std::string_view key) const;
  bool has(std::string_view key) const;

  // Each marks the key as known. "optional" forms return nullopt/nullptr when the key is absent
  // and fail when it is present with the wrong type.
  result<std::string> required_string(std::string_view key);
  result<std::optional<std::string>> optional_string(std::string_view key);
  result<double> required_number(std::string_view key);
  result<std::vector<std::string>> string_array(std::string_view key, bool required);
  result<const rapidjson::Value*> required_array(std::string_view key);
  result<const rapidjson::Value*> optional_member(std::string_view key);

  // Fails naming the first key that no accessor asked for.
  result<void> finish() const;

  error fail(std::string_view key, std::string message) const;

 private:
  config_object_reader(const rapidjson::Value& v, std::string path) : value_(&v), path_(std::move(path)) {}
  const rapidjson::Value* find(std::string_view key);

  const rapidjson::Value* value_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

// Parses text as JSON; the error says where the syntax breaks.
result<rapidjson::Document> parse_json_text(std::string_view text);

}  // namespace gateway::core
