#include "adapters/sqlite/commit_job.hpp"

#include "adapters/sql_store/json_meta.hpp"

#include <string>
#include <utility>

namespace gateway::sqlite {
namespace {

namespace core = gateway::core;
using core::store_errc;

class commit_job final : public write_job {
 public:
  commit_job(core::unit_of_work work, core::store_callback<core::commit_outcome> done)
      : work_(std::move(work)), done_(std::move(done)) {}

  bool apply(write_context& ctx) override {
    result_.written.clear();
    failure_.reset();
    return claim_identifiers(ctx) && write_resources(ctx) && add_outbox(ctx) && add_audits(ctx);
  }

  void succeed() override {
    if (failure_)
      done_(std::move(*failure_));
    else
      done_(std::move(result_));
  }

  void fail(store_errc code, const std::string& why) override { done_(core::commit_failure{code, why, {}, {}, {}}); }

  bool wakes_outbox() const override { return !work_.outbox.empty(); }

 private:
  bool reject(store_errc code, std::string detail) {
    failure_ = core::commit_failure{code, std::move(detail), {}, {}, {}};
    return false;
  }

  // Claims first: the cheapest way to turn away a repeat create. The claim is an insert into the
  // unique key (owner_org, system, value), not a read then a write: whoever inserts first holds it,
  // also within one batch (earlier units' claims are in the same transaction).
  bool claim_identifiers(write_context& ctx) {
    for (const auto& c : work_.claims) {
      ctx.db
          .cached(
              "INSERT INTO identifier_claims (owner_org, system, value, resource_type, resource_id) "
              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING")
          .bind_all(c.owner_org, c.system, c.value, c.resource_type, c.resource_id)
          .run();
      if (ctx.db.changes() == 1) continue;
      auto& holder = ctx.db.cached(
          "SELECT resource_type, resource_id FROM identifier_claims "
          "WHERE owner_org = ?1 AND system = ?2 AND value = ?3");
      reject(store_errc::identifier_taken, "identifier already claimed");
      if (holder.bind_all(c.owner_org, c.system, c.value).step())
        failure_->existing = core::resource_ref{holder.text(0), holder.text(1)};
      return false;
    }
    return true;
  }

  bool write_resources(write_context& ctx) {
    for (std::size_t i = 0; i < work_.writes.size(); ++i) {
      if (!write_resource(ctx, work_.writes[i])) {
        failure_->write_index = i;
        return false;
      }
    }
    return true;
  }

  bool write_resource(write_context& ctx, core::resource_write& w) {
    if (w.type.empty() || w.id.empty()) return reject(store_errc::invalid_request, "resource type and id are required");

    std::optional<std::int64_t> current;
    bool current_deleted = false;
    std::string current_owner;
    std::int64_t rkey = 0;
    {
      auto& find = ctx.db.cached("SELECT version, deleted, owner_org, rkey FROM resources WHERE type = ?1 AND id = ?2");
      if (find.bind_all(w.type, w.id).step()) {
        current = find.int64(0);
        current_deleted = find.int64(1) != 0;
        current_owner = find.text(2);
        rkey = find.int64(3);
      }
    }

    switch (w.kind) {
      case core::write_kind::create:
        if (current) return reject(store_errc::already_exists, "resource already exists");
        break;
      case core::write_kind::update:
      case core::write_kind::remove:
        if (!current) return reject(store_errc::not_found, "resource does not exist");
        if (w.expected_version && *w.expected_version != *current) {
          reject(store_errc::version_conflict, "expected version is not current");
          failure_->current_version = *current;
          return false;
        }
        break;
    }

    const bool deleting = w.kind == core::write_kind::remove;
    const std::int64_t version = current ? *current + 1 : 1;
    core::resource_record record{w.type, w.id, version, ctx.now_text, w.owner_org, {}, deleting};
    if (deleting) {
      record.owner_org = current_owner;  // a tombstone keeps its owner for access checks
      if (current_deleted) {             // deleting a deleted resource changes nothing
        record.version = *current;
        auto& h = ctx.db.cached("SELECT last_updated FROM resources WHERE type = ?1 AND id = ?2");
        record.last_updated = h.bind_all(w.type, w.id).step() ? h.text(0) : ctx.now_text;
        result_.written.push_back(std::move(record));
        return true;
      }
    } else {
      auto stamped = sql_store::stamp_meta(w.json, w.id, version, ctx.now_text);
      if (!stamped) return reject(store_errc::invalid_request, "resource JSON is not a well-formed object");
      record.json = std::move(*stamped);
    }

    ctx.db
        .cached(
            "INSERT INTO resource_history (type, id, version, last_updated, owner_org, deleted, json) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind_all(record.type, record.id, record.version, record.last_updated, record.owner_org, std::int64_t{deleting},
                  record.json)
        .run();
    const std::int64_t seq = ctx.db.last_insert_rowid();
    if (!current) rkey = seq;  // the search key of a resource: its first version's seq (schema.cpp, migration 2)
    ctx.db
        .cached(
            "INSERT INTO resources (type, id, version, last_updated, seq, owner_org, deleted, rkey) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (type, id) DO UPDATE SET "
            "version = excluded.version, last_updated = excluded.last_updated, seq = excluded.seq, "
            "owner_org = excluded.owner_org, deleted = excluded.deleted")
        .bind_all(record.type, record.id, record.version, record.last_updated, seq, record.owner_org,
                  std::int64_t{deleting}, rkey)
        .run();

    // The index describes the current version only (a new resource has no rows yet).
    if (current) ctx.db.cached("DELETE FROM search_keys WHERE rkey = ?1").bind_all(rkey).run();
    if (!deleting) {
      for (const auto& e : w.index)
        ctx.db.cached("INSERT OR IGNORE INTO search_keys (type, param, value, rkey) VALUES (?1, ?2, ?3, ?4)")
            .bind_all(w.type, e.param, e.value, rkey)
            .run();
    }
    result_.written.push_back(std::move(record));
    return true;
  }

  bool add_outbox(write_context& ctx) {
    for (const auto& o : work_.outbox) {
      if (o.id.empty()) return reject(store_errc::invalid_request, "outbox item needs an id");
      auto& dup = ctx.db.cached("SELECT 1 FROM outbox WHERE id = ?1");
      if (dup.bind_all(o.id).step()) return reject(store_errc::invalid_request, "outbox message id already used");
      ctx.db
          .cached(
              "INSERT INTO outbox (id, channel, destination, ordering_key, content_type, payload, state, "
              "created_at, next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)")
          .bind_all(o.id, o.channel, o.destination, o.ordering_key, o.content_type, o.payload, ctx.now_ms)
          .run();
    }
    return true;
  }

  bool add_audits(write_context& ctx) {
    for (const auto& a : work_.audits) {
      const char action[2] = {static_cast<char>(a.action), '\0'};
      ctx.db
          .cached(
              "INSERT INTO audit (id, recorded, caller_org, caller_role, action, entity_type, entity_id, "
              "outcome, request_id, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
          .bind_all(a.id, a.recorded.empty() ? ctx.now_text : a.recorded, a.caller_org, a.caller_role, action,
                    a.entity_type, a.entity_id, a.outcome, a.request_id, a.json)
          .run();
    }
    return true;
  }

  core::unit_of_work work_;
  core::store_callback<core::commit_outcome> done_;
  core::commit_result result_;
  std::optional<core::commit_failure> failure_;
};

}  // namespace

std::unique_ptr<write_job> make_commit_job(core::unit_of_work work, core::store_callback<core::commit_outcome> done) {
  return std::make_unique<commit_job>(std::move(work), std::move(done));
}

}  // namespace gateway::sqlite
