#include "gateway/app/service_level.hpp"

#include "gateway/app/referral_records.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/core/request_priority.hpp"
#include "gateway/core/service_level.hpp"

namespace gateway::app {

namespace {

// At most this many waiting Tasks per sweep (pages of page_size): a backlog larger than this is
// worked through over the following sweeps.
constexpr std::size_t page_size = 200;
constexpr int max_pages = 50;

core::search_query waiting_urgent_tasks(std::optional<std::string> cursor) {
  core::search_query q;
  q.type = "Task";
  q.criteria.push_back({"status", {std::begin(core::waiting_task_statuses), std::end(core::waiting_task_statuses)}});
  std::vector<std::string> ranks;
  for (auto p : {core::request_priority::urgent, core::request_priority::asap, core::request_priority::stat})
    ranks.push_back(std::to_string(core::priority_rank(p)));
  q.criteria.push_back({"priority-rank", std::move(ranks)});
  q.count = page_size;
  q.cursor = std::move(cursor);
  q.include_total = false;
  return q;
}

}  // namespace

task<result<bool>> service_level_service::raise_if_due(core::resource_record task_record,
                                                       std::chrono::system_clock::time_point now) const {
  const rapidjson::Document task_json = parse_record(task_record);
  if (!task_json.IsObject()) co_return false;
  const std::optional<std::int64_t> notice = core::overdue_notice_due(task_json, now, ctx_.urgent_accept_within);
  if (!notice) co_return false;
  core::overdue_notice_input in;
  in.task = &task_json;
  in.task_version = task_record.version;
  in.task_owner = task_record.owner_org;
  in.notice = *notice;
  in.event_id = ctx_.new_id();
  in.event_source = ctx_.event_source;
  in.now = now;
  in.period = ctx_.urgent_accept_within;
  auto commit = store_commit(*ctx_.store, core::plan_overdue_notice(in));
  core::commit_outcome committed = co_await commit;
  if (committed) co_return true;
  if (committed.error().code == core::store_errc::version_conflict) co_return false;  // moved: next sweep
  co_return refusal_from_store(committed.error().code);
}

task<result<overdue_sweep>> service_level_service::sweep() const {
  overdue_sweep out;
  if (ctx_.urgent_accept_within <= std::chrono::milliseconds::zero()) co_return out;
  const auto now = ctx_.now();
  std::optional<std::string> cursor;
  for (int page = 0; page < max_pages; ++page) {
    auto search = store_search(*ctx_.store, waiting_urgent_tasks(cursor));
    core::search_outcome found = co_await search;
    if (!found) co_return refusal_from_store(found.error());
    for (core::resource_record& record : found->items) {
      ++out.waiting;
      task<result<bool>> raising = raise_if_due(std::move(record), now);
      result<bool> raised = co_await std::move(raising);
      if (!raised) co_return raised.error();
      if (*raised) ++out.raised;
    }
    if (!found->next_cursor) break;
    cursor = found->next_cursor;
  }
  co_return out;
}

}  // namespace gateway::app
