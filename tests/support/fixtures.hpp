#pragma once
// Test data helpers shared by the integration tests: files from tests/data, and the standard
// practice-a referral with a referral number of the test's choosing.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rg::testing {

// The whole file (empty when it cannot be read).
std::string read_text(const std::string& path);

// `text` with the first `from` replaced by `to`; throws when `from` is absent (a fixture changed).
std::string replaced(std::string text, const std::string& from, const std::string& to);

// tests/data/core/servicerequest-contained.json (practice-a, contained Patient with NHS number
// 9434765919) with its referral number REF-2024-0001 replaced by `number`.
std::string referral_fixture(const std::string& number);

// The lines of a JSON Lines events file and of its rotated segments (path.000001, path.000002,
// ..., then path itself), oldest first.
std::vector<std::string> event_file_lines(const std::string& path);

// Checks `done` until it holds (another process or thread does the work) or `timeout` passes;
// returns whether it held. Waits a few milliseconds between checks.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The value of one sample line of Prometheus text ("name{labels} value"), -1 when absent.
double metric_value(const std::string& prometheus_text, const std::string& series);
// A valid NHS number made from `seed` (nine digits, then the modulus-11 check digit; seeds whose
// check would be 10 are skipped); `seed` moves past the one used, so each call gives a new number.
std::string nhs_number(std::uint64_t& seed);

}  // namespace rg::testing
