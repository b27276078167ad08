#include "gateway/net/mllp_framing.hpp"

#include <gtest/gtest.h>

namespace gateway::net {
namespace {

const std::string first = "MSH|^~\\&|A|B\rPID|1\r";
const std::string second = "MSH|^~\\&|C|D\rNTE|1||x\r";

std::vector<std::string> feed_chunks(mllp_decoder& d, const std::vector<std::string_view>& chunks,
                                     std::optional<mllp_fault>& fault) {
  std::vector<std::string> frames;
  for (auto c : chunks) {
    fault = d.feed(c, frames);
    if (fault) break;
  }
  return frames;
}

TEST(MllpFraming, FrameWrapsThePayload) {
  EXPECT_EQ(mllp_frame("abc"), std::string("\x0B") + "abc\x1C\r");
  EXPECT_TRUE(mllp_payload_ok(first));
  EXPECT_FALSE(mllp_payload_ok("a\x0B"));
  EXPECT_FALSE(mllp_payload_ok("a\x1C"));
}

// Two frames with line ends between them, split at every point into two reads and, for every
// pair of points, into three: the same two messages come out, nothing is held afterwards.
TEST(MllpFraming, EverySplitPointGivesTheSameFrames) {
  const std::string stream = mllp_frame(first) + "\r\n" + mllp_frame(second);
  for (std::size_t i = 0; i <= stream.size(); ++i) {
    for (std::size_t j = i; j <= stream.size(); ++j) {
      mllp_decoder d(1024);
      std::optional<mllp_fault> fault;
      const std::string_view s(stream);
      const auto frames = feed_chunks(d, {s.substr(0, i), s.substr(i, j - i), s.substr(j)}, fault);
      ASSERT_FALSE(fault) << i << "," << j;
      ASSERT_EQ(frames.size(), 2u) << i << "," << j;
      EXPECT_EQ(frames[0], first);
      EXPECT_EQ(frames[1], second);
      EXPECT_TRUE(d.idle());
      EXPECT_EQ(d.pending_bytes(), 0u);
    }
  }
}

TEST(MllpFraming, OneByteAtATime) {
  const std::string stream = mllp_frame(first) + mllp_frame(second) + mllp_frame("");
  mllp_decoder d(1024);
  std::vector<std::string> frames;
  for (const char c : stream) ASSERT_FALSE(d.feed(std::string_view(&c, 1), frames));
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1], second);
  EXPECT_EQ(frames[2], "");
}

TEST(MllpFraming, AnUnfinishedFrameIsVisibleNotSilent) {
  const std::string stream = mllp_frame(first);
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    mllp_decoder d(1024);
    std::vector<std::string> frames;
    ASSERT_FALSE(d.feed(std::string_view(stream).substr(0, cut), frames));
    EXPECT_TRUE(frames.empty());
    EXPECT_FALSE(d.idle()) << cut;
    EXPECT_EQ(d.pending_bytes(), std::min(cut - 1, first.size()));
  }
}

TEST(MllpFraming, FaultsAtEverySplitPoint) {
  struct bad_case {
    std::string stream;
    mllp_fault fault;
    std::size_t frames_before;
  };
  const std::vector<bad_case> cases = {
      {"garbage" + mllp_frame(first), mllp_fault::data_outside_frame, 0},
      {mllp_frame(first) + "x", mllp_fault::data_outside_frame, 1},
      {"\x0B" + first + "\x0B" + second + "\x1C\r", mllp_fault::start_inside_frame, 0},
      {"\x0B" + first + "\x1C" + "X", mllp_fault::bad_end_sequence, 0},
      {mllp_frame(first) + "\x0B" + std::string(100, 'A') + "\x1C\r", mllp_fault::frame_too_large, 1},
  };
  for (const auto& c : cases) {
    for (std::size_t i = 0; i <= c.stream.size(); ++i) {
      mllp_decoder d(64);
      std::optional<mllp_fault> fault;
      const std::string_view s(c.stream);
      const auto frames = feed_chunks(d, {s.substr(0, i), s.substr(i)}, fault);
      ASSERT_TRUE(fault) << describe(c.fault) << " split " << i;
      EXPECT_EQ(*fault, c.fault) << i;
      EXPECT_EQ(frames.size(), c.frames_before) << i;
      EXPECT_FALSE(d.idle());
      // Once failed it stays failed.
      std::vector<std::string> more;
      EXPECT_EQ(d.feed(mllp_frame(first), more), c.fault);
      EXPECT_TRUE(more.empty());
    }
  }
}

TEST(MllpFraming, TheLimitIsThePayloadSize) {
  mllp_decoder d(5);
  std::vector<std::string> frames;
  EXPECT_FALSE(d.feed(mllp_frame("12345"), frames));
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(d.feed(mllp_frame("123456"), frames), mllp_fault::frame_too_large);
  EXPECT_EQ(d.partial(), "12345");
}

}  // namespace
}  // namespace gateway::net
