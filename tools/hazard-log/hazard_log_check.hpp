#pragma once
// The hazard log's promise, checked: every control in docs/clinical-safety/hazard-log.md names
// tests, and each named test is registered with ctest and not disabled. tools/test.sh runs the
// check after the build, so renaming, deleting or disabling a test that guards a hazard fails the
// build's test run instead of silently leaving a control unproven.
//
// Hazard ids must also be unique (duplicate_hazard_ids).
//
// The log's format: markdown tables whose header has a column named "Tests"; each row is one
// control, its Tests cell lists test names in backticks (`suite.test_name`, as ctest names
// GoogleTest cases). The first cell of the row names the hazard or control in problems.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::tools {

struct hazard_control {
  std::string label;               // the row's first cell
  int line = 0;                    // 1-based line in the log
  std::vector<std::string> tests;  // backticked names in the Tests cell
};

// Controls found in the log's tables, in order.
std::vector<hazard_control> controls_in_hazard_log(std::string_view markdown);

// name -> disabled, from `ctest --show-only=json-v1`. Empty with `error` set when the JSON is not
// what ctest writes.
struct registered_tests {
  std::map<std::string, bool, std::less<>> disabled_by_name;
  std::string error;
};
registered_tests parse_ctest_listing(std::string_view json);

// One line per hazard id used by more than one "## <id> <title>" heading (the id is the heading's
// first word, e.g. H6 or H-V2-1): another document citing "H6" must mean one hazard. Empty when
// every id is unique.
std::vector<std::string> duplicate_hazard_ids(std::string_view markdown);

// One line per problem: a control with no test, a named test that ctest does not know, or one
// that is disabled; also a log with no controls at all. Empty when the log holds.
std::vector<std::string> check_hazard_log(const std::vector<hazard_control>& controls,
                                          const registered_tests& registered);

}  // namespace gateway::tools
