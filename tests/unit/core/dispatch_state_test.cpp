// The dispatcher's scheduling state machine, driven by hand: no threads, no store, no clock.
#include "gateway/core/dispatch_state.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace gateway::core {
namespace {

using namespace std::chrono_literals;
using time_point = dispatch_state::time_point;

const time_point t0 = time_point(std::chrono::seconds(1'700'000'000));

outbox_entry item(std::string id, std::string destination, std::string channel = "feedback") {
  outbox_entry e;
  e.item.id = std::move(id);
  e.item.channel = std::move(channel);
  e.item.destination = std::move(destination);
  e.item.ordering_key = e.item.id;  // one item per key, as the store's head-of-key lease gives
  return e;
}

std::vector<std::string> ids(const std::vector<outbox_entry>& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(e.item.id);
  return out;
}

dispatch_limits limits(std::size_t batch = 10, std::size_t max_held = 100) {
  dispatch_limits l;
  l.batch = batch;
  l.max_held = max_held;
  l.idle_poll = 1s;
  l.fetch_retry = 2s;
  return l;
}

dispatch_state::limit_fn bound(unsigned n) {
  return [n](const std::string&, const std::string&) { return n; };
}

// The attempt answered and its result recorded: what starts when the slot frees.
std::vector<outbox_entry> finish(dispatch_state& s, const std::string& id) {
  auto started = s.answered(id);
  s.recorded(id);
  return started;
}

TEST(dispatch_state, fetches_at_start_then_not_again_until_something_happens) {
  dispatch_state s(limits(), bound(4));
  ASSERT_EQ(s.fetch_size(t0), 10u);
  s.fetch_started(t0, 10);
  EXPECT_EQ(s.fetch_size(t0), 0u) << "one fetch outstanding at a time";
  EXPECT_EQ(s.next_look(t0), time_point::max()) << "the fetch's answer comes first";
  EXPECT_TRUE(s.fetch_done({}, t0).empty());
  EXPECT_EQ(s.fetch_size(t0 + 500ms), 0u) << "nothing was due: wait for a wake or the idle poll";
  EXPECT_EQ(s.next_look(t0 + 500ms), t0 + 1s);
  EXPECT_EQ(s.fetch_size(t0 + 1s), 10u) << "the idle poll";
}

// Fairness across destinations (hazard H-DLV-FAIR): each fetch asks the store for at most a
// destination's share, twice its in-flight limit less what it holds, so a slow destination's
// backlog never fills the window; a destination that took its whole share and still has room is
// looked at again at once.
std::size_t share_of(const outbox_fetch_scope& scope, const std::string& destination) {
  for (const auto& s : scope.shares) {
    if (s.destination == destination) return s.most;
  }
  return scope.per_destination;
}

TEST(dispatch_state, each_fetch_asks_for_at_most_a_destinations_share) {
  auto l = limits(64, 1024);
  l.per_destination = 8;
  dispatch_state s(l, [](const std::string&, const std::string& destination) { return destination == "A" ? 4u : 16u; });
  auto scope = s.fetch_started(t0, s.fetch_size(t0));
  EXPECT_EQ(scope.per_destination, 8u);
  EXPECT_TRUE(scope.shares.empty()) << "nothing held yet";
  std::vector<outbox_entry> batch;
  for (int i = 0; i < 8; ++i) batch.push_back(item(std::string("a").append(std::to_string(i)), "A"));
  for (int i = 0; i < 8; ++i) batch.push_back(item(std::string("b").append(std::to_string(i)), "B"));
  EXPECT_EQ(s.fetch_done(std::move(batch), t0).size(), 12u) << "4 of A, 8 of B in flight";
  EXPECT_EQ(s.fetch_size(t0), 64u) << "B took its whole share and has room (window 32): look again";

  scope = s.fetch_started(t0, s.fetch_size(t0));
  EXPECT_EQ(share_of(scope, "A"), 0u) << "A holds 4 in flight + 4 waiting: left out";
  EXPECT_EQ(share_of(scope, "B"), 24u);
  EXPECT_EQ(share_of(scope, "C"), 8u) << "a destination not held yet";
  s.fetch_done({}, t0);

  // One of A's answers: a waiting item starts, A holds 7, so its next share is 1.
  EXPECT_EQ(ids(finish(s, "a0")), (std::vector<std::string>{"a4"}));
  scope = s.fetch_started(t0, s.fetch_size(t0));
  EXPECT_EQ(share_of(scope, "A"), 1u);
  s.fetch_done({item("a8", "A")}, t0);
  EXPECT_EQ(s.fetch_size(t0 + 500ms), 0u) << "A took its share but has no room left: no fetch at once";
}

TEST(dispatch_state, a_wake_during_a_fetch_fetches_again_afterwards) {
  dispatch_state s(limits(), bound(4));
  s.fetch_started(t0, s.fetch_size(t0));
  s.wake();  // committed while the fetch ran: it may not have seen the new item
  s.fetch_done({}, t0);
  EXPECT_EQ(s.fetch_size(t0), 10u);
  EXPECT_EQ(s.next_look(t0), t0);
}

TEST(dispatch_state, a_full_batch_means_more_may_be_due) {
  dispatch_state s(limits(2), bound(4));
  s.fetch_started(t0, s.fetch_size(t0));
  const auto start = s.fetch_done({item("a", "X"), item("b", "Y")}, t0);
  EXPECT_EQ(ids(start), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.fetch_size(t0), 2u);
}

TEST(dispatch_state, at_most_the_bound_per_destination_is_in_flight_the_rest_waits_in_order) {
  dispatch_state s(limits(), bound(2));
  s.fetch_started(t0, s.fetch_size(t0));
  const auto start =
      s.fetch_done({item("x1", "X"), item("x2", "X"), item("y1", "Y"), item("x3", "X"), item("x4", "X")}, t0);
  EXPECT_EQ(ids(start), (std::vector<std::string>{"x1", "x2", "y1"})) << "other destinations proceed in parallel";
  EXPECT_EQ(s.in_flight(), 3u);
  EXPECT_EQ(s.waiting(), 2u);
  EXPECT_TRUE(finish(s, "y1").empty()) << "Y's slot frees nothing of X";
  EXPECT_EQ(ids(finish(s, "x2")), (std::vector<std::string>{"x3"}));
  EXPECT_EQ(ids(finish(s, "x1")), (std::vector<std::string>{"x4"}));
  EXPECT_EQ(s.waiting(), 0u);
}

TEST(dispatch_state, the_bound_is_per_channel_and_destination) {
  dispatch_state s(limits(),
                   [](const std::string& channel, const std::string&) { return channel == "events" ? 3u : 1u; });
  s.fetch_started(t0, s.fetch_size(t0));
  const auto start = s.fetch_done(
      {item("e1", "platform", "events"), item("e2", "platform", "events"), item("f1", "A81001"), item("f2", "A81001")},
      t0);
  EXPECT_EQ(ids(start), (std::vector<std::string>{"e1", "e2", "f1"}));
}

TEST(dispatch_state, an_item_handed_out_again_after_its_lease_ran_out_is_not_started_twice) {
  dispatch_state s(limits(), bound(1));
  s.fetch_started(t0, s.fetch_size(t0));
  ASSERT_EQ(ids(s.fetch_done({item("a", "X"), item("b", "X")}, t0)), (std::vector<std::string>{"a"}));
  s.wake();
  s.fetch_started(t0 + 40s, s.fetch_size(t0 + 40s));
  // Both leases ran out while "a" was still in flight and "b" waited: the store hands them out again.
  EXPECT_TRUE(s.fetch_done({item("a", "X"), item("b", "X")}, t0 + 40s).empty());
  EXPECT_EQ(s.ignored_duplicates(), 2u);
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_EQ(s.waiting(), 1u);
  EXPECT_EQ(ids(finish(s, "a")), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(finish(s, "b").empty());
  EXPECT_TRUE(s.idle());
}

TEST(dispatch_state, an_answer_frees_the_destination_slot_before_the_result_is_recorded) {
  dispatch_state s(limits(10, 3), bound(1));
  s.fetch_started(t0, s.fetch_size(t0));
  ASSERT_EQ(ids(s.fetch_done({item("a", "X"), item("b", "X")}, t0)), (std::vector<std::string>{"a"}));
  EXPECT_EQ(ids(s.answered("a")), (std::vector<std::string>{"b"})) << "X's next item goes while a is recorded";
  EXPECT_EQ(s.in_flight(), 1u);
  EXPECT_EQ(s.recording(), 1u);
  EXPECT_EQ(s.waiting(), 0u);
  EXPECT_FALSE(s.idle());
  s.wake();
  EXPECT_EQ(s.fetch_size(t0), 1u) << "a is still held until recorded: room for one more of three";
}

TEST(dispatch_state, the_next_item_of_a_key_is_fetched_only_once_the_result_is_recorded) {
  dispatch_state s(limits(), bound(4));
  s.fetch_started(t0, s.fetch_size(t0));
  s.fetch_done({item("a", "X")}, t0);
  EXPECT_TRUE(s.answered("a").empty());
  EXPECT_EQ(s.fetch_size(t0), 0u) << "answered, not recorded: the key's next item is not eligible yet";
  s.recorded("a");
  EXPECT_EQ(s.fetch_size(t0), 10u);
  EXPECT_TRUE(s.idle());
}

TEST(dispatch_state, finishing_an_item_fetches_again_for_the_next_of_its_key) {
  dispatch_state s(limits(), bound(4));
  s.fetch_started(t0, s.fetch_size(t0));
  s.fetch_done({item("a", "X")}, t0);
  EXPECT_EQ(s.fetch_size(t0), 0u);
  finish(s, "a");
  EXPECT_EQ(s.fetch_size(t0), 10u) << "the key's next item became eligible when a's result was recorded";
}

TEST(dispatch_state, holds_no_more_than_max_held) {
  dispatch_state s(limits(10, 3), bound(1));
  s.fetch_started(t0, s.fetch_size(t0));
  EXPECT_EQ(s.fetch_done({item("a", "X"), item("b", "X"), item("c", "X")}, t0).size(), 1u);
  EXPECT_EQ(s.fetch_size(t0), 0u) << "three held: no room";
  EXPECT_EQ(s.next_look(t0), time_point::max());
  finish(s, "a");
  EXPECT_EQ(s.fetch_size(t0), 1u) << "room for one";
}

TEST(dispatch_state, wakes_at_the_earliest_scheduled_retry) {
  dispatch_state s(limits(), bound(4));
  s.fetch_started(t0, s.fetch_size(t0));
  s.fetch_done({item("a", "X")}, t0);
  s.retry_at(t0 + 300ms);
  s.retry_at(t0 + 5s);
  finish(s, "a");
  s.fetch_started(t0, s.fetch_size(t0));
  s.fetch_done({}, t0);
  EXPECT_EQ(s.next_look(t0), t0 + 300ms);
  EXPECT_EQ(s.fetch_size(t0 + 299ms), 0u);
  ASSERT_EQ(s.fetch_size(t0 + 300ms), 10u);
  s.fetch_started(t0 + 300ms, 10);
  s.fetch_done({}, t0 + 300ms);
  EXPECT_EQ(s.next_look(t0 + 300ms), t0 + 1300ms) << "the idle poll comes before the 5 s retry";
}

TEST(dispatch_state, a_failed_fetch_backs_off_then_tries_again) {
  dispatch_state s(limits(), bound(4));
  s.fetch_started(t0, s.fetch_size(t0));
  s.fetch_failed(t0);
  s.wake();
  EXPECT_EQ(s.fetch_size(t0 + 1s), 0u);
  EXPECT_EQ(s.next_look(t0), t0 + 2s);
  EXPECT_EQ(s.fetch_size(t0 + 2s), 10u);
}

TEST(dispatch_state, after_stop_nothing_is_fetched_or_started_but_in_flight_items_finish) {
  dispatch_state s(limits(), bound(1));
  s.fetch_started(t0, s.fetch_size(t0));
  s.fetch_done({item("a", "X"), item("b", "X")}, t0);
  s.stop();
  EXPECT_EQ(s.waiting(), 0u) << "waiting items dropped; their leases are released at the next start";
  EXPECT_EQ(s.fetch_size(t0 + 1h), 0u);
  s.wake();
  EXPECT_EQ(s.fetch_size(t0 + 1h), 0u);
  EXPECT_FALSE(s.idle());
  EXPECT_TRUE(finish(s, "a").empty());
  EXPECT_TRUE(s.idle());
}

}  // namespace
}  // namespace gateway::core
