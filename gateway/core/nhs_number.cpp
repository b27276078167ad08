#include "gateway/core/nhs_number.hpp"

namespace gateway::core {

bool is_valid_nhs_number(std::string_view text) {
  if (text.size() != 10) return false;
  for (const char c : text)
    if (c < '0' || c > '9') return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (text[static_cast<std::size_t>(i)] - '0') * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  if (check == 10) return false; // no number is issued with this remainder
  return check == text[9] - '0';
}

} // namespace gateway::core
