#include "adapters/bars/reply_envelope.hpp"

#include <gtest/gtest.h>

#include "bars_test_data.hpp"

namespace gateway::bars {
namespace {

TEST(reply_envelope, round_trips_and_is_json) {
  reply_envelope e{"https://rnd.example.org/fhir/$process-message", "c1ab3fba-6bae-4ba4-b257-5a87c44d4a91",
                   "9562466f-c982-4bd5-bb0e-255e9f5e6689",
                   "eyJ2YWx1ZSI6IngifQ==", R"({"resourceType":"Bundle","type":"message"})"};
  const std::string text = write_envelope(e);
  const auto d = test::parse(text);
  EXPECT_STREQ(d["message"]["resourceType"].GetString(), "Bundle");
  EXPECT_STREQ(d["headers"]["X-Request-ID"].GetString(), e.request_id.c_str());
  const auto back = read_envelope(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->url, e.url);
  EXPECT_EQ(back->request_id, e.request_id);
  EXPECT_EQ(back->correlation_id, e.correlation_id);
  EXPECT_EQ(back->target_identifier, e.target_identifier);
  EXPECT_EQ(back->message, e.message);
}

TEST(reply_envelope, without_a_target_identifier_no_header_is_kept) {
  const auto back = read_envelope(write_envelope({"https://x.example/", "r", "c", "", "{}"}));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->target_identifier.empty());
}

TEST(reply_envelope, anything_else_is_not_an_envelope) {
  for (const char* bad : {"", "{}", R"({"resourceType":"Bundle"})", R"({"url":"https://x","headers":{},"message":{}})",
                          R"({"url":"https://x","headers":{"X-Request-ID":"r","X-Correlation-ID":"c"}})"}) {
    EXPECT_FALSE(read_envelope(bad)) << bad;
  }
}

}  // namespace
}  // namespace gateway::bars
