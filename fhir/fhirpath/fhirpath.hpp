#pragma once
// FHIRPath (the normative R4 grammar, http://hl7.org/fhirpath/N1) over parsed FHIR JSON.
//
// compile() turns an expression into a compact tree once (at model load for the invariants);
// evaluator::evaluate() runs it over a RapidJSON value with the FHIR type information of a
// fhir::model. A compiled expression is immutable and may be shared by any number of threads; an
// evaluator holds reusable scratch space and belongs to one thread at a time (thread_evaluator()
// gives each thread its own, so the validator's hot path allocates nothing once warm).
//
// Errors are values: a compile error names the offset, an evaluation error (for example a
// collection of several items where one is needed) says what went wrong.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include "fhir/type_index.hpp"

namespace fhir::fhirpath {

struct node;  // the compiled tree (fhir/fhirpath/ast.hpp)

struct compile_error {
  std::size_t offset = 0;
  std::string message;
};
[[noreturn]] void throw_exception_from_error(const compile_error& e, const boost::source_location& loc);

class expression {
 public:
  expression();
  ~expression();
  expression(expression&&) noexcept;
  expression& operator=(expression&&) noexcept;
  expression(const expression&) = delete;
  expression& operator=(const expression&) = delete;

  std::string_view text() const;
  const node& root() const;
  std::uint32_t root_index() const;
  const node& at(std::uint32_t i) const;
  // Index of argument `k` of a call node.
  std::uint32_t arg(const node& call, std::uint32_t k) const;
  std::uint32_t node_count() const;

 private:
  friend class parser;
  friend boost::system::result<expression, compile_error> compile(std::string_view text);
  struct data;
  std::unique_ptr<data> d_;
};

boost::system::result<expression, compile_error> compile(std::string_view text);

// One item of a FHIRPath collection: a node of the JSON (with its FHIR type) or a System value.
enum class item_kind : std::uint8_t { node, boolean, integer, decimal, string, date, date_time, time, quantity };

struct item {
  item_kind kind = item_kind::node;
  type_index type = no_type;               // FHIR type of a node (no_type when unknown)
  const rapidjson::Value* json = nullptr;  // node: its value (null when only "_name" is present)
  const rapidjson::Value* twin = nullptr;  // node of a primitive: its "_name" object (id, extension)
  bool boolean = false;
  std::int64_t integer = 0;
  double decimal = 0;
  std::string_view text;  // string, date, date_time, time, decimal source, quantity unit

  static item of_node(const rapidjson::Value* v, type_index t, const rapidjson::Value* twin = nullptr) {
    item i;
    i.json = v;
    i.type = t;
    i.twin = twin;
    return i;
  }
  static item of_bool(bool b) {
    item i;
    i.kind = item_kind::boolean;
    i.boolean = b;
    return i;
  }
  static item of_integer(std::int64_t v) {
    item i;
    i.kind = item_kind::integer;
    i.integer = v;
    return i;
  }
  static item of_string(std::string_view s) {
    item i;
    i.kind = item_kind::string;
    i.text = s;
    return i;
  }
};

// Finds the resource a reference string points at (contained "#id", a Bundle entry), or null.
struct reference_resolver {
  const rapidjson::Value* (*resolve)(const void* state, std::string_view reference) = nullptr;
  const void* state = nullptr;
};

// Checks a narrative div (the FHIR function htmlChecks()); returns an empty view when fine, else
// what is wrong.
using html_checker = std::string_view (*)(std::string_view xhtml);

struct environment {
  const model* m = nullptr;
  item resource;       // %resource
  item root_resource;  // %rootResource (the container of a contained resource)
  reference_resolver resolver;
  html_checker html = nullptr;
};

struct eval_error {
  std::string message;
};
[[noreturn]] void throw_exception_from_error(const eval_error& e, const boost::source_location& loc);

class evaluator {
 public:
  evaluator();
  ~evaluator();
  evaluator(const evaluator&) = delete;
  evaluator& operator=(const evaluator&) = delete;

  // Evaluates `e` with `context` as %context and $this. The returned items (and strings they
  // reference) stay valid until the next call on this evaluator.
  boost::system::result<std::span<const item>, eval_error> evaluate(const expression& e, const environment& env,
                                                                    const item& context);

  // An invariant's verdict: a single boolean is its value, any other non-empty collection is
  // true, and an empty collection (the expression could not decide, e.g. a Reference without
  // `reference` for ref-1, or dates of different precision for per-1) is not a failure.
  boost::system::result<bool, eval_error> check(const expression& e, const environment& env, const item& context);

 private:
  struct state;
  std::unique_ptr<state> s_;
};

// The calling thread's evaluator (created on first use).
evaluator& thread_evaluator();

// FHIR primitive types map onto System types; these give the System value of a node (or the item
// itself when it is not a node). A node without a value (only "_name") gives an empty optional
// (returned as false).
bool system_value(const model& m, const item& in, item& out);

}  // namespace fhir::fhirpath
