// referrer-sim: a referrer's receiving end for tests, demos and benchmarks (README.md).
#include <cstdio>
#include <string>
#include <vector>

#include "gateway/net/mllp_handler.hpp"
#include "gateway/net/server.hpp"
#include "gateway/net/tls_context.hpp"
#include "gateway/telemetry/metrics.hpp"
#include "tools/referrer-sim/bars_sim_handler.hpp"
#include "tools/referrer-sim/message_log.hpp"
#include "tools/referrer-sim/mllp_sim_handler.hpp"
#include "tools/referrer-sim/sim_handler.hpp"
#include "tools/referrer-sim/sim_listener.hpp"
#include "tools/referrer-sim/sim_options.hpp"

namespace {

// referrer-sim --mllp: an MLLP listener (TLS with --mllps) on gateway_net's server runtime.
int run_mllp(const rg::referrer_sim::sim_options& options, rg::referrer_sim::message_log& log) {
  using namespace gateway::net;
  rg::referrer_sim::mllp_counters counters;
  rg::referrer_sim::mllp_sim_handler handler(options, log, counters);
  gateway::telemetry::metrics metrics;
  server_options server_opts;
  server_opts.io_threads = 1;
  server_opts.shutdown_grace = std::chrono::seconds(2);
  server srv(server_opts, metrics);
  listener_spec spec;
  spec.name = "mllp";
  spec.address = options.address;
  spec.port = options.port;
  spec.mllp = &handler;
  spec.mllp_bounds.idle_timeout = options.idle_timeout;
  spec.mllp_bounds.max_frame_bytes = options.max_body_bytes;
  if (options.mllp_tls) {
    auto tls = make_server_tls_context({options.cert, options.key, options.client_ca, true, false});
    if (auto* e = std::get_if<tls_setup_error>(&tls)) {
      std::fprintf(stderr, "referrer-sim: %s\n", e->message.c_str());
      return 1;
    }
    spec.tls = std::make_shared<tls_context_slot>(std::get<0>(tls));
  }
  auto bound = srv.add_listener(spec);
  if (auto* error = std::get_if<std::string>(&bound)) {
    std::fprintf(stderr, "referrer-sim: %s\n", error->c_str());
    return 1;
  }
  std::printf("{\"event\":\"listening\",\"mllp\":%u}\n", static_cast<unsigned>(std::get<std::uint16_t>(bound)));
  std::fflush(stdout);
  srv.run();
  std::fprintf(stderr, "referrer-sim: stopped %s\n", counters.json().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rg::referrer_sim;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::fputs(sim_usage(), stdout);
    return 0;
  }
  auto parsed = parse_sim_options(args);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    std::fprintf(stderr, "referrer-sim: %s\n%s", error->c_str(), sim_usage());
    return 2;
  }
  const sim_options options = std::get<sim_options>(std::move(parsed));

  message_log log;
  if (!options.out.empty()) {
    if (const std::string error = log.open(options.out, options.fsync); !error.empty()) {
      std::fprintf(stderr, "referrer-sim: %s\n", error.c_str());
      return 1;
    }
  }
  if (options.mllp) return run_mllp(options, log);
  sim_counters counters;
  sim_handler fhir_handler(options, log, counters);
  bars_sim_handler bars_handler(options, log, counters);
  gateway::net::http_handler& handler =
      options.bars ? static_cast<gateway::net::http_handler&>(bars_handler) : fhir_handler;
  listener_settings settings{options.address,   options.port, options.listeners,         options.cert, options.key,
                             options.client_ca, {},           options.close_mid_request, options.path};
  settings.limits.body_bytes = options.max_body_bytes;
  settings.limits.idle_timeout = options.idle_timeout;
  sim_listener listener(settings, handler, counters);
  auto opened = listener.open();
  if (auto* error = std::get_if<std::string>(&opened)) {
    std::fprintf(stderr, "referrer-sim: %s\n", error->c_str());
    return 1;
  }
  // The first port as "https" (what callers of a single listener read); all of them as "ports".
  const auto& ports = std::get<std::vector<std::uint16_t>>(opened);
  std::string all;
  for (const auto p : ports) {
    if (!all.empty()) all += ',';
    all += std::to_string(p);
  }
  std::printf("{\"event\":\"listening\",\"https\":%u,\"ports\":[%s]}\n", static_cast<unsigned>(ports.front()),
              all.c_str());
  std::fflush(stdout);
  listener.run();
  std::fprintf(stderr, "referrer-sim: stopped %s\n", counters.json().c_str());
  return 0;
}
