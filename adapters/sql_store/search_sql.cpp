#include "adapters/sql_store/search_sql.hpp"

#include "adapters/sql_store/search_cursor.hpp"
#include "gateway/core/search_pairs.hpp"

#include <charconv>

namespace gateway::sql_store {
namespace {

namespace core = gateway::core;
using core::store_errc;

// SQL text with numbered parameters, so an expression can repeat a parameter.
class sql_text {
 public:
  explicit sql_text(placeholder_style style) : style_(style) {}
  std::string param(sql_value value) {
    binds.push_back(std::move(value));
    std::string name(1, style_ == placeholder_style::question ? '?' : '$');  // appended: g++ 12 -Wrestrict
    name += std::to_string(binds.size());
    return name;
  }
  std::vector<sql_value> binds;

 private:
  placeholder_style style_;
};

struct key_sql {
  std::string expr;
  bool descending;
};

std::string sort_signature(const std::vector<core::sort_key>& keys) {
  std::string sig;
  for (const auto& k : keys) {
    sig += k.param;
    sig += k.descending ? "-" : "+";
    sig += ",";
  }
  return sig;
}

// Sort keys then the write sequence, compared in one direction per key:
// (k0 > v0) OR (k0 = v0 AND k1 > v1) OR ... OR (k0 = v0 AND ... AND seq > s).
std::string keyset_condition(sql_text& sql, const std::vector<key_sql>& keys, const cursor_position& pos) {
  std::string out = "(";
  std::string equal_prefix;
  for (std::size_t i = 0; i <= keys.size(); ++i) {
    const bool is_seq = i == keys.size();
    const std::string expr = is_seq ? "r.seq" : keys[i].expr;
    const bool desc = is_seq ? (!keys.empty() && keys.back().descending) : keys[i].descending;
    const std::string value = is_seq ? sql.param(pos.seq) : sql.param(pos.values[i]);
    if (i > 0) out += " OR ";
    out += "(" + equal_prefix + expr + (desc ? " < " : " > ") + value + ")";
    equal_prefix += expr + " = " + value + " AND ";
  }
  return out + ")";
}

// The owner-paired key that counts this query's matches, if one does: an owner scope and one
// criterion with one value, nothing else to filter on.
const core::owner_paired_index* owner_count_pair(const core::search_query& query) {
  if (!query.owner_org || query.last_updated_ge || query.last_updated_le || query.criteria.size() != 1 ||
      query.criteria.front().any_of.size() != 1)
    return nullptr;
  return core::owner_paired_for(query.type, query.criteria.front().param);
}

// The paired key's path (core::paired_index_for): the page is one range of the paired rows, read
// in index order (value = criterion value, separator, sort value; then rkey, i.e. creation order)
// and joined to their resources; the total counts that range alone (only current, undeleted
// resources have search rows, one paired row each). No sort, no per-row look-up of the sort value.
boost::system::result<search_statements> build_paired_search(const core::search_query& query,
                                                             const core::paired_index& pair, search_statements out,
                                                             placeholder_style style) {
  sql_text sql(style);
  const std::string& wanted = query.criteria.front().any_of.front();
  const std::string prefix = wanted + core::paired_separator;
  const std::string beyond = wanted + static_cast<char>(core::paired_separator + 1);
  const std::string type = sql.param(query.type);
  const std::string first = sql.param(prefix);
  std::string filters = " WHERE q.type = " + type + " AND q.param = " + sql.param(std::string(pair.param)) +
                        " AND q.value >= " + first + " AND q.value < " + sql.param(beyond);
  out.count_sql = "SELECT count(*) FROM search_keys q" + filters;
  out.count_binds = sql.binds;

  out.signature = "paired," + out.signature;
  if (query.cursor) {
    const auto pos = decode_cursor(*query.cursor);
    if (!pos || pos->signature != out.signature || pos->values.size() != 2)
      return make_error_code(store_errc::invalid_request);
    filters +=
        " AND (q.value, q.rkey) > (" + sql.param(prefix + pos->values.front()) + ", " + sql.param(pos->seq) + ")";
  }
  // The sort value follows the prefix; substr counts characters in both engines.
  std::int64_t sort_value_from = 1;
  for (const unsigned char c : prefix) sort_value_from += (c & 0xC0) != 0x80;
  const std::string inner =
      "SELECT r.type, r.id, r.version, r.last_updated, r.owner_org, r.deleted, r.seq, "
      "substr(q.value, " +
      sql.param(sort_value_from) + ") AS k0, q.rkey AS k1 FROM search_keys q JOIN resources r ON r.rkey = q.rkey" +
      filters + " AND r.deleted = 0 ORDER BY q.value, q.rkey LIMIT " +
      sql.param(static_cast<std::int64_t>(query.count) + 1);
  out.page_sql =
      "SELECT p.type, p.id, p.version, p.last_updated, p.owner_org, p.deleted, h.json, p.k1, p.k0, p.k1 FROM (" +
      inner + ") p JOIN resource_history h ON h.seq = p.seq ORDER BY p.k0, p.k1";
  out.binds = std::move(sql.binds);
  return out;
}

}  // namespace

boost::system::result<search_statements> build_search(const core::search_query& query, placeholder_style style,
                                                      plan_hints hints) {
  if (query.type.empty()) return make_error_code(store_errc::invalid_request);
  search_statements out;
  out.sort = query.sort;
  if (out.sort.empty()) out.sort.push_back(core::sort_key{});
  out.signature = sort_signature(out.sort);
  // The platform's work queue and its like: no owner scope, one criterion with one value, sorted
  // ascending by a key a paired key serves, then in creation order.
  if (!query.owner_org && !query.last_updated_ge && !query.last_updated_le && query.criteria.size() == 1 &&
      query.criteria.front().any_of.size() == 1 && out.sort.size() == 2 && !out.sort[0].descending &&
      out.sort[1].param == core::sort_created && !out.sort[1].descending)
    if (const auto* pair = core::paired_index_for(query.type, query.criteria.front().param, out.sort[0].param))
      return build_paired_search(query, *pair, std::move(out), style);

  sql_text sql(style);
  const std::string type = sql.param(query.type);
  const bool sqlite = hints == plan_hints::sqlite;
  const bool by_owner = sqlite && query.owner_org;
  // SQLite: "+r.type" keeps the planner off the (type, id) key, so a criterion's matches drive.
  const bool by_criterion = sqlite && !query.owner_org && !query.criteria.empty();
  std::string from = " FROM resources r";
  if (by_owner) from += " INDEXED BY resources_by_owner_live";
  std::string filters = std::string(" WHERE ") + (by_criterion ? "+" : "") + "r.type = " + type + " AND r.deleted = 0";
  if (query.owner_org) filters += " AND r.owner_org = " + sql.param(*query.owner_org);
  if (query.last_updated_ge) filters += " AND r.last_updated >= " + sql.param(*query.last_updated_ge);
  if (query.last_updated_le) filters += " AND r.last_updated <= " + sql.param(*query.last_updated_le);
  for (const auto& c : query.criteria) {
    if (c.any_of.empty()) return make_error_code(store_errc::invalid_request);
    const std::string keys = "search_keys s WHERE s.type = " + type + " AND s.param = " + sql.param(c.param);
    filters += by_owner ? " AND EXISTS (SELECT 1 FROM " + keys + " AND s.rkey = r.rkey AND s.value IN ("
                        : " AND r.rkey IN (SELECT s.rkey FROM " + keys + " AND s.value IN (";
    for (std::size_t i = 0; i < c.any_of.size(); ++i) filters += (i ? ", " : "") + sql.param(c.any_of[i]);
    filters += "))";
  }
  if (const auto* pair = owner_count_pair(query)) {
    // A referrer's total by one status: the count of its owner-paired rows (search_pairs.hpp).
    sql_text count(style);
    out.count_sql = "SELECT count(*) FROM search_keys q WHERE q.type = " + count.param(query.type) +
                    " AND q.param = " + count.param(std::string(pair->param)) + " AND q.value = " +
                    count.param(*query.owner_org + core::paired_separator + query.criteria.front().any_of.front());
    out.count_binds = std::move(count.binds);
  } else {
    out.count_sql = "SELECT count(*)" + from + filters;
    out.count_binds = sql.binds;
  }

  std::vector<key_sql> keys;
  for (const auto& k : out.sort) {
    if (k.param == core::sort_last_updated)
      keys.push_back({"r.last_updated", k.descending});
    else if (k.param == core::sort_created)
      keys.push_back({"r.rkey", k.descending});
    else
      keys.push_back(
          {"coalesce((SELECT min(s.value) FROM search_keys s WHERE s.rkey = r.rkey "
           "AND s.param = " +
               sql.param(k.param) + "), '')",
           k.descending});
  }

  std::string page_filters = filters;
  if (query.cursor) {
    const auto pos = decode_cursor(*query.cursor);
    if (!pos || pos->signature != out.signature || pos->values.size() != keys.size())
      return make_error_code(store_errc::invalid_request);
    page_filters += " AND " + keyset_condition(sql, keys, *pos);
  }

  std::string order;
  std::string outer_order;  // the same order over the inner query's columns
  for (std::size_t i = 0; i < keys.size(); ++i) {
    order += keys[i].expr + (keys[i].descending ? " DESC, " : " ASC, ");
    outer_order += "p.k" + std::to_string(i) + (keys[i].descending ? " DESC, " : " ASC, ");
  }
  const char* seq_order = keys.back().descending ? "seq DESC" : "seq ASC";
  order += std::string("r.") + seq_order;
  outer_order += std::string("p.") + seq_order;

  // The page's rows are chosen and sorted first, and only they are joined to their JSON: sorting
  // a large match set carries keys, not documents.
  std::string inner = "SELECT r.type, r.id, r.version, r.last_updated, r.owner_org, r.deleted, r.seq";
  for (std::size_t i = 0; i < keys.size(); ++i) inner += ", " + keys[i].expr + " AS k" + std::to_string(i);
  const std::string limit = sql.param(static_cast<std::int64_t>(query.count) + 1);
  std::string select = "SELECT p.type, p.id, p.version, p.last_updated, p.owner_org, p.deleted, h.json, p.seq";
  for (std::size_t i = 0; i < keys.size(); ++i) select += ", p.k" + std::to_string(i);
  out.page_sql = select + " FROM (" + inner + from + page_filters + " ORDER BY " + order + " LIMIT " + limit +
                 ") p JOIN resource_history h ON h.seq = p.seq ORDER BY " + outer_order;
  out.binds = std::move(sql.binds);
  return out;
}

search_page_builder::search_page_builder(const core::search_query& query, const search_statements& statements)
    : count_(query.count), signature_(statements.signature) {}

bool search_page_builder::add(core::resource_record record, std::int64_t seq, std::vector<std::string> sort_values) {
  if (page_.items.size() == count_) {
    page_.next_cursor = encode_cursor(cursor_position{signature_, std::move(last_values_), last_seq_});
    return false;  // a further row exists
  }
  page_.items.push_back(std::move(record));
  last_seq_ = seq;
  last_values_ = std::move(sort_values);
  return true;
}

core::search_page search_page_builder::finish(std::int64_t total) && {
  page_.total = total;
  return std::move(page_);
}

boost::system::result<audit_statement> build_audit_search(const core::audit_query& query, placeholder_style style) {
  sql_text sql(style);
  std::string where = " WHERE 1 = 1";
  if (query.entity)
    where += " AND entity_type = " + sql.param(query.entity->type) + " AND entity_id = " + sql.param(query.entity->id);
  if (query.caller_org) where += " AND caller_org = " + sql.param(*query.caller_org);
  if (query.recorded_ge) where += " AND recorded >= " + sql.param(*query.recorded_ge);
  if (query.recorded_le) where += " AND recorded <= " + sql.param(*query.recorded_le);
  if (query.cursor) {
    std::int64_t after = 0;
    const auto& c = *query.cursor;
    const auto r = std::from_chars(c.data(), c.data() + c.size(), after);
    if (r.ec != std::errc() || r.ptr != c.data() + c.size()) return make_error_code(store_errc::invalid_request);
    where += std::string(" AND seq ") + (query.oldest_first ? "> " : "< ") + sql.param(after);
  }
  audit_statement out;
  out.sql =
      "SELECT seq, id, recorded, caller_org, caller_role, action, entity_type, entity_id, "
      "outcome, request_id, json FROM audit" +
      where + " ORDER BY seq " + (query.oldest_first ? "ASC" : "DESC") + " LIMIT " +
      sql.param(static_cast<std::int64_t>(query.count) + 1);
  out.binds = std::move(sql.binds);
  return out;
}

bool audit_page_builder::add(core::audit_record record, std::int64_t seq) {
  if (page_.items.size() == count_) {
    page_.next_cursor = std::to_string(last_seq_);
    return false;
  }
  page_.items.push_back(std::move(record));
  last_seq_ = seq;
  return true;
}

}  // namespace gateway::sql_store
