#pragma once
// Process metrics rendered in the Prometheus text exposition format (version 0.0.4).
//
// Guarantees: every member function is thread-safe. Label values are bounded by the caller:
// `route` is a route pattern (e.g. "/ServiceRequest/{id}"), never a raw path, so the number of
// series stays small. Later components add their own series through add_collector().
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::telemetry {

class metrics {
 public:
  static constexpr std::array<double, 13> latency_buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,    0.25,  0.5,    1.0,   2.5,  5.0};

  void count_request(std::string_view listener, std::string_view method, std::string_view route, unsigned status,
                     double seconds);
  void connection_opened(std::string_view listener);
  void connection_closed(std::string_view listener);
  void connection_refused_over_limit() { refused_over_limit_.fetch_add(1, std::memory_order_relaxed); }
  void handshake_failed() { handshake_failures_.fetch_add(1, std::memory_order_relaxed); }
  void accept_failed() { accept_failures_.fetch_add(1, std::memory_order_relaxed); }
  void tls_reloaded(bool ok) { (ok ? tls_reloads_ok_ : tls_reloads_failed_).fetch_add(1, std::memory_order_relaxed); }

  std::int64_t open_connections(std::string_view listener) const;
  std::uint64_t handshake_failures() const { return handshake_failures_.load(); }
  std::uint64_t accept_failures() const { return accept_failures_.load(); }

  // A collector appends complete metric families (with # HELP/# TYPE lines) to the output.
  void add_collector(std::function<void(std::string&)> collector);

  std::string render_prometheus() const;

 private:
  struct request_series {
    std::uint64_t count = 0;
  };
  struct latency_series {
    std::array<std::uint64_t, latency_buckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::string, request_series, std::less<>> requests_;   // key: listener\0method\0route\0status
  std::map<std::string, latency_series, std::less<>> latencies_;  // key: listener\0route
  std::map<std::string, std::int64_t, std::less<>> open_;         // key: listener
  std::vector<std::function<void(std::string&)>> collectors_;
  std::atomic<std::uint64_t> handshake_failures_{0};
  std::atomic<std::uint64_t> refused_over_limit_{0};
  std::atomic<std::uint64_t> accept_failures_{0};
  std::atomic<std::uint64_t> tls_reloads_ok_{0};
  std::atomic<std::uint64_t> tls_reloads_failed_{0};
};

}  // namespace gateway::telemetry
