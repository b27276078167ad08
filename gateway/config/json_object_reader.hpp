#pragma once
// Reads one JSON object of the configuration with type checks, records every problem with the
// key's full path, and reports keys nobody asked for as unknown (finish()). The one strict
// object reader: the gateway's configuration file and the core's data files (triage rules, code
// systems: gateway/core/data_object.hpp) are read with it.
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/config/config_error.hpp"

namespace gateway::config {

class json_object_reader {
 public:
  // `value` may be absent (nullptr): every key then keeps its default.
  json_object_reader(const rapidjson::Value* value, std::string path, config_errors& errors);

  void read(std::string_view key, std::string& out, bool required = false);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, std::uint16_t& out);
  void read(std::string_view key, unsigned& out);
  void read(std::string_view key, std::size_t& out, std::size_t min = 0);
  void read(std::string_view key, std::chrono::milliseconds& out);
  void read(std::string_view key, double& out);
  // An array of non-empty strings; `required`: present with at least one entry.
  void read(std::string_view key, std::vector<std::string>& out, bool required);
  // A string that must be one of the names in `choices`, read as its value (an enum): the
  // configuration's choices are typed once, here, at load time.
  template <class E>
  void read_choice(std::string_view key, E& out, std::initializer_list<std::pair<std::string_view, E>> choices) {
    std::vector<std::string_view> names;
    for (const auto& c : choices) names.push_back(c.first);
    if (const auto at = choice_index(key, names)) out = std::data(choices)[*at].second;
  }

  json_object_reader object(std::string_view key);
  // The array at `key` (nullptr when absent or not an array; a wrong type is recorded).
  const rapidjson::Value* array(std::string_view key);
  // The value at `key`, of any type (nullptr when absent); the caller checks it.
  const rapidjson::Value* value(std::string_view key);
  // Whether the object has `key` (does not count as reading it).
  bool has(std::string_view key) const;

  // Records every key of the object that no read/object/array call asked for.
  void finish();

  std::string path_of(std::string_view key) const;
  config_errors& errors() { return errors_; }
  // Records a problem with `key` (the object itself when empty).
  void fail(std::string_view key, std::string message);

 private:
  const rapidjson::Value* member(std::string_view key);
  // Which of `names` the string at `key` is (nullopt when absent, or wrong and recorded).
  std::optional<std::size_t> choice_index(std::string_view key, const std::vector<std::string_view>& names);

  const rapidjson::Value* value_;
  std::string path_;
  config_errors& errors_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace gateway::config
