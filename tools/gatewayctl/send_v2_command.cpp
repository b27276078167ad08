#include "tools/gatewayctl/send_v2_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <charconv>
#include <fstream>
#include <ostream>
#include <sstream>

#include "adapters/hl7v2/ack_message.hpp"
#include "gateway/net/mllp_client.hpp"

namespace rg::gatewayctl {
namespace {

namespace hl7v2 = gateway::hl7v2;
namespace net = gateway::net;

constexpr std::size_t max_file_bytes = 1024 * 1024;

struct send_v2_options {
  std::string file;
  std::string to = "mllp://127.0.0.1:2575";
  net::client_tls_files tls{"certs/dev/ca.crt", "certs/dev/client-msk-clinic.crt", "certs/dev/client-msk-clinic.key"};
  std::chrono::milliseconds timeout{15'000};
};

const char* usage =
    "usage: gatewayctl send-v2 FILE [--to mllp://127.0.0.1:2575|mllps://HOST:PORT]\n"
    "                          [--cert F --key F --ca F] [--timeout-ms T]\n";

std::string parse(const std::vector<std::string>& args, send_v2_options& o) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--to" && has_value) {
      o.to = args[++i];
    } else if (a == "--cert" && has_value) {
      o.tls.client_cert = args[++i];
    } else if (a == "--key" && has_value) {
      o.tls.client_key = args[++i];
    } else if (a == "--ca" && has_value) {
      o.tls.server_ca = args[++i];
    } else if (a == "--timeout-ms" && has_value) {
      const std::string& v = args[++i];
      long ms = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
      if (ec != std::errc{} || end != v.data() + v.size() || ms <= 0) return "--timeout-ms needs milliseconds";
      o.timeout = std::chrono::milliseconds(ms);
    } else if (!a.starts_with("--") && o.file.empty()) {
      o.file = a;
    } else {
      return "unexpected argument \"" + a + "\"";
    }
  }
  if (o.file.empty()) return "send-v2 needs a FILE";
  return {};
}

// Segments one a line for a terminal.
std::string printable(std::string text) {
  for (char& c : text) {
    if (c == '\r') c = '\n';
  }
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace

int run_send_v2_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  send_v2_options o;
  if (const std::string problem = parse(args, o); !problem.empty()) {
    err << "gatewayctl send-v2: " << problem << "\n" << usage;
    return 2;
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    err << "gatewayctl send-v2: cannot read " << o.file << "\n";
    return 2;
  }
  std::ostringstream content;
  content << in.rdbuf();
  const std::string message = content.str();
  if (message.size() > max_file_bytes) {
    err << "gatewayctl send-v2: " << o.file << " is larger than " << max_file_bytes << " bytes\n";
    return 2;
  }
  auto endpoint = net::parse_mllp_url(o.to);
  if (auto* e = std::get_if<std::string>(&endpoint)) {
    err << "gatewayctl send-v2: --to " << *e << "\n";
    return 2;
  }
  std::get<net::mllp_endpoint>(endpoint).tls_files = o.tls;

  boost::asio::io_context io;
  net::mllp_client_options options;
  options.connect_timeout = std::min(o.timeout, std::chrono::milliseconds(10'000));
  options.answer_timeout = o.timeout;
  auto client = net::mllp_client::create(io.get_executor(), std::get<net::mllp_endpoint>(std::move(endpoint)), options);
  if (auto* e = std::get_if<std::string>(&client)) {
    err << "gatewayctl send-v2: " << *e << "\n";
    return 2;
  }
  const net::mllp_answer_check any_frame = [](std::string_view) { return true; };
  auto future = boost::asio::co_spawn(
      io, std::get<std::shared_ptr<net::mllp_client>>(client)->exchange(message, any_frame), boost::asio::use_future);
  io.run();
  const net::mllp_exchange_result result = future.get();
  if (const auto* f = std::get_if<net::mllp_failure>(&result)) {
    err << "gatewayctl send-v2: no answer: " << net::to_string(f->what) << ": " << f->detail << "\n";
    return 3;
  }
  const std::string& answer = std::get<std::string>(result);
  out << printable(answer);
  const auto ack = hl7v2::read_ack(answer);
  if (!ack) {
    err << "gatewayctl send-v2: " << ack.error() << "\n";
    return 1;
  }
  const std::string sent_id = hl7v2::header_from_text(message).control_id;
  if (ack->acknowledged_id != sent_id) {
    err << "gatewayctl send-v2: the ACK is for another message (MSA-2 " << ack->acknowledged_id << ", MSH-10 "
        << sent_id << ")\n";
    return 1;
  }
  const bool accepted = ack->code == hl7v2::ack_code::aa || ack->code == hl7v2::ack_code::ca;
  if (!accepted && !ack->error_text.empty())
    err << "gatewayctl send-v2: " << to_string(ack->code) << ": " << ack->error_text << "\n";
  return accepted ? 0 : 1;
}

}  // namespace rg::gatewayctl
