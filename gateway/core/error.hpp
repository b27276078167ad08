#pragma once
// Errors the core reports on untrusted input, as values. A core error names the element it is
// about (a FHIRPath-like `expression`, or a JSON path for configuration) so that gateway/api can
// turn it into an OperationOutcome issue without re-deriving what went wrong.
//
// Thread safety: plain values; copy freely.

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace gateway::core {

// What kind of failure this is; gateway/api maps it to an HTTP status in one place.
enum class error_kind {
  invalid,        // malformed or structurally wrong input (400, or a config load failure)
  unprocessable,  // well-formed, but breaks a business rule: a Task transition, a profile (422)
  forbidden,      // the caller's role may not do this at all (403)
  not_found,      // absent, or present but not the caller's to see (404, never 403: no leak)
};

struct error {
  error_kind kind = error_kind::invalid;
  std::string expression;  // e.g. "Task.status", "rules[2].when.observation.code"
  std::string message;     // e.g. "missing"

  // "expression: message", the form used in logs, tests and OperationOutcome.diagnostics.
  std::string text() const { return expression.empty() ? message : expression + ": " + message; }
};

inline error make_error(error_kind kind, std::string expression, std::string message) {
  return error{kind, std::move(expression), std::move(message)};
}

template <class T>
using result = boost::system::result<T, error>;

// Thrown only by result<T>::value() on a programming error (reading a failed result without
// checking it). Input handling never throws: callers test the result first.
class error_exception : public std::runtime_error {
 public:
  explicit error_exception(const error& e) : std::runtime_error(e.text()), error_(e) {}
  const error& get() const noexcept { return error_; }

 private:
  error error_;
};

// Found by ADL from boost::system::result<T, error>::value().
[[noreturn]] inline void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw error_exception(e);
}

}  // namespace gateway::core
