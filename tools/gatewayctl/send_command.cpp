#include "tools/gatewayctl/send_command.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>

#include "fhir/json_view.hpp"
#include "tools/gatewayctl/fhir_client.hpp"

namespace rg::gatewayctl {
namespace {

constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;
constexpr std::size_t max_file_bytes = 16 * 1024 * 1024;

const char* send_usage =
    "usage: gatewayctl send FILE [--as NAME] [--certs DIR] [--url URL]\n"
    "  posts a ServiceRequest (to URL/ServiceRequest) or a transaction or batch Bundle (to URL)\n"
    "  as the development caller NAME (default practice-a) and prints the answer\n"
    "  --certs DIR   where client-NAME.crt/.key and ca.crt are (default certs/dev)\n"
    "  --url URL     the FHIR base (default https://localhost:8443/fhir)\n";

struct send_args {
  std::string file;
  std::string as = "practice-a";
  std::string certs = "certs/dev";
  std::string url = "https://localhost:8443/fhir";
};

std::optional<send_args> parse_args(const std::vector<std::string>& args, std::ostream& err) {
  send_args parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--as" || a == "--certs" || a == "--url") {
      if (i + 1 == args.size()) {
        err << "gatewayctl send: " << a << " needs a value\n" << send_usage;
        return std::nullopt;
      }
      (a == "--as" ? parsed.as : a == "--certs" ? parsed.certs : parsed.url) = args[++i];
    } else if (a.size() > 1 && a[0] == '-') {
      err << "gatewayctl send: unknown option " << a << "\n" << send_usage;
      return std::nullopt;
    } else if (parsed.file.empty()) {
      parsed.file = a;
    } else {
      err << "gatewayctl send: one FILE at a time\n" << send_usage;
      return std::nullopt;
    }
  }
  if (parsed.file.empty()) {
    err << send_usage;
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  text.resize(max_file_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

int run_send_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const auto parsed = parse_args(args, err);
  if (!parsed) return exit_usage;
  const auto target = parse_https_url(parsed->url);
  if (const auto* why = std::get_if<std::string>(&target)) {
    err << "gatewayctl send: " << *why << "\n";
    return exit_usage;
  }
  const auto body = read_file(parsed->file);
  if (!body) {
    err << "gatewayctl send: " << parsed->file << ": cannot read the file\n";
    return exit_usage;
  }
  if (body->size() > max_file_bytes) {
    err << "gatewayctl send: " << parsed->file << ": larger than 16 MiB\n";
    return exit_usage;
  }
  // Where it goes depends on what it is; the gateway judges everything else.
  rapidjson::Document doc;
  doc.Parse(body->data(), body->size());
  const std::string_view type =
      doc.HasParseError() ? std::string_view() : fhir::json::string_member(doc, "resourceType");
  if (type != "ServiceRequest" && type != "Bundle") {
    err << "gatewayctl send: " << parsed->file << ": expected a ServiceRequest or a Bundle (FHIR JSON)\n";
    return exit_usage;
  }
  const tls_identity identity{parsed->certs + "/ca.crt", parsed->certs + "/client-" + parsed->as + ".crt",
                              parsed->certs + "/client-" + parsed->as + ".key"};
  const auto answer =
      post_fhir(std::get<https_target>(target), type == "Bundle" ? "/" : "/ServiceRequest", identity, *body);
  if (const auto* why = std::get_if<std::string>(&answer)) {
    err << "gatewayctl send: " << *why << " (is the gateway running? --url names its FHIR base)\n";
    return exit_failed;
  }
  const auto& a = std::get<https_answer>(answer);
  out << a.status << " " << a.reason << "\n";
  for (const auto& [name, value] : a.headers) {
    if (name == "Location" || name == "ETag") out << name << ": " << value << "\n";
  }
  out << a.body << "\n";
  return a.status >= 200 && a.status <= 299 ? exit_ok : exit_failed;
}

}  // namespace rg::gatewayctl
