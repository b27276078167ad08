// The pathway facts (gateway/core/store_pathway.hpp) on both engines: what the operations page's
// figures are computed from. Each list is checked against what was written, including what must
// be left out (a later version of a referral, another window, a delivered outbox item).
#include "tests/unit/store/store_fixture.hpp"

#include <algorithm>

namespace gateway::store_test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::system_clock;

class pathway_test : public store_test {
 protected:
  core::pathway_facts facts(clock_type::time_point from, clock_type::time_point to, std::size_t max_rows = 1000) {
    core::pathway_window w{from, to, max_rows};
    auto r = wait_for<core::pathway_outcome>([&](auto cb) { store_->pathway_facts(w, std::move(cb)); });
    EXPECT_TRUE(r) << r.error().message();
    return r ? std::move(*r) : core::pathway_facts{};
  }
  void write(core::write_kind kind, const std::string& type, const std::string& id, const std::string& owner,
             const std::string& json, std::vector<core::index_entry> index) {
    auto w = create(type, id, owner, std::move(index));
    w.kind = kind;
    w.json = json;
    ASSERT_TRUE(commit(unit(std::move(w))));
  }
  void referral(const std::string& id, const std::string& owner) {
    write(core::write_kind::create, "ServiceRequest", id, owner, R"({"resourceType":"ServiceRequest"})",
          {{"status", "active"}});
  }
  void task(core::write_kind kind, const std::string& id, const std::string& referral, const std::string& owner,
            const std::string& status) {
    write(kind, "Task", id, owner, R"({"resourceType":"Task","status":")" + status + R"("})",
          {{"based-on", "ServiceRequest/" + referral}, {"status", status}});
  }
  void outbox(const std::string& id, const std::string& channel, const std::string& destination) {
    core::unit_of_work u;
    u.outbox.push_back({id, channel, destination, "key-" + id, "application/fhir+json", "{}"});
    ASSERT_TRUE(commit(u));
  }
  boost::system::error_code outbox_change(
      const std::function<void(core::store_callback<boost::system::error_code>)>& f) {
    return wait_for<boost::system::error_code>(f);
  }
};

RG_STORE_CONTRACT(pathway_test);

TEST_P(pathway_test, lists_the_referrals_first_stored_in_the_window_with_their_tasks_and_scores) {
  const auto from = clock_type::now() - 1min;
  referral("sr-a", "ORG-A");
  referral("sr-b", "ORG-B");
  task(core::write_kind::create, "t-a", "sr-a", "ORG-A", "requested");
  task(core::write_kind::update, "t-a", "sr-a", "ORG-A", "accepted");
  task(core::write_kind::create, "t-b", "sr-b", "ORG-B", "requested");
  task(core::write_kind::create, "t-x", "sr-elsewhere", "ORG-A", "requested");  // not a referral of the window
  write(core::write_kind::update, "ServiceRequest", "sr-a", "ORG-A", R"({"resourceType":"ServiceRequest"})", {});
  write(core::write_kind::create, "Observation", "o-a", "ORG-A", R"({"resourceType":"Observation","n":1})",
        {{"based-on", "ServiceRequest/sr-a"}});
  write(core::write_kind::create, "Observation", "o-gone", "ORG-A", R"({"resourceType":"Observation","n":2})",
        {{"based-on", "ServiceRequest/sr-a"}});
  write(core::write_kind::remove, "Observation", "o-gone", "ORG-A", "", {});
  const auto to = clock_type::now() + 1min;

  const core::pathway_facts f = facts(from, to);
  ASSERT_EQ(f.referrals.size(), 2u);  // sr-a once, although it has two versions
  EXPECT_EQ(f.referrals[0].id, "sr-a");
  EXPECT_EQ(f.referrals[0].organisation, "ORG-A");
  EXPECT_EQ(f.referrals[1].id, "sr-b");
  EXPECT_EQ(f.referrals[1].organisation, "ORG-B");
  EXPECT_EQ(f.referrals[0].received.size(), 24u);  // a store instant

  ASSERT_EQ(f.task_versions.size(), 3u);  // t-a's two versions, t-b's one; not t-x
  EXPECT_EQ(f.task_versions[0].referral_id, "sr-a");
  EXPECT_NE(f.task_versions[0].json.find("requested"), std::string::npos);
  EXPECT_EQ(f.task_versions[1].referral_id, "sr-a");
  EXPECT_NE(f.task_versions[1].json.find("accepted"), std::string::npos);
  EXPECT_EQ(f.task_versions[2].referral_id, "sr-b");
  EXPECT_LE(f.task_versions[0].at, f.task_versions[1].at);

  ASSERT_EQ(f.scores.size(), 1u);  // the deleted one is left out
  EXPECT_EQ(f.scores[0].referral_id, "sr-a");
  EXPECT_NE(f.scores[0].json.find("\"n\":1"), std::string::npos);

  // Waiting now, whenever made: t-b and t-x (t-a was accepted).
  ASSERT_EQ(f.waiting_tasks.size(), 2u);
  EXPECT_NE(f.waiting_tasks[0].json.find("\"id\":\"t-b\""), std::string::npos);
  EXPECT_EQ(f.waiting_tasks[0].organisation, "ORG-B");
  EXPECT_FALSE(f.truncated);

  const core::pathway_facts later = facts(to, to + 1h);
  EXPECT_TRUE(later.referrals.empty());
  EXPECT_TRUE(later.task_versions.empty());
  EXPECT_TRUE(later.scores.empty());
  EXPECT_EQ(later.waiting_tasks.size(), 2u);  // not about the window
}

TEST_P(pathway_test, groups_the_outbox_by_destination_and_counts_feedback_in_the_window) {
  const auto from = clock_type::now() - 1min;
  outbox("f1", "feedback", "ORG-A");
  outbox("f2", "feedback", "ORG-A");
  outbox("f3", "feedback", "ORG-A");
  outbox("f4", "feedback", "ORG-B");
  outbox("e1", "events", "platform");
  ASSERT_FALSE(outbox_change([&](auto cb) { store_->mark_delivered("f1", clock_type::now(), std::move(cb)); }));
  ASSERT_FALSE(outbox_change([&](auto cb) { store_->park_dead("f2", "400 from peer", std::move(cb)); }));
  ASSERT_FALSE(outbox_change(
      [&](auto cb) { store_->mark_failed("f3", clock_type::now() + 1h, "503 from peer", std::move(cb)); }));
  const auto to = clock_type::now() + 1min;

  const core::pathway_facts f = facts(from, to);
  ASSERT_EQ(f.outbox.size(), 3u);
  EXPECT_EQ(f.outbox[0].channel, "events");
  EXPECT_EQ(f.outbox[0].destination, "platform");
  EXPECT_EQ(f.outbox[0].pending, 1);
  EXPECT_EQ(f.outbox[1].destination, "ORG-A");
  EXPECT_EQ(f.outbox[1].pending, 1);
  EXPECT_EQ(f.outbox[1].dead, 1);
  EXPECT_EQ(f.outbox[1].last_error, "503 from peer");  // the newest error of an open item
  EXPECT_EQ(f.outbox[1].dead_ids, std::vector<std::string>{"f2"});
  ASSERT_TRUE(f.outbox[1].oldest_pending_created_at);
  EXPECT_GE(*f.outbox[1].oldest_pending_created_at, from - 1s);
  EXPECT_EQ(f.outbox[2].destination, "ORG-B");
  EXPECT_EQ(f.outbox[2].pending, 1);
  EXPECT_EQ(f.outbox[2].dead, 0);
  EXPECT_TRUE(f.outbox[2].last_error.empty());

  ASSERT_EQ(f.feedback.size(), 2u);  // the feedback channel only
  EXPECT_EQ(f.feedback[0].destination, "ORG-A");
  EXPECT_EQ(f.feedback[0].delivered, 1);
  EXPECT_EQ(f.feedback[0].pending, 1);
  EXPECT_EQ(f.feedback[0].dead, 1);
  EXPECT_EQ(f.feedback[1].destination, "ORG-B");
  EXPECT_EQ(f.feedback[1].pending, 1);

  EXPECT_TRUE(facts(to, to + 1h).feedback.empty());
}

TEST_P(pathway_test, cuts_each_list_at_the_row_limit_and_says_so) {
  const auto from = clock_type::now() - 1min;
  for (const char* id : {"sr-1", "sr-2", "sr-3"}) referral(id, "ORG-A");
  const core::pathway_facts f = facts(from, clock_type::now() + 1min, 2);
  EXPECT_EQ(f.referrals.size(), 2u);
  EXPECT_TRUE(f.truncated);
  EXPECT_FALSE(facts(from, clock_type::now() + 1min, 3).truncated);
}

}  // namespace
}  // namespace gateway::store_test
