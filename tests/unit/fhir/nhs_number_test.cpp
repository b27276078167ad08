#include "fhir/nhs_number.hpp"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace fhir {
namespace {

TEST(nhs_number, valid_numbers_pass) {
  for (auto n : {"9434765919", "9434765870", "4010232137", "9990000018"}) EXPECT_TRUE(is_valid_nhs_number(n)) << n;
}

TEST(nhs_number, wrong_check_digit_length_or_characters_fail) {
  for (auto n : {"3478526985" /* BaRS examples: fails mod 11 */, "9434765918", "943476591", "94347659190",
                 "943 476 5919", "94347659a9", "", "0000000001"}) {
    EXPECT_FALSE(is_valid_nhs_number(n)) << n;
  }
}

TEST(nhs_number, check_digit_ten_is_never_valid) {
  // 1,2,3,...: 1*10+2*9+... chosen so that 11 - sum%11 == 10: "0000000060" sums 6*3=18 -> 11-7=4; search.
  int found = 0;
  for (int x = 0; x < 1000 && found == 0; ++x) {
    char s[11];
    std::snprintf(s, sizeof s, "000000%03d", x);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (s[i] - '0') * (10 - i);
    if (11 - sum % 11 == 10) {
      for (char d = '0'; d <= '9'; ++d) {
        std::string n = std::string(s) + d;
        EXPECT_FALSE(is_valid_nhs_number(n)) << n;
      }
      found = 1;
    }
  }
  EXPECT_EQ(found, 1);
}

}  // namespace
}  // namespace fhir
