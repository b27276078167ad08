#include "adapters/postgres/pg_unit.hpp"

#include "adapters/sql_store/json_meta.hpp"

#include <optional>

namespace gateway::postgres {
namespace {

namespace core = gateway::core;
using core::store_errc;

core::commit_failure rejection(store_errc code, std::string detail) {
  return core::commit_failure{code, std::move(detail), {}, {}, {}};
}

// The claim is an insert into the primary key (owner_org, system, value): of two instances (or two
// units of a batch) claiming the same identifier, whoever inserts first holds it.
std::optional<core::commit_failure> claim_identifiers(write_context& ctx, const core::unit_of_work& work) {
  for (const auto& c : work.claims) {
    const auto inserted = ctx.db.run(
        "INSERT INTO identifier_claims (owner_org, system, value, resource_type, resource_id) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        pg_params(c.owner_org, c.system, c.value, c.resource_type, c.resource_id));
    if (inserted.affected() == 1) continue;
    auto failure = rejection(store_errc::identifier_taken, "identifier already claimed");
    const auto holder = ctx.db.run(
        "SELECT resource_type, resource_id FROM identifier_claims "
        "WHERE owner_org = $1 AND system = $2 AND value = $3",
        pg_params(c.owner_org, c.system, c.value));
    if (holder.rows() == 1) failure.existing = core::resource_ref{holder.text(0, 0), holder.text(0, 1)};
    return failure;
  }
  return std::nullopt;
}

// The history row, the current row and the search rows in one statement. Search rows of the
// previous version that the new one does not have are deleted; the ones it keeps stay (a
// data-modifying CTE cannot delete and re-insert the same row in one statement).
constexpr const char* write_version_sql = R"sql(
WITH h AS (
  INSERT INTO resource_history (type, id, version, last_updated, owner_org, deleted, json)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq),
r AS (
  INSERT INTO resources (type, id, version, last_updated, seq, owner_org, deleted, rkey)
  SELECT $1, $2, $3, $4, h.seq, $5, $6, coalesce($8::bigint, h.seq) FROM h
  ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated,
    seq = excluded.seq, owner_org = excluded.owner_org, deleted = excluded.deleted
  RETURNING rkey),
keys AS (SELECT k.param, k.value FROM unnest($9::text[], $10::text[]) AS k(param, value)),
gone AS (
  DELETE FROM search_keys s WHERE $8::bigint IS NOT NULL AND s.rkey = $8::bigint
    AND (s.param, s.value) NOT IN (SELECT param, value FROM keys))
INSERT INTO search_keys (type, param, value, rkey)
SELECT $1, keys.param, keys.value, r.rkey FROM r, keys
ON CONFLICT DO NOTHING
)sql";

std::optional<core::commit_failure> write_resource(write_context& ctx, core::resource_write& w,
                                                   core::commit_result& result) {
  if (w.type.empty() || w.id.empty())
    return rejection(store_errc::invalid_request, "resource type and id are required");

  std::optional<std::int64_t> current;
  bool current_deleted = false;
  std::string current_owner, current_updated;
  std::optional<std::int64_t> rkey;
  {
    const auto found = ctx.db.run(
        "SELECT version, deleted, owner_org, rkey, last_updated FROM resources WHERE type = $1 AND id = $2 FOR UPDATE",
        pg_params(w.type, w.id));
    if (found.rows() == 1) {
      current = found.int64(0, 0);
      current_deleted = found.int64(0, 1) != 0;
      current_owner = found.text(0, 2);
      rkey = found.int64(0, 3);
      current_updated = found.text(0, 4);
    }
  }

  switch (w.kind) {
    case core::write_kind::create:
      if (current) return rejection(store_errc::already_exists, "resource already exists");
      break;
    case core::write_kind::update:
    case core::write_kind::remove:
      if (!current) return rejection(store_errc::not_found, "resource does not exist");
      if (w.expected_version && *w.expected_version != *current) {
        auto failure = rejection(store_errc::version_conflict, "expected version is not current");
        failure.current_version = *current;
        return failure;
      }
      break;
  }

  const bool deleting = w.kind == core::write_kind::remove;
  const std::int64_t version = current ? *current + 1 : 1;
  core::resource_record record{w.type, w.id, version, ctx.now_text, w.owner_org, {}, deleting};
  std::vector<std::string> params, values;
  if (deleting) {
    record.owner_org = current_owner;  // a tombstone keeps its owner for access checks
    if (current_deleted) {             // deleting a deleted resource changes nothing
      record.version = *current;
      record.last_updated = current_updated;
      result.written.push_back(std::move(record));
      return std::nullopt;
    }
  } else {
    auto stamped = sql_store::stamp_meta(w.json, w.id, version, ctx.now_text);
    if (!stamped) return rejection(store_errc::invalid_request, "resource JSON is not a well-formed object");
    record.json = std::move(*stamped);
    for (const auto& e : w.index) {
      params.push_back(e.param);
      values.push_back(e.value);
    }
  }
  pg_params p(record.type, record.id, record.version, record.last_updated, record.owner_org,
              std::int64_t{deleting ? 1 : 0}, record.json, rkey);
  p.add_array(params).add_array(values);
  ctx.db.run(write_version_sql, p);
  result.written.push_back(std::move(record));
  return std::nullopt;
}

std::optional<core::commit_failure> add_outbox(write_context& ctx, const core::unit_of_work& work) {
  for (const auto& o : work.outbox) {
    if (o.id.empty()) return rejection(store_errc::invalid_request, "outbox item needs an id");
    const auto inserted = ctx.db.run(
        "INSERT INTO outbox (id, channel, destination, ordering_key, content_type, payload, state, "
        "created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) ON CONFLICT (id) DO NOTHING",
        pg_params(o.id, o.channel, o.destination, o.ordering_key, o.content_type, o.payload, ctx.now_ms));
    if (inserted.affected() != 1) return rejection(store_errc::invalid_request, "outbox message id already used");
  }
  return std::nullopt;
}

void add_audits(write_context& ctx, const core::unit_of_work& work) {
  for (const auto& a : work.audits) {
    const char action[2] = {static_cast<char>(a.action), '\0'};
    ctx.db.run(
        "INSERT INTO audit (id, recorded, caller_org, caller_role, action, entity_type, entity_id, "
        "outcome, request_id, json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        pg_params(a.id, a.recorded.empty() ? ctx.now_text : a.recorded, a.caller_org, a.caller_role, action,
                  a.entity_type, a.entity_id, a.outcome, a.request_id, a.json));
  }
}

}  // namespace

core::commit_outcome apply_unit(write_context& ctx, core::unit_of_work& work) {
  if (auto failed = claim_identifiers(ctx, work)) return std::move(*failed);
  core::commit_result result;
  for (std::size_t i = 0; i < work.writes.size(); ++i) {
    if (auto failed = write_resource(ctx, work.writes[i], result)) {
      failed->write_index = i;
      return std::move(*failed);
    }
  }
  if (auto failed = add_outbox(ctx, work)) return std::move(*failed);
  add_audits(ctx, work);
  return result;
}

}  // namespace gateway::postgres
