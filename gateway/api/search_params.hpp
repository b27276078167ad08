#pragma once
// The FHIR search parameters of each searchable resource type, and the translation of a request's
// query into the storage port's search_query. Pure (no I/O): the route handler only calls
// translate_search and the store.
//
// Values are encoded as gateway/core/search_index.hpp indexes them:
//   token      "system|value" or "value" (both forms are indexed); "|value" (no system) and
//              "system|" (any value) are refused: the index cannot tell them apart
//   code       a plain code (status); a "system|" before it is ignored
//   reference  "Type/id" (one of the parameter's target types), a bare id (any target type),
//              or an absolute URL ending in Type/id; a ":Type" modifier names the target type
//   organisation  a reference, or an ODS code ("CODE" or "https://fhir.nhs.uk/Id/ods-organization-code|CODE",
//              also with the ":identifier" modifier)
// A comma separates alternatives (OR; "\," is a literal comma); repeated parameters are ANDed.
// Common parameters: _lastUpdated (see search_date.hpp), _count (default 20, larger than 100 is
// clamped), _sort (comma list of _lastUpdated or a type's sort names, "-" for descending; the
// rest of the order is creation order unless _lastUpdated is named), _total=none|accurate|estimate
// (the default: a total on the first page, none on later ones unless asked for), _cursor (from a
// next link), _format (handled by the front door).
//
// Thread safety: pure functions; the definitions are immutable.
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/api_request.hpp"
#include "gateway/api/route.hpp"
#include "gateway/core/store_query.hpp"

namespace gateway::api {

enum class param_kind { token, code, reference, organisation };

struct search_param_def {
  std::string name;  // as in the URL
  param_kind kind = param_kind::token;
  std::string index_param;           // the search_index name it is matched against
  std::vector<std::string> targets;  // reference target types
  std::string documentation;
};

// A _sort name and the sort keys it means (the store's index params or core::sort_last_updated).
struct search_sort_def {
  std::string name;
  std::vector<std::string> keys;
};

struct search_definition {
  std::string type;
  std::vector<search_param_def> params;
  std::vector<search_sort_def> sorts;  // besides _lastUpdated
};

// ServiceRequest, Task, Observation, QuestionnaireResponse, DocumentReference.
const std::vector<search_definition>& resource_search_definitions();

// The CapabilityStatement entries of a type's search: its parameters and the common ones.
std::vector<search_param_spec> capability_search_params(const search_definition& def);

inline constexpr std::size_t default_page_size = 20;
inline constexpr std::size_t max_page_size = 100;
inline constexpr const char* cursor_param = "_cursor";

// A parameter whose value cannot be used (400). `message` starts with the parameter's name.
struct search_param_error {
  std::string param;
  std::string message;
};

[[noreturn]] inline void throw_exception_from_error(const search_param_error& e, const boost::source_location&) {
  throw std::invalid_argument(e.message);
}

// A page size asked for by _count.
struct page_size {
  std::size_t count = default_page_size;
  std::optional<std::size_t> requested;  // set when _count was over the maximum (and clamped)
};

struct translated_search {
  core::search_query query;
  std::optional<std::size_t> requested_count;  // _count over the maximum, clamped
  std::vector<std::string> ignored;            // parameters not applied, named as sent
  std::vector<query_param> applied;            // parameters applied, for the self and next links (no _cursor)
};

using translate_outcome = boost::system::result<translated_search, search_param_error>;

// The query for `def.type`, scoped to `owner_scope` (core::search_scope of the caller).
translate_outcome translate_search(const search_definition& def, const std::vector<query_param>& params,
                                   std::optional<std::string> owner_scope);

// _count: a whole number; over max_page_size it is clamped.
boost::system::result<page_size, search_param_error> parse_count(std::string_view value);

// Splits a value on unescaped commas ("\," is a literal comma, left escaped with the other
// escapes for the part's own parsing).
std::vector<std::string> split_alternatives(std::string_view value);

// Removes FHIR search escapes: "\," "\|" "\$" "\\" become the character.
std::string unescape_search_value(std::string_view value);

// True when a Prefer header asks for strict handling (handling=strict among its preferences).
bool prefers_strict_handling(std::string_view prefer);

}  // namespace gateway::api
