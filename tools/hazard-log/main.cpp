// hazard-log-check LOG CTEST_JSON: exits 1 and prints each problem when a control in the hazard log
// names no test, or a test that ctest does not know or has disabled, or when two hazards share an
// id (see hazard_log_check.hpp).
#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/hazard-log/hazard_log_check.hpp"

namespace {
bool read_file(const char* path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hazard-log-check HAZARD_LOG.md CTEST_JSON   (ctest --show-only=json-v1 > CTEST_JSON)\n";
    return 2;
  }
  std::string log, listing;
  if (!read_file(argv[1], log) || !read_file(argv[2], listing)) {
    std::cerr << "hazard-log-check: cannot read " << (log.empty() ? argv[1] : argv[2]) << "\n";
    return 2;
  }
  const auto controls = gateway::tools::controls_in_hazard_log(log);
  auto problems = gateway::tools::check_hazard_log(controls, gateway::tools::parse_ctest_listing(listing));
  for (auto& p : gateway::tools::duplicate_hazard_ids(log)) problems.push_back(std::move(p));
  for (const auto& p : problems) std::cerr << argv[1] << ": " << p << "\n";
  if (!problems.empty()) return 1;
  std::size_t tests = 0;
  for (const auto& c : controls) tests += c.tests.size();
  std::cout << "hazard log: " << controls.size() << " controls, " << tests
            << " named tests, all registered and enabled\n";
  return 0;
}
