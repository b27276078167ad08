#pragma once
// Internal: the compiled form of a FHIRPath expression. Nodes live in one vector and name their
// children by index; function names are resolved to an enum at compile time, so evaluation
// never compares names of functions.

#include <cstdint>
#include <string_view>

namespace fhir::fhirpath {

inline constexpr std::uint32_t no_node = UINT32_MAX;

enum class op : std::uint8_t {
  // terms
  empty_literal,  // {}
  boolean_literal,
  string_literal,
  integer_literal,
  decimal_literal,
  date_literal,
  date_time_literal,
  time_literal,
  quantity_literal,  // number + unit (text = unit)
  this_,             // $this
  index_,            // $index
  total_,            // $total
  constant,          // %name
  member,            // lhs.name, or name on the focus (lhs = no_node)
  call,              // lhs.fn(args), or fn(args) on the focus
  indexer,           // lhs[rhs]
  negate,            // -rhs
  // binary operators
  mul,
  div,
  int_div,
  mod,
  add,
  sub,
  concat,
  is_,
  as_,
  union_,
  lt,
  le,
  gt,
  ge,
  eq,
  equiv,
  ne,
  nequiv,
  in_,
  contains_,
  and_,
  or_,
  xor_,
  implies,
};

enum class fn : std::uint8_t {
  // existence
  empty,
  exists,
  all,
  all_true,
  any_true,
  all_false,
  any_false,
  subset_of,
  superset_of,
  count,
  distinct,
  is_distinct,
  // filtering and projection
  where,
  select,
  repeat,
  of_type,
  // subsetting
  single,
  first,
  last,
  tail,
  skip,
  take,
  intersect,
  exclude,
  // combining
  union_,
  combine,
  // conversion
  iif,
  to_boolean,
  converts_to_boolean,
  to_integer,
  converts_to_integer,
  to_decimal,
  converts_to_decimal,
  to_string,
  converts_to_string,
  to_date,
  converts_to_date,
  to_date_time,
  converts_to_date_time,
  to_time,
  converts_to_time,
  to_quantity,
  converts_to_quantity,
  // strings
  index_of,
  substring,
  starts_with,
  ends_with,
  contains,
  upper,
  lower,
  replace,
  matches,
  replace_matches,
  length,
  to_chars,
  // math
  abs,
  ceiling,
  exp,
  floor,
  ln,
  log,
  power,
  round,
  sqrt,
  truncate,
  // tree navigation
  children,
  descendants,
  // utility
  trace,
  now,
  time_of_day,
  today,
  not_,
  aggregate,
  // type functions
  is,
  as,
  // FHIR additions (R4 "FHIRPath in FHIR")
  extension,
  has_value,
  resolve,
  html_checks,
  member_of,
  conforms_to,
  subsumes,
  subsumed_by,
  get_value,
};

struct node {
  op kind = op::empty_literal;
  fn function = fn::empty;
  std::uint8_t arg_count = 0;
  std::uint32_t lhs = no_node;  // left operand / the expression a member or call applies to
  std::uint32_t rhs = no_node;  // right operand; for calls the first argument (args are consecutive in `args`)
  std::uint32_t args = 0;       // index into the expression's argument list
  std::string_view text;        // name, literal text, unit, type name
  std::int64_t integer = 0;
  double decimal = 0;
  bool boolean = false;
  // Set at compile time: the node's value does not depend on the focus ($this, $index, names
  // read from the focus), so inside where()/select()/all() it is computed once per evaluation.
  bool focus_free = false;
};

}  // namespace fhir::fhirpath
