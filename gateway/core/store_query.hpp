#pragma once
// Search requests and pages for the storage port. Paging is keyset (a cursor naming the last row
// seen), never offsets, so a next link stays correct while new rows arrive: new rows always sort
// after every existing row in last-updated order.

#include "gateway/core/store_records.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

// Matches when the resource has an index entry `param` equal to any of `any_of` (FHIR: a,b,c).
// Criteria are ANDed.
struct search_criterion {
  std::string param;
  std::vector<std::string> any_of;
};

// The reserved key name for sorting by last-updated time; any other name sorts by the smallest
// index value of that param (missing sorts as "").
inline constexpr const char* sort_last_updated = "_lastUpdated";
// The reserved key name for creation order (the order resources were first stored). The API
// appends it to a _sort list that does not name _lastUpdated: equal values keep the order their
// resources arrived in, whatever was updated since (a Task touched by an overdue notice keeps its
// place in the work queue instead of going to the back of its priority).
inline constexpr const char* sort_created = "_created";

struct sort_key {
  std::string param = sort_last_updated;
  bool descending = false;
};

struct search_query {
  std::string type;
  std::vector<search_criterion> criteria;
  std::optional<std::string> owner_org;        // scope: only resources owned by it; nullopt = all
  std::optional<std::string> last_updated_ge;  // inclusive bounds, FHIR instant with ms, UTC (see
  std::optional<std::string> last_updated_le;  // store_time.hpp): the API normalises _lastUpdated
  std::vector<sort_key> sort;                  // empty = last-updated ascending; ties broken by write order
  std::size_t count = 20;                      // page size; 0 = only the total
  std::optional<std::string> cursor;           // next_cursor of the previous page of the SAME query
  bool include_total = true;                   // false skips the COUNT query
};

struct search_page {
  std::int64_t total = -1;  // matches of the whole query (all pages); -1 if not asked for
  std::vector<resource_record> items;
  std::optional<std::string> next_cursor;  // opaque, URL-safe; absent on the last page
};

// Audit records by entity and/or time; newest first unless oldest_first.
struct audit_query {
  std::optional<resource_ref> entity;
  std::optional<std::string> caller_org;
  std::optional<std::string> recorded_ge;  // inclusive, FHIR instant with ms
  std::optional<std::string> recorded_le;
  std::size_t count = 50;
  std::optional<std::string> cursor;
  bool oldest_first = false;
};

struct audit_page {
  std::vector<audit_record> items;
  std::optional<std::string> next_cursor;
};

using search_outcome = boost::system::result<search_page>;
using history_outcome = boost::system::result<std::vector<resource_record>>;
using audit_outcome = boost::system::result<audit_page>;
using claim_lookup_outcome = boost::system::result<std::optional<resource_ref>>;

}  // namespace gateway::core
