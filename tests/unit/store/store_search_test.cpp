#include "tests/unit/store/store_fixture.hpp"

#include "gateway/core/search_pairs.hpp"
#include "gateway/core/store_time.hpp"

#include <set>
#include <thread>
#include <tuple>

namespace gateway::store_test {
namespace {

using core::store_errc;

class search_test : public store_test {
 protected:
  core::resource_record add_task(const std::string& id, const std::string& owner, const std::string& status,
                                 const std::string& rank = "1") {
    auto r = commit(unit(create("Task", id, owner, task_index(id, status, rank))));
    EXPECT_TRUE(r);
    return r->written.at(0);
  }

  // The rows the core indexes a Task under (search_index.cpp), the paired work-queue row included.
  static std::vector<core::index_entry> task_index(const std::string& id, const std::string& status,
                                                   const std::string& rank) {
    return {{"status", status},
            {"priority-rank", rank},
            {"based-on", "ServiceRequest/" + id},
            {std::string(core::task_queue_key.param), status + core::paired_separator + rank}};
  }
  static std::vector<core::index_entry> owned_task_index(const std::string& id, const std::string& owner,
                                                         const std::string& status) {
    auto index = task_index(id, status, "3");
    index.push_back({std::string(core::owner_status_key.param), owner + core::paired_separator + status});
    return index;
  }

  // The platform's work queue, as the API asks for it (Task?status=X&_sort=priority).
  static core::search_query work_queue(std::vector<std::string> statuses = {"requested"}) {
    core::search_query q;
    q.type = "Task";
    q.criteria.push_back({"status", std::move(statuses)});
    q.sort = {{"priority-rank", false}, {core::sort_created, false}};
    return q;
  }

  static std::vector<std::string> ids(const core::search_page& page) {
    std::vector<std::string> out;
    for (const auto& r : page.items) out.push_back(r.id);
    return out;
  }

  // Follows next cursors to the end, calling between() after the first page.
  std::vector<std::string> all_pages(core::search_query q, const std::function<void()>& between = {}) {
    std::vector<std::string> out;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = search(q);
      EXPECT_TRUE(page);
      for (auto& id : ids(*page)) out.push_back(id);
      if (guard == 0 && between) between();
      if (!page->next_cursor) break;
      q.cursor = page->next_cursor;
    }
    return out;
  }
};

RG_STORE_CONTRACT(search_test);

TEST_P(search_test, criteria_match_any_of_values_and_are_anded) {
  add_task("a", "ORG-A", "requested");
  add_task("b", "ORG-A", "accepted");
  add_task("c", "ORG-A", "completed");
  core::search_query q;
  q.type = "Task";
  q.criteria.push_back({"status", {"requested", "accepted"}});
  auto page = search(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(ids(*page), (std::vector<std::string>{"a", "b"}));

  q.criteria.push_back({"based-on", {"ServiceRequest/b"}});
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"b"}));
  q.criteria.back().any_of = {"ServiceRequest/c"};
  EXPECT_EQ(search(q)->total, 0);
}

TEST_P(search_test, owner_scope_hides_other_organisations_resources) {
  add_task("a", "ORG-A", "requested");
  add_task("b", "ORG-B", "requested");
  core::search_query q;
  q.type = "Task";
  q.owner_org = "ORG-B";
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"b"}));
  q.owner_org.reset();
  EXPECT_EQ(search(q)->total, 2);
}

TEST_P(search_test, deleted_and_superseded_index_entries_do_not_match) {
  add_task("a", "ORG-A", "requested");
  auto w = create("Task", "a", "ORG-A", {{"status", "accepted"}});
  w.kind = core::write_kind::update;
  ASSERT_TRUE(commit(unit(w)));
  add_task("b", "ORG-A", "requested");
  auto d = create("Task", "b");
  d.kind = core::write_kind::remove;
  ASSERT_TRUE(commit(unit(d)));
  core::search_query q;
  q.type = "Task";
  q.criteria.push_back({"status", {"requested"}});
  EXPECT_EQ(search(q)->total, 0);
  q.criteria[0].any_of = {"accepted"};
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"a"}));
}

TEST_P(search_test, last_updated_bounds_are_inclusive) {
  // Distinct commit times: each commit waits for the clock to pass the previous one's millisecond.
  const auto clock_passes = [](const std::string& instant) {
    while (core::format_store_instant(std::chrono::system_clock::now()) <= instant) std::this_thread::yield();
  };
  const auto a = add_task("a", "ORG-A", "requested");
  clock_passes(a.last_updated);
  const auto b = add_task("b", "ORG-A", "requested");
  clock_passes(b.last_updated);
  const auto c = add_task("c", "ORG-A", "requested");
  core::search_query q;
  q.type = "Task";
  q.last_updated_ge = b.last_updated;
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"b", "c"}));
  q.last_updated_le = b.last_updated;
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"b"}));
  q.last_updated_ge.reset();
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"a", "b"}));
  EXPECT_LT(a.last_updated, c.last_updated);
}

TEST_P(search_test, sorts_by_indexed_param_then_last_updated_and_descending) {
  add_task("routine1", "ORG-A", "requested", "2");
  add_task("urgent1", "ORG-A", "requested", "0");
  add_task("routine2", "ORG-A", "requested", "2");
  add_task("urgent2", "ORG-A", "requested", "0");
  core::search_query q;
  q.type = "Task";
  q.sort = {{"priority-rank", false}, {core::sort_last_updated, false}};
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"urgent1", "urgent2", "routine1", "routine2"}));
  q.sort = {{core::sort_last_updated, true}};
  EXPECT_EQ(ids(*search(q)), (std::vector<std::string>{"urgent2", "routine2", "urgent1", "routine1"}));
  // Paging through a mixed-direction sort visits each once, in order.
  q.sort = {{"priority-rank", true}, {core::sort_last_updated, false}};
  q.count = 1;
  EXPECT_EQ(all_pages(q), (std::vector<std::string>{"routine1", "routine2", "urgent1", "urgent2"}));
}

// The work queue reads its paired rows (one index range, already in order): most urgent first, and
// within a priority the Task created first first, whatever was updated since. The same query with a
// second status value (which cannot use the paired rows) sorts the same way.
TEST_P(search_test, the_work_queue_orders_by_priority_then_creation_even_after_updates) {
  add_task("routine1", "ORG-A", "requested", "3");
  add_task("urgent1", "ORG-B", "requested", "2");
  add_task("routine2", "ORG-A", "requested", "3");
  add_task("urgent2", "ORG-A", "requested", "2");
  add_task("stat1", "ORG-B", "requested", "0");
  add_task("accepted1", "ORG-A", "accepted", "0");
  // A later version of urgent1 (an overdue notice, say): it keeps its place before urgent2.
  auto touched = create("Task", "urgent1", "ORG-B", task_index("urgent1", "requested", "2"));
  touched.kind = core::write_kind::update;
  ASSERT_TRUE(commit(unit(touched)));
  add_task("gone", "ORG-A", "requested", "0");
  auto d = create("Task", "gone");
  d.kind = core::write_kind::remove;
  ASSERT_TRUE(commit(unit(d)));

  const std::vector<std::string> expected{"stat1", "urgent1", "urgent2", "routine1", "routine2"};
  auto page = search(work_queue());
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 5);
  EXPECT_EQ(ids(*page), expected);
  EXPECT_EQ(ids(*search(work_queue({"requested", "no-such-status"}))), expected);
  EXPECT_EQ(ids(*search(work_queue({"accepted"}))), (std::vector<std::string>{"accepted1"}));

  // One at a time: each exactly once, in order; a Task arriving meanwhile joins its priority's end.
  auto q = work_queue();
  q.count = 1;
  EXPECT_EQ(all_pages(q, [&] { add_task("urgent3", "ORG-A", "requested", "2"); }),
            (std::vector<std::string>{"stat1", "urgent1", "urgent2", "urgent3", "routine1", "routine2"}));
  // The general path pages by creation order the same way (its cursor carries the rkey as text).
  auto general = work_queue({"requested", "no-such-status"});
  general.count = 2;
  EXPECT_EQ(all_pages(general),
            (std::vector<std::string>{"stat1", "urgent1", "urgent2", "urgent3", "routine1", "routine2"}));
  // A cursor of the work queue is refused by the same search with another shape, and vice versa.
  auto first = search(q);
  ASSERT_TRUE(first && first->next_cursor);
  auto other = work_queue({"requested", "no-such-status"});
  other.cursor = first->next_cursor;
  EXPECT_EQ(search(other).error(), store_errc::invalid_request);
}

// A referrer's total by one status counts its owner-paired rows (search_pairs.hpp); it agrees with
// the walk of its own resources (two statuses), superseded and deleted versions included.
TEST_P(search_test, a_referrers_total_by_one_status_counts_only_its_own_current_rows) {
  for (const auto& [id, owner, status] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"a1", "ORG-A", "requested"},
                                                                      {"a2", "ORG-A", "requested"},
                                                                      {"a3", "ORG-A", "requested"},
                                                                      {"a4", "ORG-A", "accepted"},
                                                                      {"b1", "ORG-B", "requested"},
                                                                      {"b2", "ORG-B", "requested"}})
    ASSERT_TRUE(commit(unit(create("Task", id, owner, owned_task_index(id, owner, status)))));
  auto moved = create("Task", "a2", "ORG-A", owned_task_index("a2", "ORG-A", "accepted"));
  moved.kind = core::write_kind::update;
  ASSERT_TRUE(commit(unit(moved)));
  auto gone = create("Task", "a3");
  gone.kind = core::write_kind::remove;
  ASSERT_TRUE(commit(unit(gone)));

  auto total = [&](const std::string& owner, std::vector<std::string> statuses) {
    core::search_query q;
    q.type = "Task";
    q.owner_org = owner;
    q.criteria.push_back({"status", std::move(statuses)});
    auto page = search(q);
    EXPECT_TRUE(page);
    EXPECT_EQ(page->total, static_cast<std::int64_t>(page->items.size()));
    return page->total;
  };
  EXPECT_EQ(total("ORG-A", {"requested"}), 1);
  EXPECT_EQ(total("ORG-A", {"accepted"}), 2);
  EXPECT_EQ(total("ORG-A", {"requested", "accepted"}), 3);
  EXPECT_EQ(total("ORG-B", {"requested"}), 2);
  EXPECT_EQ(total("ORG-C", {"requested"}), 0);
}

TEST_P(search_test, keyset_pages_stay_correct_while_new_rows_arrive) {
  for (int i = 0; i < 10; ++i) add_task("old" + std::to_string(i), "ORG-A", "requested");
  core::search_query q;
  q.type = "Task";
  q.count = 3;
  auto first = search(q);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->total, 10);
  EXPECT_EQ(first->items.size(), 3u);
  ASSERT_TRUE(first->next_cursor);

  // Ascending: every old row exactly once, the new ones at the end.
  auto seen = all_pages(q, [&] {
    for (int i = 0; i < 5; ++i) add_task("new" + std::to_string(i), "ORG-A", "requested");
  });
  ASSERT_EQ(seen.size(), 15u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(seen[i], "old" + std::to_string(i));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 15u);

  // Descending: rows inserted after the first page never shift later pages.
  q.sort = {{core::sort_last_updated, true}};
  auto desc = all_pages(q, [&] { add_task("newer", "ORG-A", "requested"); });
  ASSERT_EQ(desc.size(), 15u);
  EXPECT_EQ(std::set<std::string>(desc.begin(), desc.end()).size(), 15u);
  EXPECT_EQ(desc.back(), "old0");
}

TEST_P(search_test, a_cursor_from_another_sort_or_garbage_is_invalid_request) {
  for (int i = 0; i < 3; ++i) add_task("t" + std::to_string(i), "ORG-A", "requested");
  core::search_query q;
  q.type = "Task";
  q.count = 1;
  auto page = search(q);
  ASSERT_TRUE(page && page->next_cursor);
  q.sort = {{core::sort_last_updated, true}};
  q.cursor = page->next_cursor;
  EXPECT_EQ(search(q).error(), store_errc::invalid_request);
  q.cursor = "c1.zz.1";
  EXPECT_EQ(search(q).error(), store_errc::invalid_request);
  q.cursor = "'; DROP TABLE resources; --";
  EXPECT_EQ(search(q).error(), store_errc::invalid_request);
}

TEST_P(search_test, count_zero_gives_only_the_total) {
  add_task("a", "ORG-A", "requested");
  core::search_query q;
  q.type = "Task";
  q.count = 0;
  auto page = search(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 1);
  EXPECT_TRUE(page->items.empty());
}

}  // namespace
}  // namespace gateway::store_test
