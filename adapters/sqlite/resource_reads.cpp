#include "adapters/sqlite/resource_reads.hpp"

#include <chrono>
#include <cstdio>

namespace gateway::sqlite {
namespace {

namespace core = gateway::core;
using core::store_errc;

// Columns: type, id, version, last_updated, owner_org, deleted, json
core::resource_record record_from(const statement& s) {
  return core::resource_record{s.text(0), s.text(1), s.int64(2), s.text(3), s.text(4), s.text(6), s.int64(5) != 0};
}

constexpr const char* history_columns =
    "SELECT type, id, version, last_updated, owner_org, deleted, json "
    "FROM resource_history ";

}  // namespace

core::read_outcome read_current(connection& db, const std::string& type, const std::string& id) {
  auto& s = db.cached(
      "SELECT h.type, h.id, h.version, h.last_updated, h.owner_org, h.deleted, h.json "
      "FROM resources r JOIN resource_history h ON h.seq = r.seq WHERE r.type = ?1 AND r.id = ?2");
  if (!s.bind_all(type, id).step()) return make_error_code(store_errc::not_found);
  auto record = record_from(s);
  if (record.deleted) return make_error_code(store_errc::gone);
  return record;
}

core::read_outcome read_version(connection& db, const std::string& type, const std::string& id, std::int64_t version) {
  auto& s = db.cached(std::string(history_columns) + "WHERE type = ?1 AND id = ?2 AND version = ?3");
  if (!s.bind_all(type, id, version).step()) return make_error_code(store_errc::not_found);
  auto record = record_from(s);
  if (record.deleted) return make_error_code(store_errc::gone);
  return record;
}

core::history_outcome read_history(connection& db, const std::string& type, const std::string& id, std::size_t count) {
  auto& s = db.cached(std::string(history_columns) + "WHERE type = ?1 AND id = ?2 ORDER BY version DESC LIMIT ?3");
  s.bind_all(type, id, static_cast<std::int64_t>(count));
  std::vector<core::resource_record> out;
  while (s.step()) out.push_back(record_from(s));
  if (out.empty() && count > 0) return make_error_code(store_errc::not_found);
  return out;
}

core::claim_lookup_outcome read_claim(connection& db, const std::string& owner_org, const std::string& system,
                                      const std::string& value) {
  auto& s = db.cached(
      "SELECT resource_type, resource_id FROM identifier_claims "
      "WHERE owner_org = ?1 AND system = ?2 AND value = ?3");
  if (!s.bind_all(owner_org, system, value).step()) return std::optional<core::resource_ref>();
  return std::optional<core::resource_ref>(core::resource_ref{s.text(0), s.text(1)});
}

std::int64_t read_last_commit_ms(connection& db) {
  // Commit times never go backwards and seq grows with every version, so the newest version holds
  // the latest time: one step down the primary key, where max(last_updated) read every version
  // (seconds at start-up with a million referrals stored).
  auto& s = db.cached("SELECT last_updated FROM resource_history ORDER BY seq DESC LIMIT 1");
  if (!s.step() || s.is_null(0)) return 0;
  const std::string t = s.text(0);  // YYYY-MM-DDThh:mm:ss.sssZ, written by format_store_instant
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0, ms = 0;
  if (std::sscanf(t.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &se, &ms) != 7) return 0;
  using namespace std::chrono;
  const sys_days date{year{y} / month{static_cast<unsigned>(mo)} / static_cast<unsigned>(d)};
  const auto tp = date + hours{h} + minutes{mi} + seconds{se} + milliseconds{ms};
  return duration_cast<milliseconds>(tp.time_since_epoch()).count();
}

}  // namespace gateway::sqlite
