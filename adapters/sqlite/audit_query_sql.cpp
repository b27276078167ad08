#include "adapters/sqlite/search_query_sql.hpp"

#include <charconv>

namespace gateway::sqlite {

namespace core = gateway::core;
using core::store_errc;

core::audit_outcome run_audit_search(connection& db, const core::audit_query& query) {
  std::string where = " WHERE 1";
  std::vector<std::string> binds;
  auto param = [&](std::string v) {
    binds.push_back(std::move(v));
    return "?" + std::to_string(binds.size());
  };
  if (query.entity)
    where += " AND entity_type = " + param(query.entity->type) + " AND entity_id = " + param(query.entity->id);
  if (query.caller_org) where += " AND caller_org = " + param(*query.caller_org);
  if (query.recorded_ge) where += " AND recorded >= " + param(*query.recorded_ge);
  if (query.recorded_le) where += " AND recorded <= " + param(*query.recorded_le);
  if (query.cursor) {
    std::int64_t after = 0;
    const auto& c = *query.cursor;
    const auto r = std::from_chars(c.data(), c.data() + c.size(), after);
    if (r.ec != std::errc() || r.ptr != c.data() + c.size()) return make_error_code(store_errc::invalid_request);
    where += std::string(" AND seq ") + (query.oldest_first ? "> " : "< ") + std::to_string(after);
  }
  const std::string sql =
      "SELECT seq, id, recorded, caller_org, caller_role, action, entity_type, entity_id, "
      "outcome, request_id, json FROM audit" +
      where + " ORDER BY seq " + (query.oldest_first ? "ASC" : "DESC") + " LIMIT " + std::to_string(query.count + 1);
  auto s = db.prepare(sql);
  for (std::size_t i = 0; i < binds.size(); ++i) s->bind(static_cast<int>(i + 1), binds[i]);

  core::audit_page page;
  std::int64_t last_seq = 0;
  while (s->step()) {
    if (page.items.size() == query.count) {
      page.next_cursor = std::to_string(last_seq);
      break;
    }
    const std::string action = s->text(5);
    page.items.push_back(core::audit_record{s->text(1), s->text(2), s->text(3), s->text(4),
                                            static_cast<core::audit_action>(action.empty() ? 'R' : action[0]),
                                            s->text(6), s->text(7), s->text(8), s->text(9), s->text(10)});
    last_seq = s->int64(0);
  }
  return page;
}

}  // namespace gateway::sqlite
