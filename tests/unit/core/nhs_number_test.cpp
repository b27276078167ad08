#include "gateway/core/nhs_number.hpp"

#include <gtest/gtest.h>

using gateway::core::is_valid_nhs_number;

TEST(nhs_number, accepts_numbers_with_the_right_check_digit) {
  EXPECT_TRUE(is_valid_nhs_number("9434765919"));
  EXPECT_TRUE(is_valid_nhs_number("9434765870"));
}

TEST(nhs_number, rejects_wrong_check_digit_length_and_characters) {
  EXPECT_FALSE(is_valid_nhs_number("9434765918"));  // check digit off by one
  EXPECT_FALSE(is_valid_nhs_number("943476591"));
  EXPECT_FALSE(is_valid_nhs_number("94347659190"));
  EXPECT_FALSE(is_valid_nhs_number("943 476 5919"));
  EXPECT_FALSE(is_valid_nhs_number("943476591a"));
  EXPECT_FALSE(is_valid_nhs_number(""));
}

TEST(nhs_number, remainder_ten_is_never_valid) {
  // 1000000010: sum = 10*1 + 2*1 = 12, 11 - 12 % 11 = 10 -> no valid check digit exists.
  for (char c = '0'; c <= '9'; ++c) EXPECT_FALSE(is_valid_nhs_number(std::string("100000001") + c));
}
