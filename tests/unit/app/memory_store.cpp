#include "tests/unit/app/memory_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "gateway/core/store_time.hpp"

namespace gateway::app::testing {

namespace {

using core::store_errc;

// The stored JSON carries id, meta.versionId and meta.lastUpdated as the record says (the port's
// guarantee).
std::string patched(const std::string& json, const core::resource_record& r) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return json;
  auto& a = doc.GetAllocator();
  doc.RemoveMember("id");
  doc.AddMember("id", rapidjson::Value(r.id.c_str(), a), a);
  doc.RemoveMember("meta");
  rapidjson::Value meta(rapidjson::kObjectType);
  meta.AddMember("versionId", rapidjson::Value(std::to_string(r.version).c_str(), a), a);
  meta.AddMember("lastUpdated", rapidjson::Value(r.last_updated.c_str(), a), a);
  doc.AddMember("meta", meta, a);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc.Accept(w);
  return {out.GetString(), out.GetSize()};
}

core::commit_failure failure(store_errc code, std::optional<std::size_t> write = std::nullopt) {
  core::commit_failure f;
  f.code = code;
  f.write_index = write;
  return f;
}

}  // namespace

std::string memory_store::next_instant() {
  using namespace std::chrono;
  static const sys_days day = year{2024} / May / 1;
  return core::format_store_instant(day + hours(10) + milliseconds(++write_order_));
}

const memory_store::stored_version* memory_store::head(const std::string& type, const std::string& id) const {
  const auto it = resources_.find({type, id});
  return it == resources_.end() || it->second.empty() ? nullptr : &it->second.back();
}

core::commit_outcome memory_store::try_commit(core::unit_of_work work) {
  // Check everything first: a unit is applied whole or not at all.
  std::set<key> created;
  for (std::size_t i = 0; i < work.writes.size(); ++i) {
    const core::resource_write& w = work.writes[i];
    const stored_version* current = head(w.type, w.id);
    if (w.kind == core::write_kind::create) {
      if (current != nullptr || !created.insert({w.type, w.id}).second) return failure(store_errc::already_exists, i);
      continue;
    }
    if (current == nullptr) return failure(store_errc::not_found, i);
    if (w.expected_version && *w.expected_version != current->record.version) {
      core::commit_failure f = failure(store_errc::version_conflict, i);
      f.current_version = current->record.version;
      return f;
    }
  }
  std::set<claim_key> claimed;
  for (const auto& c : work.claims) {
    const claim_key k{c.owner_org, c.system, c.value};
    const auto held = claims_.find(k);
    if (held != claims_.end() || !claimed.insert(k).second) {
      core::commit_failure f = failure(store_errc::identifier_taken);
      if (held != claims_.end()) f.existing = held->second;
      return f;
    }
  }

  core::commit_result done;
  for (auto& w : work.writes) {
    const stored_version* current = head(w.type, w.id);
    stored_version v;
    v.record.type = w.type;
    v.record.id = w.id;
    v.record.version = current == nullptr ? 1 : current->record.version + 1;
    v.record.last_updated = next_instant();
    v.record.owner_org = w.owner_org;
    v.record.deleted = w.kind == core::write_kind::remove;
    if (!v.record.deleted) {
      v.record.json = patched(w.json, v.record);
      v.index = std::move(w.index);
    }
    order_of_[{w.type, w.id}] = write_order_;
    done.written.push_back(v.record);
    resources_[{w.type, w.id}].push_back(std::move(v));
  }
  for (const auto& c : work.claims) claims_[{c.owner_org, c.system, c.value}] = {c.resource_type, c.resource_id};
  for (auto& item : work.outbox) outbox_.push_back(std::move(item));
  for (auto& audit : work.audits) {
    if (audit.recorded.empty()) audit.recorded = next_instant();
    audits_.push_back(std::move(audit));
  }
  return done;
}

void memory_store::commit(core::unit_of_work work, core::store_callback<core::commit_outcome> done) {
  ++commits_;
  if (auto hook = std::exchange(before_next_commit, nullptr)) hook();
  if (auto code = std::exchange(fail_next_commit, std::nullopt)) {
    ++metrics_.units_rejected;
    return done(failure(*code));
  }
  core::commit_outcome outcome = try_commit(std::move(work));
  ++(outcome ? metrics_.units_committed : metrics_.units_rejected);
  done(std::move(outcome));
}

std::vector<core::resource_record> memory_store::apply(core::unit_of_work work) {
  core::commit_outcome outcome = try_commit(std::move(work));
  if (!outcome) throw std::runtime_error("memory_store::apply refused: " + outcome.error().code.message());
  return std::move(outcome->written);
}

core::resource_record memory_store::touch(const std::string& type, const std::string& id) {
  const stored_version* current = head(type, id);
  if (current == nullptr) throw std::runtime_error("memory_store::touch: no " + type + "/" + id);
  core::unit_of_work work;
  work.writes.push_back({core::write_kind::update, type, id, current->record.version, current->record.owner_org,
                         current->record.json, current->index});
  return apply(std::move(work)).front();
}

void memory_store::read(std::string type, std::string id, core::store_callback<core::read_outcome> done) {
  const stored_version* v = head(type, id);
  if (v == nullptr) return done(core::read_outcome(store_errc::not_found));
  if (v->record.deleted) return done(core::read_outcome(store_errc::gone));
  done(v->record);
}

void memory_store::vread(std::string type, std::string id, std::int64_t version,
                         core::store_callback<core::read_outcome> done) {
  const auto it = resources_.find({type, id});
  if (it == resources_.end() || version < 1 || version > static_cast<std::int64_t>(it->second.size()))
    return done(core::read_outcome(store_errc::not_found));
  const auto& v = it->second[static_cast<std::size_t>(version - 1)];
  if (v.record.deleted) return done(core::read_outcome(store_errc::gone));
  done(v.record);
}

void memory_store::history(std::string type, std::string id, std::size_t count,
                           core::store_callback<core::history_outcome> done) {
  const auto it = resources_.find({type, id});
  if (it == resources_.end()) return done(core::history_outcome(store_errc::not_found));
  std::vector<core::resource_record> out;
  for (auto v = it->second.rbegin(); v != it->second.rend() && out.size() < count; ++v) out.push_back(v->record);
  done(std::move(out));
}

void memory_store::search(core::search_query query, core::store_callback<core::search_outcome> done) {
  if (query.cursor) return done(core::search_outcome(store_errc::invalid_request));  // no paging here
  std::vector<std::pair<std::int64_t, core::resource_record>> matches;
  for (const auto& [k, versions] : resources_) {
    if (k.first != query.type || versions.empty() || versions.back().record.deleted) continue;
    const stored_version& v = versions.back();
    if (query.owner_org && v.record.owner_org != *query.owner_org) continue;
    const bool all = std::all_of(query.criteria.begin(), query.criteria.end(), [&](const core::search_criterion& c) {
      return std::any_of(v.index.begin(), v.index.end(), [&](const core::index_entry& e) {
        return e.param == c.param && std::find(c.any_of.begin(), c.any_of.end(), e.value) != c.any_of.end();
      });
    });
    if (all) matches.emplace_back(order_of_.at(k), v.record);
  }
  std::sort(matches.begin(), matches.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  core::search_page page;
  if (query.include_total) page.total = static_cast<std::int64_t>(matches.size());
  for (std::size_t i = 0; i < matches.size() && i < query.count; ++i) page.items.push_back(matches[i].second);
  done(std::move(page));
}

void memory_store::find_claim(std::string owner_org, std::string system, std::string value,
                              core::store_callback<core::claim_lookup_outcome> done) {
  const auto it = claims_.find({owner_org, system, value});
  done(it == claims_.end() ? std::optional<core::resource_ref>() : std::optional<core::resource_ref>(it->second));
}

void memory_store::search_audit(core::audit_query query, core::store_callback<core::audit_outcome> done) {
  core::audit_page page;
  for (const auto& a : audits_) {
    if (query.entity && (a.entity_type != query.entity->type || a.entity_id != query.entity->id)) continue;
    if (query.caller_org && a.caller_org != *query.caller_org) continue;
    page.items.push_back(a);
  }
  done(std::move(page));
}

void memory_store::fetch_due(time_point, std::size_t, std::chrono::milliseconds, const core::outbox_fetch_scope&,
                             core::store_callback<core::outbox_entries_outcome> done) {
  done(core::outbox_entries_outcome(store_errc::unavailable));
}
void memory_store::mark_delivered(std::string, time_point, core::store_callback<boost::system::error_code> done) {
  done(store_errc::unavailable);
}
void memory_store::mark_failed(std::string, time_point, std::string,
                               core::store_callback<boost::system::error_code> done) {
  done(store_errc::unavailable);
}
void memory_store::park_dead(std::string, std::string, core::store_callback<boost::system::error_code> done) {
  done(store_errc::unavailable);
}
void memory_store::requeue(std::string, time_point, core::store_callback<boost::system::error_code> done) {
  done(store_errc::unavailable);
}
void memory_store::requeue_all_dead(time_point, core::store_callback<boost::system::result<std::int64_t>> done) {
  done(boost::system::result<std::int64_t>(store_errc::unavailable));
}
void memory_store::release_leases(core::store_callback<boost::system::error_code> done) {
  done(store_errc::unavailable);
}

void memory_store::purge_expired(core::purge_request, core::store_callback<core::purge_outcome> done) {
  done(core::purge_outcome(store_errc::unavailable));
}

void memory_store::pathway_facts(core::pathway_window, core::store_callback<core::pathway_outcome> done) {
  done(core::pathway_outcome(store_errc::unavailable));
}

void memory_store::list_outbox(core::outbox_list_query query, core::store_callback<core::outbox_entries_outcome> done) {
  std::vector<core::outbox_entry> out;
  for (std::size_t i = 0; i < outbox_.size() && out.size() < query.count; ++i) {
    if (query.channel && outbox_[i].channel != *query.channel) continue;
    if (query.state && *query.state != core::outbox_state::pending) continue;  // nothing is delivered here
    core::outbox_entry e;
    e.item = outbox_[i];
    e.seq = static_cast<std::int64_t>(i + 1);
    if (query.after_seq && e.seq <= *query.after_seq) continue;
    out.push_back(std::move(e));
  }
  done(std::move(out));
}

void memory_store::show_outbox(std::string id, core::store_callback<core::outbox_entry_outcome> done) {
  for (std::size_t i = 0; i < outbox_.size(); ++i) {
    if (outbox_[i].id != id) continue;
    core::outbox_entry e;
    e.item = outbox_[i];
    e.seq = static_cast<std::int64_t>(i + 1);
    return done(std::move(e));
  }
  done(core::outbox_entry_outcome(store_errc::not_found));
}

void memory_store::outbox_counts(core::store_callback<core::outbox_stats_outcome> done) {
  core::outbox_stats stats;
  stats.pending = static_cast<std::int64_t>(outbox_.size());
  done(stats);
}

std::size_t memory_store::resource_count(const std::string& type) const {
  return current(type).size();
}

std::vector<core::resource_record> memory_store::current(const std::string& type) const {
  std::vector<core::resource_record> out;
  for (const auto& [k, versions] : resources_) {
    if (k.first == type && !versions.empty() && !versions.back().record.deleted) out.push_back(versions.back().record);
  }
  return out;
}

std::optional<core::resource_record> memory_store::current(const std::string& type, const std::string& id) const {
  const stored_version* v = head(type, id);
  if (v == nullptr || v->record.deleted) return std::nullopt;
  return v->record;
}

}  // namespace gateway::app::testing
