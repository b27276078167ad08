#include "adapters/postgres/pg_reads.hpp"

#include "adapters/sql_store/search_sql.hpp"

namespace gateway::postgres {
namespace {

namespace core = gateway::core;
namespace codec = gateway::sql_store;
using core::store_errc;

// Columns: type, id, version, last_updated, owner_org, deleted, json
core::resource_record record_from(const pg_result& r, int row) {
  return core::resource_record{r.text(row, 0), r.text(row, 1), r.int64(row, 2),     r.text(row, 3),
                               r.text(row, 4), r.text(row, 6), r.int64(row, 5) != 0};
}

constexpr const char* history_columns =
    "SELECT type, id, version, last_updated, owner_org, deleted, json FROM resource_history ";

pg_params params_of(const std::vector<codec::sql_value>& values) {
  pg_params p;
  for (std::size_t i = 0; i < values.size(); ++i) std::visit([&](const auto& v) { p.add(v); }, values[i]);
  return p;
}

}  // namespace

core::read_outcome read_current(pg_connection& db, const std::string& type, const std::string& id) {
  const auto r = db.run(
      "SELECT h.type, h.id, h.version, h.last_updated, h.owner_org, h.deleted, h.json "
      "FROM resources r JOIN resource_history h ON h.seq = r.seq WHERE r.type = $1 AND r.id = $2",
      pg_params(type, id));
  if (r.rows() == 0) return make_error_code(store_errc::not_found);
  auto record = record_from(r, 0);
  if (record.deleted) return make_error_code(store_errc::gone);
  return record;
}

core::read_outcome read_version(pg_connection& db, const std::string& type, const std::string& id,
                                std::int64_t version) {
  const auto r = db.run(std::string(history_columns) + "WHERE type = $1 AND id = $2 AND version = $3",
                        pg_params(type, id, version));
  if (r.rows() == 0) return make_error_code(store_errc::not_found);
  auto record = record_from(r, 0);
  if (record.deleted) return make_error_code(store_errc::gone);
  return record;
}

core::history_outcome read_history(pg_connection& db, const std::string& type, const std::string& id,
                                   std::size_t count) {
  const auto r = db.run(std::string(history_columns) + "WHERE type = $1 AND id = $2 ORDER BY version DESC LIMIT $3",
                        pg_params(type, id, static_cast<std::int64_t>(count)));
  std::vector<core::resource_record> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(record_from(r, i));
  if (out.empty() && count > 0) return make_error_code(store_errc::not_found);
  return out;
}

core::claim_lookup_outcome read_claim(pg_connection& db, const std::string& owner_org, const std::string& system,
                                      const std::string& value) {
  const auto r = db.run(
      "SELECT resource_type, resource_id FROM identifier_claims WHERE owner_org = $1 AND system = $2 AND value = $3",
      pg_params(owner_org, system, value));
  if (r.rows() == 0) return std::optional<core::resource_ref>();
  return std::optional<core::resource_ref>(core::resource_ref{r.text(0, 0), r.text(0, 1)});
}

core::search_outcome run_search(pg_connection& db, const core::search_query& query) {
  auto built = codec::build_search(query, codec::placeholder_style::dollar);
  if (!built) return built.error();
  const auto& sql = *built;
  std::int64_t total = -1;
  codec::search_page_builder page(query, sql);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (query.include_total) {
    const auto r = db.run_once(sql.count_sql, params_of(sql.count_binds));
    total = r.rows() > 0 ? r.int64(0, 0) : 0;
  }
  if (query.count > 0) {
    const auto r = db.run_once(sql.page_sql, params_of(sql.binds));
    for (int i = 0; i < r.rows(); ++i) {
      std::vector<std::string> sort_values;
      for (std::size_t k = 0; k < sql.sort.size(); ++k) sort_values.push_back(r.text(i, static_cast<int>(8 + k)));
      if (!page.add(record_from(r, i), r.int64(i, 7), std::move(sort_values))) break;
    }
  }
  db.exec("COMMIT");
  return std::move(page).finish(total);
}

core::audit_outcome run_audit_search(pg_connection& db, const core::audit_query& query) {
  auto built = codec::build_audit_search(query, codec::placeholder_style::dollar);
  if (!built) return built.error();
  const auto r = db.run_once(built->sql, params_of(built->binds));
  codec::audit_page_builder page(query);
  for (int i = 0; i < r.rows(); ++i) {
    const std::string action = r.text(i, 5);
    if (!page.add(core::audit_record{r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4),
                                     static_cast<core::audit_action>(action.empty() ? 'R' : action[0]), r.text(i, 6),
                                     r.text(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10)},
                  r.int64(i, 0)))
      break;
  }
  return std::move(page).finish();
}

}  // namespace gateway::postgres
