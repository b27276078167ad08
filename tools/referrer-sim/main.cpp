// referrer-sim: a referrer's receiving end for tests, demos and benchmarks (README.md).
#include <cstdio>
#include <string>
#include <vector>

#include "tools/referrer-sim/message_log.hpp"
#include "tools/referrer-sim/sim_handler.hpp"
#include "tools/referrer-sim/sim_listener.hpp"
#include "tools/referrer-sim/sim_options.hpp"

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
  sim_counters counters;
  sim_handler handler(options, log, counters);
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
