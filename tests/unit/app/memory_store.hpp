#pragma once
// An in-memory store behind the real port (core::store), for the use-case tests: it keeps data —
// every version of every resource with its search index, identifier claims unique per (owner,
// system, value), outbox items, audit records — and applies a unit of work all or nothing, with
// the port's refusals (identifier_taken naming the holder, version_conflict naming the write,
// already_exists, not_found). Callbacks run at once, on the calling thread.
//
// Test hooks: `before_next_commit` runs once just before the next commit is checked (a
// concurrent change "between read and commit"); `fail_next_commit` makes the next commit fail
// with that code and apply nothing.
//
// The dispatcher's half of the outbox port and retention are not used by the use cases and answer
// unavailable.
#include <boost/system/error_code.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gateway/core/store.hpp"

namespace gateway::app::testing {

class memory_store final : public core::store {
 public:
  // Store API (core::store).
  void commit(core::unit_of_work work, core::store_callback<core::commit_outcome> done) override;
  void read(std::string type, std::string id, core::store_callback<core::read_outcome> done) override;
  void vread(std::string type, std::string id, std::int64_t version,
             core::store_callback<core::read_outcome> done) override;
  void history(std::string type, std::string id, std::size_t count,
               core::store_callback<core::history_outcome> done) override;
  void search(core::search_query query, core::store_callback<core::search_outcome> done) override;
  void find_claim(std::string owner_org, std::string system, std::string value,
                  core::store_callback<core::claim_lookup_outcome> done) override;
  void search_audit(core::audit_query query, core::store_callback<core::audit_outcome> done) override;
  core::store_metrics metrics() const override { return metrics_; }

  // Outbox port: the operator's reads keep working; the dispatcher's calls answer unavailable.
  void fetch_due(time_point, std::size_t, std::chrono::milliseconds, const core::outbox_fetch_scope&,
                 core::store_callback<core::outbox_entries_outcome> done) override;
  void mark_delivered(std::string, time_point, core::store_callback<boost::system::error_code> done) override;
  void mark_failed(std::string, time_point, std::string, core::store_callback<boost::system::error_code> done) override;
  void park_dead(std::string, std::string, core::store_callback<boost::system::error_code> done) override;
  void requeue(std::string, time_point, core::store_callback<boost::system::error_code> done) override;
  void requeue_all_dead(time_point, core::store_callback<boost::system::result<std::int64_t>> done) override;
  void release_leases(core::store_callback<boost::system::error_code> done) override;
  void list_outbox(core::outbox_list_query query, core::store_callback<core::outbox_entries_outcome> done) override;
  void show_outbox(std::string id, core::store_callback<core::outbox_entry_outcome> done) override;
  void outbox_counts(core::store_callback<core::outbox_stats_outcome> done) override;
  void on_outbox_ready(std::function<void()>) override {}

  // Retention port: not a use case's; answers unavailable.
  void purge_expired(core::purge_request, core::store_callback<core::purge_outcome> done) override;
  // The operations page's read is not a use case's: answered unavailable, as purge_expired.
  void pathway_facts(core::pathway_window, core::store_callback<core::pathway_outcome> done) override;

  // What the tests look at.
  std::size_t resource_count(const std::string& type) const;  // current, not deleted
  std::vector<core::resource_record> current(const std::string& type) const;
  std::optional<core::resource_record> current(const std::string& type, const std::string& id) const;
  const std::vector<core::outbox_item>& outbox() const { return outbox_; }
  const std::vector<core::audit_record>& audits() const { return audits_; }
  std::size_t commits() const { return commits_; }

  std::function<void()> before_next_commit;
  std::optional<core::store_errc> fail_next_commit;

  // Applies a unit of work at once (what another request would have committed); throws if refused.
  std::vector<core::resource_record> apply(core::unit_of_work work);
  // Another request's change to a resource: a new version, same content and search index.
  core::resource_record touch(const std::string& type, const std::string& id);

 private:
  struct stored_version {
    core::resource_record record;
    std::vector<core::index_entry> index;
  };
  using key = std::pair<std::string, std::string>;                      // type, id
  using claim_key = std::tuple<std::string, std::string, std::string>;  // owner, system, value

  core::commit_outcome try_commit(core::unit_of_work work);
  const stored_version* head(const std::string& type, const std::string& id) const;
  std::string next_instant();

  std::map<key, std::vector<stored_version>> resources_;
  std::map<claim_key, core::resource_ref> claims_;
  std::vector<core::outbox_item> outbox_;
  std::vector<core::audit_record> audits_;
  std::int64_t write_order_ = 0;
  std::map<key, std::int64_t> order_of_;  // last-updated order for searches
  std::size_t commits_ = 0;
  core::store_metrics metrics_;
};

}  // namespace gateway::app::testing
