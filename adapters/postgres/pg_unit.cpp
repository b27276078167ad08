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

constexpr const char* claim_sql =
    "INSERT INTO identifier_claims (owner_org, system, value, resource_type, resource_id) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr const char* holder_sql =
    "SELECT resource_type, resource_id FROM identifier_claims WHERE owner_org = $1 AND system = $2 AND value = $3";
constexpr const char* outbox_sql =
    "INSERT INTO outbox (id, channel, destination, ordering_key, content_type, payload, state, "
    "created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) ON CONFLICT (id) DO NOTHING";
constexpr const char* audit_sql =
    "INSERT INTO audit (id, recorded, caller_org, caller_role, action, entity_type, entity_id, "
    "outcome, request_id, json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

pg_params audit_params(const write_context& ctx, const core::audit_record& a) {
  const char action[2] = {static_cast<char>(a.action), '\0'};
  return pg_params(a.id, a.recorded.empty() ? ctx.now_text : a.recorded, a.caller_org, a.caller_role, action,
                   a.entity_type, a.entity_id, a.outcome, a.request_id, a.json);
}

pg_params claim_params(const core::identifier_claim& c) {
  return pg_params(c.owner_org, c.system, c.value, c.resource_type, c.resource_id);
}

pg_params outbox_params(const write_context& ctx, const core::outbox_item& o) {
  return pg_params(o.id, o.channel, o.destination, o.ordering_key, o.content_type, o.payload, ctx.now_ms);
}

core::commit_failure claim_taken(write_context& ctx, const core::identifier_claim& c) {
  auto failure = rejection(store_errc::identifier_taken, "identifier already claimed");
  const auto holder = ctx.db.run(holder_sql, pg_params(c.owner_org, c.system, c.value));
  if (holder.rows() == 1) failure.existing = core::resource_ref{holder.text(0, 0), holder.text(0, 1)};
  return failure;
}

// The claim is an insert into the primary key (owner_org, system, value): of two instances (or two
// units of a batch) claiming the same identifier, whoever inserts first holds it.
std::optional<core::commit_failure> claim_identifiers(write_context& ctx, const core::unit_of_work& work) {
  for (const auto& c : work.claims) {
    if (ctx.db.run(claim_sql, claim_params(c)).affected() == 1) continue;
    return claim_taken(ctx, c);
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

// A create that checks for an existing resource on the server, so it needs no read first: the
// current row is inserted only if there is none (ON CONFLICT DO NOTHING), and the history and
// search rows only with it. Answers 1 if created, 0 if the type/id exists (also as a tombstone).
constexpr const char* create_sql = R"sql(
WITH n AS (SELECT nextval(pg_get_serial_sequence('resource_history', 'seq')) AS seq),
r AS (
  INSERT INTO resources (type, id, version, last_updated, seq, owner_org, deleted, rkey)
  SELECT $1, $2, 1, $3, n.seq, $4, 0, n.seq FROM n
  ON CONFLICT (type, id) DO NOTHING
  RETURNING seq),
h AS (
  INSERT INTO resource_history (seq, type, id, version, last_updated, owner_org, deleted, json)
  SELECT r.seq, $1, $2, 1, $3, $4, 0, $5 FROM r),
s AS (
  INSERT INTO search_keys (type, param, value, rkey)
  SELECT $1, k.param, k.value, r.seq FROM r, unnest($6::text[], $7::text[]) AS k(param, value)
  ON CONFLICT DO NOTHING)
SELECT count(*) FROM r
)sql";

std::optional<core::commit_failure> add_outbox(write_context& ctx, const core::unit_of_work& work) {
  for (const auto& o : work.outbox) {
    if (o.id.empty()) return rejection(store_errc::invalid_request, "outbox item needs an id");
    if (ctx.db.run(outbox_sql, outbox_params(ctx, o)).affected() != 1)
      return rejection(store_errc::invalid_request, "outbox message id already used");
  }
  return std::nullopt;
}

void add_audits(write_context& ctx, const core::unit_of_work& work) {
  for (const auto& a : work.audits) ctx.db.run(audit_sql, audit_params(ctx, a));
}

}  // namespace

core::commit_outcome unit_runner::apply(core::unit_of_work& work) {
  for (std::size_t i = 0; i < work.writes.size(); ++i) {
    if (work.writes[i].type.empty() || work.writes[i].id.empty()) {
      auto failure = rejection(store_errc::invalid_request, "resource type and id are required");
      failure.write_index = i;
      return failure;
    }
  }
  for (const auto& o : work.outbox)
    if (o.id.empty()) return rejection(store_errc::invalid_request, "outbox item needs an id");
  for (const auto& w : work.writes)
    if (w.kind != core::write_kind::create) return apply_one_by_one(work);
  return apply_in_pipeline(work);
}

void unit_runner::flush() {
  for (const char* sql : pending_) ctx_.db.exec(sql);
  pending_.clear();
}

void unit_runner::finish() {
  flush();
}

core::commit_outcome unit_runner::apply_one_by_one(core::unit_of_work& work) {
  flush();
  ctx_.db.exec("SAVEPOINT unit");
  core::commit_outcome outcome = core::commit_result{};
  try {
    if (auto failed = claim_identifiers(ctx_, work)) {
      outcome = std::move(*failed);
    } else {
      core::commit_result result;
      std::optional<core::commit_failure> write_failed;
      for (std::size_t i = 0; i < work.writes.size() && !write_failed; ++i) {
        write_failed = write_resource(ctx_, work.writes[i], result);
        if (write_failed) write_failed->write_index = i;
      }
      if (!write_failed) write_failed = add_outbox(ctx_, work);
      if (!write_failed) add_audits(ctx_, work);
      outcome = write_failed ? core::commit_outcome(std::move(*write_failed)) : core::commit_outcome(std::move(result));
    }
  } catch (const pg_error& e) {
    if (e.lost()) throw;
    // This unit's statement failed (e.g. a value the database refuses): only it is unavailable.
    outcome = core::commit_failure{store_errc::unavailable, e.what(), {}, {}, {}};
  }
  pending_ =
      outcome ? std::vector<const char*>{"RELEASE unit"} : std::vector<const char*>{"ROLLBACK TO unit", "RELEASE unit"};
  return outcome;
}

core::commit_outcome unit_runner::apply_in_pipeline(core::unit_of_work& work) {
  core::commit_result result;
  std::vector<std::optional<std::string>> stamped;  // per write; nullopt: not an object
  for (const auto& w : work.writes) stamped.push_back(sql_store::stamp_meta(w.json, w.id, 1, ctx_.now_text));
  for (std::size_t i = 0; i < stamped.size(); ++i) {
    if (!stamped[i]) {
      auto failure = rejection(store_errc::invalid_request, "resource JSON is not a well-formed object");
      failure.write_index = i;
      return failure;
    }
  }

  std::vector<pg_step> steps;
  {
    pg_pipeline pipe(ctx_.db);
    for (const char* sql : pending_) pipe.send(sql);
    pipe.send("SAVEPOINT unit");
    for (const auto& c : work.claims) pipe.send(claim_sql, claim_params(c));
    for (std::size_t i = 0; i < work.writes.size(); ++i) {
      const auto& w = work.writes[i];
      std::vector<std::string> params, values;
      for (const auto& e : w.index) {
        params.push_back(e.param);
        values.push_back(e.value);
      }
      pg_params p(w.type, w.id, ctx_.now_text, w.owner_org, *stamped[i]);
      p.add_array(params).add_array(values);
      pipe.send(create_sql, p);
    }
    for (const auto& o : work.outbox) pipe.send(outbox_sql, outbox_params(ctx_, o));
    for (const auto& a : work.audits) pipe.send(audit_sql, audit_params(ctx_, a));
    steps = pipe.sync();
  }

  std::size_t at = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i, ++at)
    if (!steps[at].result) throw pg_error("", false, "ending the previous unit's savepoint: " + steps[at].error);
  pending_ = {"ROLLBACK TO unit", "RELEASE unit"};  // unless everything below holds
  if (!steps[at++].result) throw pg_error("", false, "savepoint: " + steps[at - 1].error);
  for (const auto& step : steps) {
    if (!step.error.empty())  // one of this unit's statements failed: only it is unavailable
      return core::commit_failure{store_errc::unavailable, step.error, {}, {}, {}};
  }
  for (const auto& c : work.claims)
    if (steps[at++].result->affected() != 1) return claim_taken(ctx_, c);
  for (std::size_t i = 0; i < work.writes.size(); ++i) {
    if (steps[at++].result->int64(0, 0) != 1) {
      auto failure = rejection(store_errc::already_exists, "resource already exists");
      failure.write_index = i;
      return failure;
    }
    const auto& w = work.writes[i];
    result.written.push_back(
        core::resource_record{w.type, w.id, 1, ctx_.now_text, w.owner_org, std::move(*stamped[i]), false});
  }
  for (std::size_t i = 0; i < work.outbox.size(); ++i)
    if (steps[at++].result->affected() != 1)
      return rejection(store_errc::invalid_request, "outbox message id already used");
  pending_ = {"RELEASE unit"};
  return result;
}

}  // namespace gateway::postgres
