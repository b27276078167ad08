#pragma once
// What one load run measured: per-request latencies (exact samples, sorted once at the end),
// answers by HTTP status, and transport errors. Each connection fills its own record on its
// own strand; records are merged after the I/O threads have stopped.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rg::bench {

struct connection_record {
  std::vector<std::uint32_t> latency_us;  // requests completed inside the measured window
  std::map<unsigned, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> errors;  // transport error message -> count
  std::uint64_t connects = 0;
  std::uint64_t answered_2xx_all = 0;  // 2xx answers over the whole run, warm-up included
};

struct load_summary {
  std::string label;
  double seconds = 0;           // measured window
  std::uint64_t completed = 0;  // answers (any status) inside the window
  double requests_per_second = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
  std::map<unsigned, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> errors;
  std::uint64_t connects = 0;
  // 2xx answers over the whole run (warm-up included): what the server's CPU time over the whole
  // run is divided by for its cost per request.
  std::uint64_t answered_2xx_all = 0;
};

load_summary summarise(std::string label, double seconds, const std::vector<connection_record>& records);

// Human-readable block, then one machine-readable line starting with "result ".
std::string format_summary(const load_summary& s);

}  // namespace rg::bench
