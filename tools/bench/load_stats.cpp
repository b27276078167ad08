#include "tools/bench/load_stats.hpp"

#include <algorithm>
#include <cstdio>

namespace rg::bench {
namespace {

// Nearest-rank percentile over sorted samples, in milliseconds.
double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()));
  return sorted[std::min(rank, sorted.size() - 1)] / 1000.0;
}

}  // namespace

load_summary summarise(std::string label, double seconds, const std::vector<connection_record>& records) {
  load_summary s;
  s.label = std::move(label);
  s.seconds = seconds;
  std::vector<std::uint32_t> all;
  for (const auto& r : records) {
    all.insert(all.end(), r.latency_us.begin(), r.latency_us.end());
    for (const auto& [status, n] : r.statuses) s.statuses[status] += n;
    for (const auto& [message, n] : r.errors) s.errors[message] += n;
    s.connects += r.connects;
    s.answered_2xx_all += r.answered_2xx_all;
  }
  std::sort(all.begin(), all.end());
  s.completed = all.size();
  s.requests_per_second = seconds > 0 ? static_cast<double>(all.size()) / seconds : 0;
  s.p50_ms = percentile_ms(all, 50);
  s.p90_ms = percentile_ms(all, 90);
  s.p99_ms = percentile_ms(all, 99);
  s.max_ms = all.empty() ? 0 : all.back() / 1000.0;
  return s;
}

std::string format_summary(const load_summary& s) {
  char line[512];
  std::string out;
  std::snprintf(line, sizeof line,
                "%s: %.0f requests/s (%llu in %.1f s), latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f\n",
                s.label.c_str(), s.requests_per_second, static_cast<unsigned long long>(s.completed), s.seconds,
                s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms);
  out += line;
  std::string statuses;
  std::uint64_t ok = 0, other = 0;
  for (const auto& [status, n] : s.statuses) {
    // Built by append: g++ 12 warns (-Wrestrict, a false positive) on "literal" + std::string here.
    statuses += ' ';
    statuses += std::to_string(status);
    statuses += '=';
    statuses += std::to_string(n);
    (status >= 200 && status < 300 ? ok : other) += n;
  }
  out += "  statuses:" + (statuses.empty() ? std::string(" none") : statuses) + "\n";
  std::uint64_t errors = 0;
  for (const auto& [message, n] : s.errors) {
    out += "  error x" + std::to_string(n) + ": " + message + "\n";
    errors += n;
  }
  out += "  connections opened: " + std::to_string(s.connects) + "\n";
  std::snprintf(
      line, sizeof line,
      "result label=%s rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f ok=%llu non2xx=%llu errors=%llu "
      "ok_all=%llu\n",
      s.label.c_str(), s.requests_per_second, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms,
      static_cast<unsigned long long>(ok), static_cast<unsigned long long>(other),
      static_cast<unsigned long long>(errors), static_cast<unsigned long long>(s.answered_2xx_all));
  out += line;
  return out;
}

}  // namespace rg::bench
