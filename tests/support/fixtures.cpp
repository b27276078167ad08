#include "tests/support/fixtures.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/gateway_process.hpp"

namespace rg::testing {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture text not found: " + from);
  return text.replace(at, from.size(), to);
}

std::string referral_fixture(const std::string& number) {
  return replaced(read_text(source_dir() + "/tests/data/core/servicerequest-contained.json"), "REF-2024-0001", number);
}

std::string nhs_number(std::uint64_t& seed) {
  for (;; ++seed) {
    const std::string nine = std::to_string(900000000 + seed % 100000000);
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (nine[static_cast<std::size_t>(i)] - '0') * (10 - i);
    int check = 11 - sum % 11;
    if (check == 11) check = 0;
    if (check == 10) continue;
    ++seed;
    return nine + static_cast<char>('0' + check);
  }
}

}  // namespace rg::testing
