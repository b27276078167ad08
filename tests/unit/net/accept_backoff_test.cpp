#include "gateway/net/accept_backoff.hpp"

#include <gtest/gtest.h>

namespace gateway::net {
namespace {

using std::chrono::milliseconds;

TEST(accept_backoff, running_out_of_descriptors_waits_longer_each_time_up_to_a_cap) {
  accept_backoff b;
  EXPECT_EQ(b.failed(EMFILE), milliseconds(5));
  EXPECT_EQ(b.failed(EMFILE), milliseconds(10));
  EXPECT_EQ(b.failed(ENFILE), milliseconds(20));
  for (int i = 0; i < 20; ++i) b.failed(EMFILE);
  EXPECT_EQ(b.failed(EMFILE), accept_backoff::max_wait);
  EXPECT_TRUE(b.backing_off());
}

TEST(accept_backoff, a_successful_accept_starts_again_from_the_shortest_wait) {
  accept_backoff b;
  b.failed(EMFILE);
  b.failed(EMFILE);
  b.succeeded();
  EXPECT_FALSE(b.backing_off());
  EXPECT_EQ(b.failed(EMFILE), milliseconds(5));
}

TEST(accept_backoff, a_failure_of_one_connection_is_retried_at_once) {
  accept_backoff b;
  EXPECT_EQ(b.failed(ECONNABORTED), milliseconds(0));
  EXPECT_EQ(b.failed(EPROTO), milliseconds(0));
  EXPECT_FALSE(b.backing_off());
}

}  // namespace
}  // namespace gateway::net
