#pragma once
// Structured logging: one JSON object per line on stderr.
//
// Guarantees: thread-safe (one line is written with a single write under a mutex, so lines
// from different threads never interleave). Callers pass only operational fields; by policy no
// request body and no patient identifier is ever logged (see docs/architecture.md).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace gateway::telemetry {

enum class level { debug, info, warn, error };

// One field of a log line. Numbers are written unquoted, everything else as a JSON string.
struct field {
  std::string_view key;
  std::string value;
  bool is_number = false;

  field(std::string_view k, std::string_view v) : key(k), value(v) {}
  field(std::string_view k, const char* v) : key(k), value(v) {}
  field(std::string_view k, const std::string& v) : key(k), value(v) {}
  field(std::string_view k, long long v) : key(k), value(std::to_string(v)), is_number(true) {}
  field(std::string_view k, int v) : field(k, static_cast<long long>(v)) {}
  field(std::string_view k, unsigned v) : field(k, static_cast<long long>(v)) {}
  field(std::string_view k, long v) : field(k, static_cast<long long>(v)) {}
  field(std::string_view k, unsigned long v) : field(k, static_cast<long long>(v)) {}
  field(std::string_view k, double v);
};

// Sets the lowest level that is written (default info; configuration: log.level). Call once at
// start-up.
void set_min_level(level l);

// Writes {"time":...,"level":...,"msg":...,<fields>} to stderr.
void write(level l, std::string_view msg, std::initializer_list<field> fields = {});

inline void info(std::string_view msg, std::initializer_list<field> f = {}) {
  write(level::info, msg, f);
}
inline void warn(std::string_view msg, std::initializer_list<field> f = {}) {
  write(level::warn, msg, f);
}
inline void error(std::string_view msg, std::initializer_list<field> f = {}) {
  write(level::error, msg, f);
}

// Appends `text` to `out` as the inside of a JSON string (escapes quotes, controls, backslash).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace gateway::telemetry
