#include "tools/referrer-sim/sim_options.hpp"

#include <charconv>
#include <cstdint>

namespace rg::referrer_sim {
namespace {

bool to_int(const std::string& text, std::int64_t min, std::int64_t max, std::int64_t& out) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return false;
  out = value;
  return true;
}

}  // namespace

const char* sim_usage() {
  return "usage: referrer-sim [--address 127.0.0.1] [--port 0] [--listeners 1] [--cert F] [--key F] [--client-ca F]\n"
         "                    [--path /fhir/$process-message] [--out FILE] [--no-fsync]\n"
         "                    [--fail-first N] [--retry-after S] [--answer-400] [--delay-ms D]\n"
         "                    [--close-mid-request N|always] [--idle-timeout-ms T] [--max-body-bytes B]\n"
         "                    [--bars [--answer-409]]\n"
         "       referrer-sim --mllp|--mllps [--ack AA|AE|AR|silence|garbage|wrong-id] [--ack-first N]\n"
         "                    [--address A] [--port P] [--cert F --key F --client-ca F] [--out FILE]\n"
         "A referrer's receiving end: HTTPS with mutual TLS, FHIR messages POSTed to --path are\n"
         "validated, de-duplicated by MessageHeader.id and appended to --out as JSON lines.\n"
         "GET /stats answers the counts. Prints {\"event\":\"listening\",\"https\":PORT} once ready.\n"
         "With --bars it is a BaRS sender's $process-message: replies need X-Request-ID and\n"
         "X-Correlation-ID, a repeat of that pair gets 409 REC_CONFLICT duplicate, errors carry BaRS codes.\n"
         "With --mllp (--mllps: over TLS) it is a clinic system speaking HL7 v2: each message is\n"
         "answered with an ACK (--ack), recorded once per MSH-10, and {\"event\":\"listening\",\"mllp\":PORT}\n"
         "is printed.\n";
}

std::variant<sim_options, std::string> parse_sim_options(const std::vector<std::string>& args) {
  sim_options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    const auto value = [&](std::string& out) -> bool {
      if (i + 1 >= args.size()) return false;
      out = args[++i];
      return true;
    };
    std::string v;
    std::int64_t n = 0;
    if (flag == "--answer-400") {
      o.answer_400 = true;
    } else if (flag == "--bars") {
      o.bars = true;
    } else if (flag == "--answer-409") {
      o.answer_409 = true;
    } else if (flag == "--mllp" || flag == "--mllps") {
      o.mllp = true;
      o.mllp_tls = flag == "--mllps";
    } else if (flag == "--ack") {
      if (!value(v) || (v != "AA" && v != "AE" && v != "AR" && v != "silence" && v != "garbage" && v != "wrong-id")) {
        return std::string("--ack needs AA, AE, AR, silence, garbage or wrong-id");
      }
      o.ack = v;
    } else if (flag == "--ack-first") {
      if (!value(v) || !to_int(v, 0, INT64_MAX, n)) return std::string("--ack-first needs a count");
      o.ack_first = n;
    } else if (flag == "--no-fsync") {
      o.fsync = false;
    } else if (flag == "--address" || flag == "--cert" || flag == "--key" || flag == "--client-ca" ||
               flag == "--path" || flag == "--out") {
      if (!value(v) || v.empty()) return flag + " needs a value";
      if (flag == "--address") o.address = v;
      if (flag == "--cert") o.cert = v;
      if (flag == "--key") o.key = v;
      if (flag == "--client-ca") o.client_ca = v;
      if (flag == "--out") o.out = v;
      if (flag == "--path") {
        if (v.front() != '/') return std::string("--path must start with /");
        o.path = v;
      }
    } else if (flag == "--port") {
      if (!value(v) || !to_int(v, 0, 65535, n)) return std::string("--port needs a number 0-65535");
      o.port = static_cast<std::uint16_t>(n);
    } else if (flag == "--listeners") {
      if (!value(v) || !to_int(v, 1, 1000, n)) return std::string("--listeners needs a count 1-1000");
      o.listeners = static_cast<unsigned>(n);
    } else if (flag == "--fail-first") {
      if (!value(v) || !to_int(v, 0, INT64_MAX, n)) return std::string("--fail-first needs a count");
      o.fail_first = n;
    } else if (flag == "--retry-after") {
      if (!value(v) || !to_int(v, 0, 86'400, n)) return std::string("--retry-after needs seconds (0-86400)");
      o.retry_after = n;
    } else if (flag == "--delay-ms") {
      if (!value(v) || !to_int(v, 0, 3'600'000, n)) return std::string("--delay-ms needs milliseconds");
      o.delay = std::chrono::milliseconds(n);
    } else if (flag == "--close-mid-request") {
      if (!value(v)) return std::string("--close-mid-request needs a count or \"always\"");
      if (v == "always") {
        o.close_mid_request = -1;
      } else if (to_int(v, 0, INT64_MAX, n)) {
        o.close_mid_request = n;
      } else {
        return std::string("--close-mid-request needs a count or \"always\"");
      }
    } else if (flag == "--idle-timeout-ms") {
      if (!value(v) || !to_int(v, 1, 3'600'000, n)) return std::string("--idle-timeout-ms needs milliseconds");
      o.idle_timeout = std::chrono::milliseconds(n);
    } else if (flag == "--max-body-bytes") {
      if (!value(v) || !to_int(v, 1, INT64_MAX, n)) return std::string("--max-body-bytes needs a size");
      o.max_body_bytes = static_cast<std::size_t>(n);
    } else {
      return "unknown argument \"" + flag + "\"";
    }
  }
  if (o.retry_after && o.fail_first == 0) return std::string("--retry-after goes with --fail-first N");
  if (o.answer_409 && !o.bars) return std::string("--answer-409 goes with --bars");
  if (o.bars && o.mllp) return std::string("--bars and --mllp/--mllps are different receivers: choose one");
  if (!o.mllp && (o.ack != "AA" || o.ack_first >= 0)) return std::string("--ack and --ack-first go with --mllp");
  if (o.listeners > 1 && o.port != 0)
    return std::string("--listeners N needs --port 0 (each listener picks a free port)");
  return o;
}

}  // namespace rg::referrer_sim
