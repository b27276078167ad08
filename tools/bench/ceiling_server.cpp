// bench-ceiling: the bare Beast HTTPS server the intake benchmark compares the gateway with.
// It is the gateway's own network layer (gateway_net: listener, TLS context with mTLS, HTTP
// session, limits) with a handler that answers every request 201 with a small body and does
// nothing else, so gateway/ceiling isolates the work of the gateway itself (routing, caller
// check, parsing, validation, triage, storage, audit, answer shaping).
// With --mllp it also listens for HL7 v2 over MLLP/TLS (the same listener code as the gateway's
// MLLP front door) and answers every message AA: it reads only what an answer must echo (MSH-3..6,
// MSH-10), so gateway/ceiling over MLLP isolates parsing, mapping, validation and the use case.
//
//   bench-ceiling --cert server.crt --key server.key --client-ca ca.crt [--port 0] [--io-threads N]
//                 [--mllp-port P]
// Prints {"event":"listening","https":PORT[,"mllp":PORT]} once listening; stops on SIGTERM/SIGINT.
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include "adapters/hl7v2/ack_message.hpp"
#include "gateway/net/http_handler.hpp"
#include "gateway/net/mllp_handler.hpp"
#include "gateway/net/server.hpp"
#include "gateway/net/tls_context.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace {
namespace net = gateway::net;
namespace http = boost::beast::http;

class created_handler final : public net::http_handler {
 public:
  boost::asio::awaitable<net::http_response> handle(net::http_request request, net::request_context) override {
    net::http_response answer{http::status::created, request.version()};
    answer.set(http::field::content_type, "application/fhir+json");
    answer.set(http::field::location, "https://localhost/fhir/ServiceRequest/ceiling/_history/1");
    answer.set(http::field::etag, "W/\"1\"");
    answer.body() =
        R"({"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational"}]})";
    co_return answer;
  }

  net::http_response fault_response(net::request_fault, const net::request_context&) override {
    net::http_response answer{http::status::bad_request, 11};
    answer.body() = "bad request\n";
    return answer;
  }
};

// AA for every message, echoing its control id (what a sender checks), nothing else.
class accepted_handler final : public gateway::net::mllp_handler {
 public:
  boost::asio::awaitable<net::mllp_answer> handle(std::string message, net::mllp_context) override {
    namespace v2 = gateway::hl7v2;
    v2::ack_input in;
    in.answered = v2::header_from_text(message);
    in.code = v2::ack_code::aa;
    in.control_id = "CEILING";
    in.timestamp = "20240301093000";
    co_return net::mllp_answer{v2::build_ack(in), false};
  }

  std::string malformed(std::string_view, std::string_view, const net::mllp_context&) override { return {}; }
};

void usage(std::FILE* out) {
  std::fputs(
      "usage: bench-ceiling --cert FILE --key FILE --client-ca FILE [--address 127.0.0.1] [--port 0] [--io-threads "
      "N] [--mllp-port P]\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  net::server_tls_files files;
  std::string address = "127.0.0.1";
  unsigned port = 0;
  std::optional<unsigned> mllp_port;
  unsigned io_threads = std::thread::hardware_concurrency();
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    }
    if (i + 1 >= argc) {
      usage(stderr);
      return 2;
    }
    const std::string value = argv[++i];
    if (arg == "--cert")
      files.cert = value;
    else if (arg == "--key")
      files.key = value;
    else if (arg == "--client-ca")
      files.client_ca = value;
    else if (arg == "--address")
      address = value;
    else if (arg == "--port")
      port = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else if (arg == "--mllp-port")
      mllp_port = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else if (arg == "--io-threads")
      io_threads = static_cast<unsigned>(std::strtoul(value.c_str(), nullptr, 10));
    else {
      std::fprintf(stderr, "bench-ceiling: unknown argument %s\n", arg.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (files.cert.empty() || files.key.empty() || files.client_ca.empty() || port > 65535 ||
      mllp_port.value_or(0) > 65535) {
    usage(stderr);
    return 2;
  }
  auto tls = net::make_server_tls_context(files);
  if (auto* e = std::get_if<net::tls_setup_error>(&tls)) {
    std::fprintf(stderr, "bench-ceiling: %s\n", e->message.c_str());
    return 2;
  }

  gateway::telemetry::metrics metrics;
  net::server_options options;  // the gateway's default limits
  options.io_threads = io_threads;
  net::server server(options, metrics);
  created_handler handler;
  const auto slot = std::make_shared<net::tls_context_slot>(std::get<std::shared_ptr<boost::asio::ssl::context>>(tls));
  const auto bound = server.add_listener({"https", address, static_cast<std::uint16_t>(port), slot, &handler});
  if (auto* e = std::get_if<std::string>(&bound)) {
    std::fprintf(stderr, "bench-ceiling: %s\n", e->c_str());
    return 1;
  }
  std::string listening = "{\"event\":\"listening\",\"https\":" + std::to_string(std::get<std::uint16_t>(bound));
  accepted_handler accept_all;
  if (mllp_port) {
    net::listener_spec mllp{"mllp", address, static_cast<std::uint16_t>(*mllp_port), slot, nullptr};
    mllp.mllp = &accept_all;
    const auto mllp_bound = server.add_listener(std::move(mllp));
    if (auto* e = std::get_if<std::string>(&mllp_bound)) {
      std::fprintf(stderr, "bench-ceiling: %s\n", e->c_str());
      return 1;
    }
    listening += ",\"mllp\":" + std::to_string(std::get<std::uint16_t>(mllp_bound));
  }
  std::printf("%s}\n", listening.c_str());
  std::fflush(stdout);
  server.run();
  return 0;
}
