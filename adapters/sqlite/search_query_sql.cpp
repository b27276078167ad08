#include "adapters/sqlite/search_query_sql.hpp"

#include "adapters/sqlite/search_cursor.hpp"

#include <variant>

namespace gateway::sqlite {
namespace {

namespace core = gateway::core;
using core::store_errc;

// SQL text with numbered parameters, so an expression can repeat a parameter.
class sql_text {
 public:
  std::string param(std::variant<std::string, std::int64_t> value) {
    binds_.push_back(std::move(value));
    return "?" + std::to_string(binds_.size());
  }
  // Binds the parameters the statement uses; a shorter statement (the total) uses a prefix.
  void bind(statement& s) const {
    const std::size_t used = static_cast<std::size_t>(s.parameter_count());
    for (std::size_t i = 0; i < binds_.size() && i < used; ++i)
      std::visit([&](const auto& v) { s.bind(static_cast<int>(i + 1), v); }, binds_[i]);
  }

 private:
  std::vector<std::variant<std::string, std::int64_t>> binds_;
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

}  // namespace

core::search_outcome run_search(connection& db, const core::search_query& query) {
  if (query.type.empty()) return make_error_code(store_errc::invalid_request);
  std::vector<core::sort_key> sort = query.sort;
  if (sort.empty()) sort.push_back(core::sort_key{});

  sql_text sql;
  const std::string type = sql.param(query.type);
  std::string filters = " WHERE r.type = " + type + " AND r.deleted = 0";
  if (query.owner_org) filters += " AND r.owner_org = " + sql.param(*query.owner_org);
  if (query.last_updated_ge) filters += " AND r.last_updated >= " + sql.param(*query.last_updated_ge);
  if (query.last_updated_le) filters += " AND r.last_updated <= " + sql.param(*query.last_updated_le);
  for (const auto& c : query.criteria) {
    if (c.any_of.empty()) return make_error_code(store_errc::invalid_request);
    filters += " AND r.rkey IN (SELECT s.rkey FROM search_keys s WHERE s.type = " + type +
               " AND s.param = " + sql.param(c.param) + " AND s.value IN (";
    for (std::size_t i = 0; i < c.any_of.size(); ++i) filters += (i ? ", " : "") + sql.param(c.any_of[i]);
    filters += "))";
  }

  std::vector<key_sql> keys;
  for (const auto& k : sort) {
    if (k.param == core::sort_last_updated)
      keys.push_back({"r.last_updated", k.descending});
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
    if (!pos || pos->signature != sort_signature(sort) || pos->values.size() != keys.size())
      return make_error_code(store_errc::invalid_request);
    page_filters += " AND " + keyset_condition(sql, keys, *pos);
  }

  std::string order;
  for (const auto& k : keys) order += k.expr + (k.descending ? " DESC, " : " ASC, ");
  order += keys.back().descending ? "r.seq DESC" : "r.seq ASC";

  std::string select = "SELECT r.type, r.id, r.version, r.last_updated, r.owner_org, r.deleted, h.json, r.seq";
  for (const auto& k : keys) select += ", " + k.expr;
  const std::string limit = sql.param(static_cast<std::int64_t>(query.count) + 1);
  const std::string page_sql = select + " FROM resources r JOIN resource_history h ON h.seq = r.seq" + page_filters +
                               " ORDER BY " + order + " LIMIT " + limit;

  core::search_page page;
  db.exec("BEGIN");  // one snapshot for the total and the page
  if (query.include_total) {
    auto count = db.prepare("SELECT count(*) FROM resources r" + filters);
    sql.bind(*count);
    page.total = count->step() ? count->int64(0) : 0;
  }
  if (query.count > 0) {
    auto s = db.prepare(page_sql);
    sql.bind(*s);
    cursor_position last{sort_signature(sort), {}, 0};
    while (s->step()) {
      if (page.items.size() == query.count) {
        page.next_cursor = encode_cursor(last);  // a further row exists
        break;
      }
      page.items.push_back(core::resource_record{s->text(0), s->text(1), s->int64(2), s->text(3), s->text(4),
                                                 s->text(6), s->int64(5) != 0});
      last.seq = s->int64(7);
      last.values.clear();
      for (std::size_t k = 0; k < keys.size(); ++k) last.values.push_back(s->text(static_cast<int>(8 + k)));
    }
  }
  db.exec("COMMIT");
  return page;
}

}  // namespace gateway::sqlite
