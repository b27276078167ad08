#include "tests/support/fixtures.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

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

std::vector<std::string> event_file_lines(const std::string& path) {
  std::vector<std::string> lines;
  const auto append = [&lines](const std::string& file) {
    std::istringstream in(read_text(file));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  };
  for (int n = 1;; ++n) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, ".%06d", n);
    if (!std::filesystem::exists(path + suffix)) break;
    append(path + suffix);
  }
  append(path);
  return lines;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

double metric_value(const std::string& prometheus_text, const std::string& series) {
  std::istringstream lines(prometheus_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  }
  return -1;
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
