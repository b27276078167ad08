#include "adapters/sqlite/search_query_sql.hpp"

#include "adapters/sql_store/search_sql.hpp"

namespace gateway::sqlite {
namespace {

namespace core = gateway::core;
namespace codec = gateway::sql_store;

void bind_values(statement& s, const std::vector<codec::sql_value>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    std::visit([&](const auto& v) { s.bind(static_cast<int>(i + 1), v); }, values[i]);
}

}  // namespace

core::search_outcome run_search(connection& db, const core::search_query& query) {
  auto built = codec::build_search(query, codec::placeholder_style::question, codec::plan_hints::sqlite);
  if (!built) return built.error();
  const auto& sql = *built;
  std::int64_t total = -1;
  codec::search_page_builder page(query, sql);
  db.exec("BEGIN");  // one snapshot for the total and the page
  if (query.include_total) {
    auto count = db.prepare(sql.count_sql);
    bind_values(*count, sql.count_binds);
    total = count->step() ? count->int64(0) : 0;
  }
  if (query.count > 0) {
    auto s = db.prepare(sql.page_sql);
    bind_values(*s, sql.binds);
    while (s->step()) {
      std::vector<std::string> sort_values;
      for (std::size_t k = 0; k < sql.sort.size(); ++k) sort_values.push_back(s->text(static_cast<int>(8 + k)));
      if (!page.add(core::resource_record{s->text(0), s->text(1), s->int64(2), s->text(3), s->text(4), s->text(6),
                                          s->int64(5) != 0},
                    s->int64(7), std::move(sort_values)))
        break;
    }
  }
  db.exec("COMMIT");
  return std::move(page).finish(total);
}

core::audit_outcome run_audit_search(connection& db, const core::audit_query& query) {
  auto built = codec::build_audit_search(query, codec::placeholder_style::question);
  if (!built) return built.error();
  auto s = db.prepare(built->sql);
  bind_values(*s, built->binds);
  codec::audit_page_builder page(query);
  while (s->step()) {
    const std::string action = s->text(5);
    if (!page.add(core::audit_record{s->text(1), s->text(2), s->text(3), s->text(4),
                                     static_cast<core::audit_action>(action.empty() ? 'R' : action[0]), s->text(6),
                                     s->text(7), s->text(8), s->text(9), s->text(10)},
                  s->int64(0)))
      break;
  }
  return std::move(page).finish();
}

}  // namespace gateway::sqlite
