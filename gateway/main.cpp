// referral-gateway: wiring from configuration, nothing else.
#include <boost/asio/ssl/context.hpp>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "gateway/api/caller_registry.hpp"
#include "gateway/api/fhir_api.hpp"
#include "gateway/api/metadata_route.hpp"
#include "gateway/api/ops_api.hpp"
#include "gateway/api/ops_gate.hpp"
#include "gateway/api/ops_page_routes.hpp"
#include "gateway/application.hpp"
#include "gateway/config/config_loader.hpp"
#include "gateway/hl7v2_listener.hpp"
#include "gateway/net/server.hpp"
#include "gateway/net/tls_context.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace {

constexpr int exit_config = 2;

void usage(std::FILE* out) {
  std::fputs(
      "usage: referral-gateway [--config FILE] [--set key.path=value ...]\n"
      "  --config FILE   JSON configuration (default: the embedded config/gateway.json)\n"
      "  --set K=V       override one key of the configuration, e.g. --set listen.port=0\n"
      "Once listening, prints {\"event\":\"listening\",\"https\":PORT,\"ops_page\":URL,\"ops\":PORT[,\"mllp\":PORT]}\n"
      "on stdout.\n",
      out);
}

// The operations page's address on the mutual-TLS listener: a wildcard listen address is
// reached as localhost (the name the development server certificate carries).
std::string ops_page_url(const std::string& address, std::uint16_t port) {
  std::string host = address == "0.0.0.0" || address == "::" ? std::string("localhost") : address;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "https://" + host + ":" + std::to_string(port) + std::string(gateway::api::ops_prefix) +
         gateway::api::ops_page_path;
}

std::string now_fhir_datetime() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* tls_key_name(gateway::net::tls_setup_error::part part) {
  using part_t = gateway::net::tls_setup_error::part;
  switch (part) {
    case part_t::cert:
      return "listen.tls.cert";
    case part_t::key:
      return "listen.tls.key";
    case part_t::client_ca:
      return "listen.tls.client_ca";
    case part_t::crl:
      return "revocation.crl_files";
    case part_t::other:
      break;
  }
  return "listen.tls";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gateway;
  std::string config_file;
  std::vector<config::override_setting> overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return 0;
    }
    if ((arg == "--config" || arg == "--set") && i + 1 >= argc) {
      std::fprintf(stderr, "referral-gateway: %s needs a value\n", arg.c_str());
      usage(stderr);
      return exit_config;
    }
    if (arg == "--config") {
      config_file = argv[++i];
    } else if (arg == "--set") {
      auto setting = config::parse_override(argv[++i]);
      if (!setting) {
        std::fprintf(stderr, "referral-gateway: --set %s: expected key.path=value\n", argv[i]);
        return exit_config;
      }
      overrides.push_back(std::move(*setting));
    } else {
      std::fprintf(stderr, "referral-gateway: unknown argument %s\n", arg.c_str());
      usage(stderr);
      return exit_config;
    }
  }

  auto loaded = config::load_config(config_file, overrides);
  if (auto* errors = std::get_if<config::config_errors>(&loaded)) {
    for (const auto& e : *errors) std::fprintf(stderr, "referral-gateway: configuration: %s\n", e.to_string().c_str());
    return exit_config;
  }
  const auto cfg = std::get<std::shared_ptr<const config::gateway_config>>(loaded);
  telemetry::set_min_level(cfg->log_level);

  const net::server_tls_files tls_files{cfg->listen.tls.cert,
                                        cfg->listen.tls.key,
                                        cfg->listen.tls.client_ca,
                                        cfg->listen.tls.client_auth == config::client_auth_mode::require,
                                        cfg->listen.tls.min_version == config::tls_version::tls1_3,
                                        cfg->revocation.crl_files};
  auto tls = net::make_server_tls_context(tls_files);
  if (auto* e = std::get_if<net::tls_setup_error>(&tls)) {
    std::fprintf(stderr, "referral-gateway: configuration: %s: %s\n", tls_key_name(e->what), e->message.c_str());
    return exit_config;
  }
  const auto tls_slot =
      std::make_shared<net::tls_context_slot>(std::get<std::shared_ptr<boost::asio::ssl::context>>(std::move(tls)));
  if (cfg->revocation.crl_files.empty()) {
    telemetry::warn("revocation.crl_files is empty: revoked client and receiver certificates are not refused");
  }

  telemetry::metrics metrics;
  net::server_options options;
  options.io_threads = cfg->runtime.io_threads;
  options.max_connections = cfg->limits.max_connections;
  options.shutdown_grace = cfg->runtime.shutdown_grace;
  options.limits = {cfg->limits.header_bytes,     cfg->limits.body_bytes,   cfg->limits.header_timeout,
                    cfg->limits.body_timeout,     cfg->limits.idle_timeout, cfg->limits.write_timeout,
                    cfg->limits.handshake_timeout};
  net::server server(options, metrics);
  // SIGHUP: the listener's certificate, key, CA and CRLs are read again; connections keep going.
  server.on_reload([&tls_files, &tls_slot, &metrics] {
    auto next = net::make_server_tls_context(tls_files);
    if (auto* e = std::get_if<net::tls_setup_error>(&next)) {
      metrics.tls_reloaded(false);
      telemetry::error("reload: the listener keeps its TLS context",
                       {{"key", tls_key_name(e->what)}, {"error", e->message}});
      return;
    }
    tls_slot->replace(std::get<std::shared_ptr<boost::asio::ssl::context>>(std::move(next)));
    metrics.tls_reloaded(true);
    telemetry::info("reload: the listener's TLS context (certificates and CRLs) replaced");
  });

  api::route_table routes;
  api::ops_route_table ops_routes;
  api::ops_api ops(metrics, cfg->ops.address);
  application app(*cfg, routes, ops_routes, ops, metrics);
  if (const std::string problem = app.start(server); !problem.empty()) {
    std::fprintf(stderr, "referral-gateway: %s\n", problem.c_str());
    return 1;
  }
  api::server_description description;
  description.software_version = RG_VERSION;
  description.date = now_fhir_datetime();
  api::register_metadata_route(routes, description);
  const api::caller_registry callers(cfg->callers);
  api::fhir_api fhir(cfg->listen.base_path, routes, ops_routes, callers, app.use_case_context(), metrics);

  const auto https_port = server.add_listener({"https", cfg->listen.address, cfg->listen.port, tls_slot, &fhir});
  if (auto* e = std::get_if<std::string>(&https_port)) {
    std::fprintf(stderr, "referral-gateway: listen: %s\n", e->c_str());
    return 1;
  }
  std::string listening = "{\"event\":\"listening\",\"https\":" + std::to_string(std::get<std::uint16_t>(https_port));
  listening += ",\"ops_page\":\"" + ops_page_url(cfg->listen.address, std::get<std::uint16_t>(https_port)) + "\"";
  if (cfg->ops.enabled) {
    const auto ops_port = server.add_listener({"ops", cfg->ops.address, cfg->ops.port, nullptr, &ops});
    if (auto* e = std::get_if<std::string>(&ops_port)) {
      std::fprintf(stderr, "referral-gateway: ops: %s\n", e->c_str());
      return 1;
    }
    listening += ",\"ops\":" + std::to_string(std::get<std::uint16_t>(ops_port));
  }
  std::unique_ptr<hl7v2_listener> v2;  // the HL7 v2 front door (mllp.*), on the same use cases
  if (cfg->mllp.enabled) {
    const std::string base_url = "https://" + cfg->listen.address + ":" +
                                 std::to_string(std::get<std::uint16_t>(https_port)) + cfg->listen.base_path;
    v2 = std::make_unique<hl7v2_listener>(*cfg, app.services(), callers, server.io().get_executor(), base_url);
    const auto mllp_port = v2->listen(server, tls_slot);
    if (auto* e = std::get_if<std::string>(&mllp_port)) {
      std::fprintf(stderr, "referral-gateway: mllp: %s\n", e->c_str());
      return 1;
    }
    listening += ",\"mllp\":" + std::to_string(std::get<std::uint16_t>(mllp_port));
  }
  listening += "}\n";
  std::fputs(listening.c_str(), stdout);
  std::fflush(stdout);
  telemetry::info("listening", {{"https_address", cfg->listen.address}, {"base_path", cfg->listen.base_path}});

  server.run();
  app.stop();
  telemetry::info("stopped");
  return 0;
}
