#include "gateway/telemetry/metrics.hpp"

#include <cstdio>

#include "gateway/telemetry/log.hpp"

namespace gateway::telemetry {
namespace {

std::string key_of(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (const auto part : parts) {
    if (!key.empty()) key += '\0';
    key += part;
  }
  return key;
}

std::vector<std::string_view> split_key(std::string_view key) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    if (i == key.size() || key[i] == '\0') {
      parts.push_back(key.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

void append_label(std::string& out, std::string_view name, std::string_view value, bool first) {
  if (!first) out += ',';
  out += name;
  out += "=\"";
  append_json_escaped(out, value);  // Prometheus escapes \ " and newline the same way.
  out += '"';
}

void append_number(std::string& out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  out += buf;
}

}  // namespace

void metrics::count_request(std::string_view listener, std::string_view method, std::string_view route, unsigned status,
                            double seconds) {
  const std::string status_text = std::to_string(status);
  std::lock_guard lock(mutex_);
  ++requests_[key_of({listener, method, route, status_text})].count;
  auto& lat = latencies_[key_of({listener, route})];
  for (std::size_t i = 0; i < latency_buckets.size(); ++i) {
    if (seconds <= latency_buckets[i]) ++lat.buckets[i];
  }
  ++lat.count;
  lat.sum += seconds;
}

void metrics::connection_opened(std::string_view listener) {
  std::lock_guard lock(mutex_);
  ++open_[std::string(listener)];
}

void metrics::connection_closed(std::string_view listener) {
  std::lock_guard lock(mutex_);
  --open_[std::string(listener)];
}

std::int64_t metrics::open_connections(std::string_view listener) const {
  std::lock_guard lock(mutex_);
  const auto it = open_.find(listener);
  return it == open_.end() ? 0 : it->second;
}

void metrics::add_collector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string metrics::render_prometheus() const {
  std::string out;
  out.reserve(4096);
  std::vector<std::function<void(std::string&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    out += "# HELP gateway_http_requests_total HTTP requests answered, by listener, method, route and status.\n";
    out += "# TYPE gateway_http_requests_total counter\n";
    for (const auto& [key, series] : requests_) {
      const auto p = split_key(key);
      out += "gateway_http_requests_total{";
      append_label(out, "listener", p[0], true);
      append_label(out, "method", p[1], false);
      append_label(out, "route", p[2], false);
      append_label(out, "status", p[3], false);
      out += "} " + std::to_string(series.count) + '\n';
    }
    out +=
        "# HELP gateway_http_request_duration_seconds Time from a request's last byte read to its response written.\n";
    out += "# TYPE gateway_http_request_duration_seconds histogram\n";
    for (const auto& [key, series] : latencies_) {
      const auto p = split_key(key);
      for (std::size_t i = 0; i <= latency_buckets.size(); ++i) {
        out += "gateway_http_request_duration_seconds_bucket{";
        append_label(out, "listener", p[0], true);
        append_label(out, "route", p[1], false);
        out += ",le=\"";
        if (i < latency_buckets.size())
          append_number(out, latency_buckets[i]);
        else
          out += "+Inf";
        out += "\"} ";
        out += std::to_string(i < latency_buckets.size() ? series.buckets[i] : series.count);
        out += '\n';
      }
      out += "gateway_http_request_duration_seconds_sum{";
      append_label(out, "listener", p[0], true);
      append_label(out, "route", p[1], false);
      out += "} ";
      append_number(out, series.sum);
      out += "\ngateway_http_request_duration_seconds_count{";
      append_label(out, "listener", p[0], true);
      append_label(out, "route", p[1], false);
      out += "} " + std::to_string(series.count) + '\n';
    }
    out += "# HELP gateway_open_connections Connections open now, by listener.\n";
    out += "# TYPE gateway_open_connections gauge\n";
    for (const auto& [listener, n] : open_) {
      out += "gateway_open_connections{";
      append_label(out, "listener", listener, true);
      out += "} " + std::to_string(n) + '\n';
    }
    collectors = collectors_;
  }
  out +=
      "# HELP gateway_tls_handshake_failures_total TLS handshakes that failed (including refused client "
      "certificates).\n";
  out += "# TYPE gateway_tls_handshake_failures_total counter\n";
  out += "gateway_tls_handshake_failures_total " + std::to_string(handshake_failures_.load()) + '\n';
  out +=
      "# HELP gateway_connections_refused_total Connections closed at accept because the connection limit was "
      "reached.\n";
  out += "# TYPE gateway_connections_refused_total counter\n";
  out += "gateway_connections_refused_total " + std::to_string(refused_over_limit_.load()) + '\n';
  out +=
      "# HELP gateway_accept_failures_total Failed accepts (e.g. out of file descriptors); the listener backs off "
      "and keeps serving.\n";
  out += "# TYPE gateway_accept_failures_total counter\n";
  out += "gateway_accept_failures_total " + std::to_string(accept_failures_.load()) + '\n';
  out += "# HELP gateway_tls_reloads_total Reloads of TLS certificates and CRLs (SIGHUP) by result.\n";
  out += "# TYPE gateway_tls_reloads_total counter\n";
  out += "gateway_tls_reloads_total{result=\"ok\"} " + std::to_string(tls_reloads_ok_.load()) + '\n';
  out += "gateway_tls_reloads_total{result=\"failed\"} " + std::to_string(tls_reloads_failed_.load()) + '\n';
  for (const auto& collector : collectors) collector(out);
  return out;
}

}  // namespace gateway::telemetry
