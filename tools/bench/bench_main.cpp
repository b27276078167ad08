// rg-bench: the project's load generator (see tools/bench/README.md and tools/bench/bench.sh).
//   rg-bench load  --port P [--more-port P2 ...] --certs DIR [--client practice-a] [options]
//                                                                        measure requests/s and latency
//   rg-bench idle  --port P --certs DIR [--connections 1000] [--hold-s 30] hold idle TLS connections
//   rg-bench feedback --port P --certs DIR --body FILE [--count 1000]      queue status-update feedback
//   rg-bench mllp  --port P --certs DIR --client msk-clinic --body FILE --marker TEXT   HL7 v2 over MLLP/TLS
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tools/bench/feedback_client.hpp"
#include "tools/bench/load_client.hpp"
#include "tools/bench/mllp_load_client.hpp"

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: rg-bench load|idle|feedback|mllp --port P (--certs DIR [--client NAME] | --ca F --cert F --key F) "
      "[options]\n"
      "common:  --host 127.0.0.1  --server-name localhost  --threads 1  --timeout-s 30\n"
      "load:    --connections 64  --warmup-s 2  --duration-s 10  --method POST  --path /fhir/ServiceRequest\n"
      "         --body FILE  --marker TEXT (replaced per request by a unique value)  --marker-uuid (that value a\n"
      "         UUID)  --header 'Name: value'\n"
      "         --paths FILE (each request a line of FILE in turn, instead of --path)\n"
      "         --label NAME (names the result line)  --tag TEXT (prefix of the unique values)\n"
      "idle:    --connections 1000  --hold-s 30 (from start)  --first-get PATH (one GET per connection first)\n"
      "feedback: --count 1000  --connections 16  --body FILE  --marker TEXT: new referrals as --client, each Task\n"
      "         then moved to received by the platform (certs DIR/client-platform.*): one feedback message each\n"
      "mllp:    as load, but each request is the --body file (an HL7 v2 message, every --marker replaced) sent\n"
      "         over MLLP/TLS and answered by an ACK (counted as AA 200, AE 400, AR 503, not an ACK 0)\n"
      "load prints a summary and a line 'result label=... rps=... p50_ms=... p99_ms=...';\n"
      "idle prints 'idle opened=N failed=M' once every connection attempt has finished.\n",
      out);
}

struct arguments {
  std::vector<std::string> items;
  std::size_t at = 0;
  bool bad = false;
  std::optional<std::string> value(const std::string& flag) {
    if (at + 1 >= items.size()) {
      std::fprintf(stderr, "rg-bench: %s needs a value\n", flag.c_str());
      bad = true;
      return std::nullopt;
    }
    return items[++at];
  }
};

bool to_unsigned(const std::string& text, unsigned& out) {
  char* end = nullptr;
  const unsigned long v = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return false;
  out = static_cast<unsigned>(v);
  return true;
}

bool to_seconds(const std::string& text, std::chrono::milliseconds& out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || v < 0) return false;
  out = std::chrono::milliseconds(static_cast<long long>(v * 1000));
  return true;
}

// The non-empty lines of `file`; false if it cannot be read.
bool read_lines(const std::string& file, std::vector<std::string>& out) {
  std::ifstream in(file);
  if (!in) return false;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rg::bench;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string mode = argv[1];
  if (mode != "load" && mode != "idle" && mode != "feedback" && mode != "mllp") {
    std::fprintf(stderr, "rg-bench: unknown mode \"%s\"\n", mode.c_str());
    usage(stderr);
    return 2;
  }

  load_options load;
  idle_options idle;
  idle.first_request_path = "";
  target_spec target;
  std::string certs, client = "practice-a", body_file, marker = "REF-2024-0001", label = "target";
  bool marker_uuid = false;
  // Built by append: g++ 12 warns (-Wrestrict, a false positive) on "literal" + std::string here.
  std::string tag = "B";
  tag += std::to_string(std::time(nullptr));
  tag += '-';
  tag += std::to_string(::getpid());
  unsigned port = 0,
           connections = mode == "load" || mode == "mllp" ? 64
                         : mode == "feedback"             ? 16
                                                          : 1000,
           threads = 1, count = 1000;
  std::chrono::milliseconds timeout{30000};

  arguments args{{argv + 2, argv + argc}};
  for (; args.at < args.items.size() && !args.bad; ++args.at) {
    const std::string flag = args.items[args.at];
    if (flag == "--marker-uuid") {  // the only flag without a value
      marker_uuid = true;
      continue;
    }
    auto v = args.value(flag);
    if (!v) break;
    bool ok = true;
    unsigned more = 0;
    if (flag == "--port")
      ok = to_unsigned(*v, port) && port > 0 && port < 65536;
    else if (flag == "--more-port")  // load: another instance; connections alternate between them
      ok = to_unsigned(*v, more) && more > 0 && more < 65536 &&
           (target.more_ports.push_back(static_cast<std::uint16_t>(more)), true);
    else if (flag == "--host")
      target.host = *v;
    else if (flag == "--server-name")
      target.tls.server_name = *v;
    else if (flag == "--certs")
      certs = *v;
    else if (flag == "--client")
      client = *v;
    else if (flag == "--ca")
      target.tls.ca = *v;
    else if (flag == "--cert")
      target.tls.cert = *v;
    else if (flag == "--key")
      target.tls.key = *v;
    else if (flag == "--threads")
      ok = to_unsigned(*v, threads) && threads > 0;
    else if (flag == "--connections")
      ok = to_unsigned(*v, connections) && connections > 0;
    else if (flag == "--timeout-s")
      ok = to_seconds(*v, timeout);
    else if (flag == "--warmup-s")
      ok = to_seconds(*v, load.warmup);
    else if (flag == "--duration-s")
      ok = to_seconds(*v, load.duration) && load.duration.count() > 0;
    else if (flag == "--method")
      load.method = *v;
    else if (flag == "--path")
      load.path = *v;
    else if (flag == "--paths")
      ok = read_lines(*v, load.paths) && !load.paths.empty();
    else if (flag == "--body")
      body_file = *v;
    else if (flag == "--marker")
      marker = *v;

    else if (flag == "--label")
      label = *v;
    else if (flag == "--tag")
      tag = *v;
    else if (flag == "--hold-s")
      ok = to_seconds(*v, idle.hold);
    else if (flag == "--count")
      ok = to_unsigned(*v, count) && count > 0;
    else if (flag == "--first-get")
      idle.first_request_path = *v;
    else if (flag == "--header") {
      const auto colon = v->find(':');
      ok = colon != std::string::npos && colon > 0;
      if (ok) load.headers.emplace_back(v->substr(0, colon), v->substr(v->find_first_not_of(' ', colon + 1)));
    } else {
      std::fprintf(stderr, "rg-bench: unknown option %s\n", flag.c_str());
      usage(stderr);
      return 2;
    }
    if (!ok) {
      std::fprintf(stderr, "rg-bench: bad value for %s: %s\n", flag.c_str(), v->c_str());
      return 2;
    }
  }
  if (args.bad) return 2;
  if (port == 0) {
    std::fprintf(stderr, "rg-bench: --port is required\n");
    return 2;
  }
  if (!certs.empty()) {
    if (target.tls.ca.empty()) target.tls.ca = certs + "/ca.crt";
    if (target.tls.cert.empty()) target.tls.cert = certs + "/client-" + client + ".crt";
    if (target.tls.key.empty()) target.tls.key = certs + "/client-" + client + ".key";
  }
  if (target.tls.ca.empty() || target.tls.cert.empty() || target.tls.key.empty()) {
    std::fprintf(stderr, "rg-bench: give --certs DIR, or --ca, --cert and --key\n");
    return 2;
  }
  target.port = static_cast<std::uint16_t>(port);

  std::string error;
  if (mode == "idle") {
    idle.target = target;
    idle.connections = connections;
    idle.threads = threads;
    idle.timeout = timeout;
    hold_idle(idle, error);
    if (!error.empty()) {
      std::fprintf(stderr, "rg-bench: %s\n", error.c_str());
      return 1;
    }
    return 0;
  }

  if (mode == "feedback" && body_file.empty()) {
    std::fprintf(stderr, "rg-bench: feedback needs --body FILE\n");
    return 2;
  }
  std::optional<request_template> body;
  if (!body_file.empty()) {
    body = request_template::load(body_file, marker, error, marker_uuid);
    if (!body) {
      std::fprintf(stderr, "rg-bench: %s\n", error.c_str());
      return 2;
    }
    load.body = &*body;
  }
  if (mode == "feedback") {
    feedback_options f;
    f.referrer = target;
    f.platform = target;
    if (!certs.empty()) {
      f.platform.tls.cert = certs + "/client-platform.crt";
      f.platform.tls.key = certs + "/client-platform.key";
    }
    f.referral = &*body;
    f.run_tag = tag;
    f.count = count;
    f.connections = connections;
    f.threads = threads;
    f.timeout = timeout;
    const feedback_result r = make_feedback(f, error);
    if (!error.empty()) {
      std::fprintf(stderr, "rg-bench: %s\n", error.c_str());
      return 1;
    }
    std::printf("feedback made=%llu failed=%llu seconds=%.2f%s%s\n", static_cast<unsigned long long>(r.made),
                static_cast<unsigned long long>(r.failed), r.seconds,
                r.first_failure.empty() ? "" : " first_failure=", r.first_failure.c_str());
    return r.failed == 0 ? 0 : 1;
  }
  load.target = target;
  load.connections = connections;
  load.threads = threads;
  load.timeout = timeout;
  load.run_tag = tag;
  const auto records = mode == "mllp" ? run_mllp_load(load, error) : run_load(load, error);
  if (!error.empty()) {
    std::fprintf(stderr, "rg-bench: %s\n", error.c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(load.duration).count();
  std::fputs(format_summary(summarise(label, seconds, records)).c_str(), stdout);
  return 0;
}
