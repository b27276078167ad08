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

}  // namespace rg::testing
