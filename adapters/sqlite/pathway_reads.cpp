#include "adapters/sqlite/pathway_reads.hpp"

#include "adapters/sql_store/pathway_sql.hpp"

namespace gateway::sqlite {

namespace core = gateway::core;
namespace codec = gateway::sql_store;

core::pathway_outcome read_pathway(connection& db, const core::pathway_window& window) {
  const auto& sql = codec::pathway_sql(codec::placeholder_style::question);
  const codec::pathway_binds b = codec::pathway_binds_of(window);
  codec::pathway_builder facts(window.max_rows);
  db.exec("BEGIN");  // one snapshot for every list
  for (auto& s = db.cached(sql.referrals).bind_all(b.from, b.to, b.limit); s.step();)
    facts.referral(s.text(0), s.text(1), s.text(2));
  for (auto& s = db.cached(sql.task_versions).bind_all(b.from, b.to, b.limit); s.step();)
    facts.task_version(s.text(0), s.text(1), s.text(2));
  for (auto& s = db.cached(sql.scores).bind_all(b.from, b.to, b.limit); s.step();)
    facts.score(s.text(0), s.text(1), s.text(2));
  for (auto& s = db.cached(sql.waiting_tasks).bind_all(b.limit); s.step();) facts.waiting_task(s.text(0), s.text(1));
  for (auto& s = db.cached(sql.outbox_counts); s.step();)
    facts.outbox_count(s.text(0), s.text(1), s.text(2), s.int64(3), s.int64(4));
  for (auto& s = db.cached(sql.outbox_errors).bind_all(b.limit); s.step();)
    facts.outbox_error(s.text(0), s.text(1), s.text(2));
  for (auto& s = db.cached(sql.dead_items).bind_all(b.limit); s.step();)
    facts.dead_item(s.text(0), s.text(1), s.text(2));
  for (auto& s = db.cached(sql.feedback).bind_all(b.from_ms, b.to_ms); s.step();)
    facts.feedback(s.text(0), s.text(1), s.int64(2));
  db.reset_busy();
  db.exec("COMMIT");
  return std::move(facts).finish();
}

}  // namespace gateway::sqlite
