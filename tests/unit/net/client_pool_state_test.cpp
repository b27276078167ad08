#include "gateway/net/client_pool_state.hpp"

#include <gtest/gtest.h>

namespace gateway::net {
namespace {

using namespace std::chrono_literals;
using grant = client_pool_state::grant;
using kind = client_pool_state::grant::kind;

const client_pool_state::clock::time_point t0{};

client_pool_state pool(std::size_t max_connections, std::size_t max_idle = 4,
                       client_pool_state::clock::duration idle_timeout = 30s) {
  return client_pool_state({max_connections, max_idle, idle_timeout});
}

// Checks out and opens a new connection successfully; returns its id.
client_pool_state::connection_id open_one(client_pool_state& p) {
  auto r = p.checkout(t0);
  EXPECT_TRUE(r.now.has_value());
  EXPECT_EQ(r.now->what, kind::open);
  p.open_succeeded(r.now->id);
  return r.now->id;
}

TEST(client_pool_state, first_checkout_opens_a_connection) {
  auto p = pool(2);
  auto r = p.checkout(t0);
  ASSERT_TRUE(r.now);
  EXPECT_EQ(r.now->what, kind::open);
  EXPECT_NE(r.now->id, 0u);
  EXPECT_EQ(p.busy(), 1u);
  EXPECT_EQ(p.connections_opened(), 0u) << "counted only once the open succeeds";
  p.open_succeeded(r.now->id);
  EXPECT_EQ(p.connections_opened(), 1u);
}

TEST(client_pool_state, released_reusable_connection_is_reused_by_the_next_checkout) {
  auto p = pool(2);
  const auto id = open_one(p);
  auto rel = p.release(id, true, t0 + 1s);
  EXPECT_FALSE(rel.woken);
  EXPECT_TRUE(rel.close.empty());
  EXPECT_EQ(p.idle(), 1u);
  auto r = p.checkout(t0 + 2s);
  ASSERT_TRUE(r.now);
  EXPECT_EQ(*r.now, (grant{kind::reuse, id}));
  EXPECT_EQ(p.idle(), 0u);
  EXPECT_EQ(p.connections_opened(), 1u);
}

TEST(client_pool_state, connection_released_after_an_error_is_closed_not_reused) {
  auto p = pool(2);
  const auto id = open_one(p);
  auto rel = p.release(id, false, t0);
  EXPECT_EQ(rel.close, std::vector<client_pool_state::connection_id>{id});
  EXPECT_EQ(p.idle(), 0u);
  EXPECT_EQ(p.busy(), 0u);
  auto r = p.checkout(t0);
  ASSERT_TRUE(r.now);
  EXPECT_EQ(r.now->what, kind::open);
  EXPECT_NE(r.now->id, id);
}

TEST(client_pool_state, checkout_beyond_the_maximum_waits) {
  auto p = pool(2);
  open_one(p);
  open_one(p);
  auto r = p.checkout(t0);
  EXPECT_FALSE(r.now);
  EXPECT_NE(r.waiting, 0u);
  EXPECT_EQ(p.waiting(), 1u);
  EXPECT_EQ(p.busy(), 2u);
}

TEST(client_pool_state, a_reusable_release_hands_the_connection_to_the_first_waiter) {
  auto p = pool(1);
  const auto id = open_one(p);
  auto first = p.checkout(t0);
  auto second = p.checkout(t0);
  ASSERT_FALSE(first.now);
  ASSERT_FALSE(second.now);
  auto rel = p.release(id, true, t0);
  ASSERT_TRUE(rel.woken);
  EXPECT_EQ(rel.woken->waiter, first.waiting) << "first come, first served";
  EXPECT_TRUE(rel.close.empty());
  EXPECT_EQ(p.idle(), 0u) << "handed over without going idle";
  EXPECT_EQ(p.take_grant(first.waiting), (grant{kind::reuse, id}));
  EXPECT_FALSE(p.take_grant(first.waiting)) << "collected once";
  EXPECT_FALSE(p.take_grant(second.waiting)) << "still waiting";
  EXPECT_EQ(p.waiting(), 1u);
}

TEST(client_pool_state, a_dropped_connection_gives_the_first_waiter_a_fresh_slot) {
  auto p = pool(1);
  const auto id = open_one(p);
  auto waiter = p.checkout(t0);
  auto rel = p.release(id, false, t0);
  EXPECT_EQ(rel.close, std::vector<client_pool_state::connection_id>{id});
  ASSERT_TRUE(rel.woken);
  auto g = p.take_grant(rel.woken->waiter);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->what, kind::open);
  EXPECT_NE(g->id, id);
  EXPECT_EQ(p.busy(), 1u) << "never more than the maximum";
  (void)waiter;
}

TEST(client_pool_state, a_failed_open_frees_its_slot_for_a_waiter) {
  auto p = pool(1);
  auto r = p.checkout(t0);
  auto waiter = p.checkout(t0);
  ASSERT_FALSE(waiter.now);
  auto woken = p.open_failed(r.now->id);
  ASSERT_TRUE(woken);
  EXPECT_EQ(woken->waiter, waiter.waiting);
  auto g = p.take_grant(waiter.waiting);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->what, kind::open);
  EXPECT_EQ(p.connections_opened(), 0u);
}

TEST(client_pool_state, a_failed_open_without_waiters_just_frees_the_slot) {
  auto p = pool(1);
  auto r = p.checkout(t0);
  EXPECT_FALSE(p.open_failed(r.now->id));
  EXPECT_EQ(p.busy(), 0u);
  EXPECT_TRUE(p.checkout(t0).now);
}

TEST(client_pool_state, a_cancelled_waiter_leaves_the_queue) {
  auto p = pool(1);
  const auto id = open_one(p);
  auto first = p.checkout(t0);
  auto second = p.checkout(t0);
  EXPECT_FALSE(p.cancel_wait(first.waiting));
  EXPECT_EQ(p.waiting(), 1u);
  auto rel = p.release(id, true, t0);
  ASSERT_TRUE(rel.woken);
  EXPECT_EQ(rel.woken->waiter, second.waiting);
}

TEST(client_pool_state, a_waiter_cancelling_after_being_handed_a_connection_gets_it) {
  auto p = pool(1);
  const auto id = open_one(p);
  auto waiter = p.checkout(t0);
  p.release(id, true, t0);
  // The timeout raced the hand-over: the grant is not lost, the waiter must use or return it.
  EXPECT_EQ(p.cancel_wait(waiter.waiting), (grant{kind::reuse, id}));
  EXPECT_EQ(p.busy(), 1u);
}

TEST(client_pool_state, idle_connections_past_the_idle_timeout_are_closed_at_checkout) {
  auto p = pool(2, 2, 10s);
  const auto a = open_one(p);
  const auto b = open_one(p);
  p.release(a, true, t0);
  p.release(b, true, t0 + 8s);
  auto r = p.checkout(t0 + 12s);
  EXPECT_EQ(r.close, std::vector<client_pool_state::connection_id>{a});
  ASSERT_TRUE(r.now);
  EXPECT_EQ(*r.now, (grant{kind::reuse, b}));
}

TEST(client_pool_state, reuse_takes_the_most_recently_used_connection) {
  auto p = pool(2);
  const auto a = open_one(p);
  const auto b = open_one(p);
  p.release(a, true, t0);
  p.release(b, true, t0 + 1s);
  EXPECT_EQ(p.checkout(t0 + 2s).now, (grant{kind::reuse, b}));
}

TEST(client_pool_state, idle_connections_beyond_max_idle_are_closed) {
  auto p = pool(3, 1);
  const auto a = open_one(p);
  const auto b = open_one(p);
  EXPECT_TRUE(p.release(a, true, t0).close.empty());
  auto rel = p.release(b, true, t0 + 1s);
  EXPECT_EQ(rel.close, std::vector<client_pool_state::connection_id>{a}) << "the oldest goes";
  EXPECT_EQ(p.idle(), 1u);
}

TEST(client_pool_state, close_idle_returns_every_idle_connection) {
  auto p = pool(2);
  const auto a = open_one(p);
  const auto b = open_one(p);
  p.release(a, true, t0);
  EXPECT_EQ(p.close_idle(), std::vector<client_pool_state::connection_id>{a});
  EXPECT_EQ(p.idle(), 0u);
  EXPECT_EQ(p.busy(), 1u);
  (void)b;
}

TEST(client_pool_state, releasing_twice_or_an_unknown_id_changes_nothing) {
  auto p = pool(1);
  const auto id = open_one(p);
  p.release(id, false, t0);
  auto again = p.release(id, false, t0);
  EXPECT_TRUE(again.close.empty());
  EXPECT_FALSE(again.woken);
  EXPECT_TRUE(p.release(999, true, t0).close.empty());
  EXPECT_EQ(p.busy(), 0u);
  EXPECT_EQ(p.idle(), 0u);
}

TEST(client_pool_state, a_new_checkout_does_not_overtake_a_waiter) {
  auto p = pool(1);
  auto r = p.checkout(t0);
  auto waiter = p.checkout(t0);
  p.open_failed(r.now->id);  // slot goes to the waiter
  auto late = p.checkout(t0);
  EXPECT_FALSE(late.now) << "the slot already belongs to the waiter";
  EXPECT_TRUE(p.take_grant(waiter.waiting));
}

TEST(client_pool_state, zero_maximum_is_treated_as_one) {
  auto p = pool(0, 0);
  EXPECT_TRUE(p.checkout(t0).now);
  EXPECT_FALSE(p.checkout(t0).now);
}

}  // namespace
}  // namespace gateway::net
