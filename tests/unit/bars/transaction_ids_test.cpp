#include "adapters/bars/transaction_ids.hpp"

#include <gtest/gtest.h>

namespace gateway::bars {
namespace {

constexpr const char* request = "c1ab3fba-6bae-4ba4-b257-5a87c44d4a91";
constexpr const char* correlation = "9562466f-c982-4bd5-bb0e-255e9f5e6689";

TEST(transaction_ids, both_uuids_are_read) {
  const auto ids = read_transaction_ids(request, correlation);
  ASSERT_TRUE(ids) << ids.error().text();
  EXPECT_EQ(ids->request_id, request);
  EXPECT_EQ(ids->correlation_id, correlation);
}

TEST(transaction_ids, upper_case_uuids_are_kept_lower_case_so_repeats_compare_equal) {
  const auto ids = read_transaction_ids("C1AB3FBA-6BAE-4BA4-B257-5A87C44D4A91", correlation);
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->request_id, request);
}

TEST(transaction_ids, a_missing_request_id_is_invalid_naming_the_header) {
  const auto ids = read_transaction_ids(std::nullopt, correlation);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().kind, core::error_kind::invalid);
  EXPECT_EQ(ids.error().expression, "X-Request-ID");
}

TEST(transaction_ids, a_missing_or_empty_correlation_id_is_invalid_naming_the_header) {
  for (const auto& value : {std::optional<std::string_view>{}, std::optional<std::string_view>{""}}) {
    const auto ids = read_transaction_ids(request, value);
    ASSERT_FALSE(ids);
    EXPECT_EQ(ids.error().expression, "X-Correlation-ID");
  }
}

TEST(transaction_ids, malformed_ids_are_invalid) {
  for (const char* bad : {"not-a-uuid", "c1ab3fba6bae4ba4b2575a87c44d4a91", "c1ab3fba-6bae-4ba4-b257-5a87c44d4a9",
                          "c1ab3fba-6bae-4ba4-b257-5a87c44d4a9g", " c1ab3fba-6bae-4ba4-b257-5a87c44d4a9"}) {
    const auto ids = read_transaction_ids(bad, correlation);
    ASSERT_FALSE(ids) << bad;
    EXPECT_EQ(ids.error().expression, "X-Request-ID");
    EXPECT_NE(ids.error().message.find("UUID"), std::string::npos);
  }
}

}  // namespace
}  // namespace gateway::bars
