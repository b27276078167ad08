#include "adapters/bars/base64_text.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace gateway::bars {
namespace {

TEST(base64_text, round_trips_every_length_remainder) {
  for (const std::string& text : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    const auto decoded = decode_base64(encode_base64(text));
    if (text.empty()) {
      EXPECT_FALSE(decoded);  // nothing is not a header value
      continue;
    }
    ASSERT_TRUE(decoded) << text;
    EXPECT_EQ(*decoded, text);
  }
}

TEST(base64_text, known_vectors_of_rfc_4648) {
  EXPECT_EQ(encode_base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode_base64("fo"), "Zm8=");
  EXPECT_EQ(decode_base64("Zm9vYg==").value_or("?"), "foob");
  EXPECT_EQ(decode_base64("Zm9vYg").value_or("?"), "foob");  // padding may be left out
}

TEST(base64_text, refuses_what_is_not_standard_base64) {
  for (const char* bad : {"this-is-not-base-64", "Zm9v YmFy", "Zm9vYmFy\n", "Zm9-YmFy", "Zm9_YmFy", "Zm9vY===", "Z",
                          "Zm8==", "=Zm8", "Zm9vYh=="}) {
    EXPECT_FALSE(decode_base64(bad)) << bad;
  }
}

}  // namespace
}  // namespace gateway::bars
