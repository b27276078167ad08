#pragma once
// The SQL of FHIR search and audit search, shared by the SQLite and PostgreSQL stores: both keep
// the same tables (resources, resource_history, search_keys, audit) and differ here only in how a
// statement names its parameters (?1 or $1). Criteria become index lookups, the owner scope and
// _lastUpdated bounds plain filters, sort keys ORDER BY expressions, and paging a keyset condition
// on the cursor's sort values and write sequence, so rows arriving between pages never shift one.
//
// Pure text building: no connection, no I/O. The adapters run the statements and feed the rows to
// search_page_builder / audit_page_builder, which make the next cursor.

#include "gateway/core/store_query.hpp"

#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace gateway::sql_store {

using sql_value = std::variant<std::string, std::int64_t>;

enum class placeholder_style { question, dollar };  // ?1 (SQLite) or $1 (PostgreSQL)

struct search_statements {
  // SELECT count(*) with its own parameters.
  std::string count_sql;
  std::vector<sql_value> count_binds;
  // Columns: type, id, version, last_updated, owner_org, deleted, json, tie, then one per sort key.
  // tie is the order among equal sort values: the current version's write sequence, or on a paired
  // key's path (core::paired_index_for) the resource's rkey (its first version's sequence), the
  // order of that index. Fetches one row more than a page, so the builder knows whether a next page
  // exists.
  std::string page_sql;
  std::vector<sql_value> binds;
  std::vector<core::sort_key> sort;  // the effective sort (last-updated ascending when none asked)
  std::string signature;             // what a cursor of this query carries: the sort and the path
};

// How the statement tells the engine which index to start from. PostgreSQL plans from its
// statistics (none). SQLite has none (no ANALYZE: plans must not change with the data) and, left
// alone, walks every resource of the type, checking each against a list of all search-key matches
// (a whole-store scan per search, 0.5-10 s at 200,000 referrals); `sqlite` instead starts from the
// owner's resources (resources_by_owner_live, a criterion then checked by one search_keys lookup per
// row) when the query has an owner scope, and from the criterion's search-key matches otherwise.
enum class plan_hints { none, sqlite };

// invalid_request for an empty type, a criterion without values, or a cursor that does not belong
// to this query's sort and path.
boost::system::result<search_statements> build_search(const core::search_query& query, placeholder_style style,
                                                      plan_hints hints = plan_hints::none);

// Collects the rows of page_sql into a page.
class search_page_builder {
 public:
  search_page_builder(const core::search_query& query, const search_statements& statements);
  // One row; false once the page is full (the row is not taken, the next cursor is set).
  bool add(core::resource_record record, std::int64_t seq, std::vector<std::string> sort_values);
  core::search_page finish(std::int64_t total) &&;

 private:
  core::search_page page_;
  std::size_t count_;
  std::string signature_;
  std::int64_t last_seq_ = 0;
  std::vector<std::string> last_values_;
};

struct audit_statement {
  // Columns: seq, id, recorded, caller_org, caller_role, action, entity_type, entity_id, outcome,
  // request_id, json; one row more than a page.
  std::string sql;
  std::vector<sql_value> binds;
};

// invalid_request for a cursor that is not a sequence number.
boost::system::result<audit_statement> build_audit_search(const core::audit_query& query, placeholder_style style);

class audit_page_builder {
 public:
  explicit audit_page_builder(const core::audit_query& query) : count_(query.count) {}
  bool add(core::audit_record record, std::int64_t seq);
  core::audit_page finish() && { return std::move(page_); }

 private:
  core::audit_page page_;
  std::size_t count_;
  std::int64_t last_seq_ = 0;
};

}  // namespace gateway::sql_store
