#include "gateway/config/config_sections.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "gateway/config/json_object_reader.hpp"
#include "gateway/config/mllp_section.hpp"

namespace gateway::config {
namespace {

void read_tls(json_object_reader r, tls_settings& tls) {
  r.read("cert", tls.cert, true);
  r.read("key", tls.key, true);
  r.read("client_ca", tls.client_ca, true);
  r.read_choice("client_auth", tls.client_auth,
                {{"require", client_auth_mode::require}, {"optional", client_auth_mode::optional}});
  r.read_choice("min_version", tls.min_version, {{"1.2", tls_version::tls1_2}, {"1.3", tls_version::tls1_3}});
  r.finish();
}

void read_listen(json_object_reader r, https_listener& listen) {
  r.read("address", listen.address);
  r.read("port", listen.port);
  r.read("base_path", listen.base_path);
  read_tls(r.object("tls"), listen.tls);
  r.finish();
  if (listen.base_path.empty() || listen.base_path.front() != '/' ||
      (listen.base_path.size() > 1 && listen.base_path.back() == '/')) {
    r.errors().push_back({r.path_of("base_path"), "must start with '/' and not end with '/'"});
  }
}

void read_ops(json_object_reader r, ops_listener& ops) {
  r.read("enabled", ops.enabled);
  r.read("address", ops.address);
  r.read("port", ops.port);
  r.finish();
}

void read_limits(json_object_reader r, limits_settings& l) {
  r.read("header_bytes", l.header_bytes, 1024);
  r.read("body_bytes", l.body_bytes, 1024);
  r.read("header_timeout_ms", l.header_timeout);
  r.read("body_timeout_ms", l.body_timeout);
  r.read("idle_timeout_ms", l.idle_timeout);
  r.read("write_timeout_ms", l.write_timeout);
  r.read("handshake_timeout_ms", l.handshake_timeout);
  r.read("max_connections", l.max_connections, 1);
  r.finish();
}

void read_runtime(json_object_reader r, runtime_settings& rt) {
  r.read("io_threads", rt.io_threads);
  r.read("shutdown_grace_ms", rt.shutdown_grace);
  r.finish();
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "gateway";
  return name;
}

void read_storage(json_object_reader r, storage_settings& s) {
  r.read_choice("engine", s.engine, {{"sqlite", storage_engine::sqlite}, {"postgres", storage_engine::postgres}});
  r.read("path", s.path);
  if (s.path.empty()) r.errors().push_back({r.path_of("path"), "must not be empty"});
  r.read("dsn", s.dsn);
  if (s.engine == storage_engine::postgres && s.dsn.empty())
    r.errors().push_back({r.path_of("dsn"), "required when engine is \"postgres\" (a libpq connection string)"});
  r.read("instance", s.instance);
  if (s.instance.empty()) s.instance = host_name();
  r.read("read_connections", s.read_connections);
  if (s.read_connections == 0) r.errors().push_back({r.path_of("read_connections"), "must be at least 1"});
  r.read("max_batch", s.max_batch, 1);
  r.read("max_queue", s.max_queue, 1);
  r.read("busy_timeout_ms", s.busy_timeout);
  r.finish();
}

void read_platform(json_object_reader r, platform_settings& p) {
  r.read("organization", p.organization, true);
  r.read("event_source", p.event_source, true);
  r.read("events_jsonl", p.events_jsonl, true);
  r.read("webhook", p.webhook);
  r.read("events_rotate_bytes", p.events_rotate_bytes, 4096);
  r.finish();
  if (!p.webhook.empty() && p.webhook.rfind("https://", 0) != 0) {
    r.errors().push_back({r.path_of("webhook"), "must be an https:// URL (or empty)"});
  }
}

void read_delivery(json_object_reader r, delivery_settings& d) {
  r.read("client_cert", d.client_cert);
  r.read("client_key", d.client_key);
  r.read("server_ca", d.server_ca);
  r.read("connect_timeout_ms", d.connect_timeout);
  r.read("request_timeout_ms", d.request_timeout);
  r.read("max_per_destination", d.max_per_destination);
  if (d.max_per_destination == 0) r.errors().push_back({r.path_of("max_per_destination"), "must be at least 1"});
  r.read("retry_base_ms", d.retry_base);
  r.read("retry_cap_ms", d.retry_cap);
  r.read("max_attempts", d.max_attempts);
  if (d.max_attempts == 0) r.errors().push_back({r.path_of("max_attempts"), "must be at least 1"});
  r.read("max_age_ms", d.max_age);
  unsigned lease_ms = static_cast<unsigned>(d.lease.count());  // 0 allowed: derived from the timeouts
  r.read("lease_ms", lease_ms);
  d.lease = std::chrono::milliseconds(lease_ms);
  if (d.lease.count() > 0 && d.lease < d.connect_timeout + d.request_timeout)
    r.errors().push_back(
        {r.path_of("lease_ms"), "must be at least connect_timeout_ms + request_timeout_ms (one attempt)"});
  r.finish();
}

// An array of non-empty strings at `key`; each problem recorded with its index.
void read_strings(json_object_reader& r, std::string_view key, std::vector<std::string>& out, std::string_view what) {
  const auto* array = r.array(key);
  if (array == nullptr) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
    const auto& v = (*array)[i];
    if (!v.IsString() || v.GetStringLength() == 0)
      r.errors().push_back({r.path_of(key) + "[" + std::to_string(i) + "]", "must be " + std::string(what)});
    else
      out.emplace_back(v.GetString(), v.GetStringLength());
  }
}

// "system|value" with both parts, as BaRS writes a target identifier in text.
bool is_target_identifier_text(std::string_view text) {
  const auto bar = text.find('|');
  return bar != std::string_view::npos && bar > 0 && bar + 1 < text.size() &&
         text.find('|', bar + 1) == std::string_view::npos;
}

void read_referrer_bars(json_object_reader r, referrer_bars_settings& out) {
  read_strings(r, "allowed_source_endpoints", out.allowed_source_endpoints,
               "an https:// URL or a \"system|value\" target identifier");
  for (std::size_t i = 0; i < out.allowed_source_endpoints.size(); ++i) {
    const auto& e = out.allowed_source_endpoints[i];
    if (e.rfind("https://", 0) != 0 && !is_target_identifier_text(e))
      r.errors().push_back({r.path_of("allowed_source_endpoints") + "[" + std::to_string(i) + "]",
                            "must be an https:// URL or a \"system|value\" target identifier"});
  }
  r.read("target_identifier", out.target_identifier);
  if (!out.target_identifier.empty() && !is_target_identifier_text(out.target_identifier))
    r.errors().push_back({r.path_of("target_identifier"), "must be \"system|value\""});
  r.finish();
}

void read_bars(json_object_reader r, bars_settings& out) {
  read_strings(r, "service_identifiers", out.service_identifiers, "a \"system|value\" service identifier");
  for (std::size_t i = 0; i < out.service_identifiers.size(); ++i)
    if (!is_target_identifier_text(out.service_identifiers[i]))
      r.errors().push_back({r.path_of("service_identifiers") + "[" + std::to_string(i) + "]",
                            "must be \"system|value\" (e.g. https://fhir.nhs.uk/Id/dos-service-id|2000072489)"});
  r.finish();
}

void read_referrers(json_object_reader& root, std::vector<referrer_settings>& referrers) {
  const auto* array = root.array("referrers");
  if (array == nullptr) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
    json_object_reader r(&(*array)[i], "referrers[" + std::to_string(i) + "]", root.errors());
    referrer_settings ref;
    r.read("organization", ref.organization, true);
    r.read("name", ref.name);
    r.read_choice("delivery", ref.delivery,
                  {{"fhir-message", delivery_mode::fhir_message},
                   {"bars", delivery_mode::bars},
                   {"hl7v2", delivery_mode::hl7v2},
                   {"none", delivery_mode::none}});
    r.read("endpoint", ref.endpoint);
    r.read("server_ca", ref.server_ca);
    r.read_choice("service_request", ref.service_request,
                  {{"reference", service_request_form::reference}, {"resource", service_request_form::resource}});
    read_referrer_bars(r.object("bars"), ref.bars);
    r.finish();
    const bool over_https = ref.delivery == delivery_mode::fhir_message || ref.delivery == delivery_mode::bars;
    if (over_https && ref.endpoint.rfind("https://", 0) != 0) {
      r.errors().push_back({r.path_of("endpoint"), "must be an https:// URL when delivery is \"" +
                                                       std::string(to_string(ref.delivery)) + "\""});
    }
    if (ref.delivery == delivery_mode::hl7v2 && ref.endpoint.rfind("mllp://", 0) != 0 &&
        ref.endpoint.rfind("mllps://", 0) != 0) {
      r.errors().push_back({r.path_of("endpoint"), "must be an mllp:// or mllps:// URL when delivery is \"hl7v2\""});
    }
    referrers.push_back(std::move(ref));
  }
}

void read_triage(json_object_reader r, triage_settings& t) {
  r.read("rules", t.rules);
  r.read("urgent_accept_ms", t.urgent_accept);
  r.read("overdue_check_ms", t.overdue_check);
  r.finish();
  if (t.overdue_check.count() < 1000) r.errors().push_back({r.path_of("overdue_check_ms"), "must be at least 1000"});
}

// A distinguished name at `key` (absent or empty: nullopt); a malformed one is recorded.
std::optional<distinguished_name> read_dn(json_object_reader& r, std::string_view key) {
  std::string text;
  r.read(key, text);
  if (text.empty()) return std::nullopt;
  auto parsed = parse_distinguished_name(text);
  if (auto* e = std::get_if<std::string>(&parsed)) {
    r.errors().push_back({r.path_of(key), *e + R"( (RFC 4514, e.g. "CN=practice-a,OU=A81001,O=Example"))"});
    return std::nullopt;
  }
  return std::get<distinguished_name>(std::move(parsed));
}

void read_callers(json_object_reader& root, std::vector<caller>& callers) {
  const auto* array = root.array("callers");
  if (array == nullptr) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
    const std::string path = "callers[" + std::to_string(i) + "]";
    json_object_reader r(&(*array)[i], path, root.errors());
    caller c;
    r.read("name", c.name, true);
    c.subject = read_dn(r, "subject");
    c.issuer = read_dn(r, "issuer");
    r.read("sha256", c.sha256);
    const bool role_given = r.has("role");
    r.read_choice("role", c.role,
                  {{"referrer", caller_role::referrer},
                   {"platform", caller_role::platform},
                   {"operator", caller_role::operator_}});
    r.read("organization", c.organization, true);
    r.finish();
    if (!role_given) r.errors().push_back({r.path_of("role"), "missing"});
    if (!c.sha256.empty()) {
      std::string hex;
      for (const char ch : c.sha256) {
        if (ch == ':') continue;
        hex += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      }
      if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
        r.errors().push_back({r.path_of("sha256"), "must be 64 hex digits (SHA-256 of the DER certificate)"});
      }
      c.sha256 = hex;
    }
    if (c.subject.has_value() != c.issuer.has_value()) {
      r.errors().push_back({r.path_of(c.subject ? "issuer" : "subject"),
                            "missing (a caller matched by name needs both its issuer and its subject)"});
    } else if (!c.subject && c.sha256.empty()) {
      r.errors().push_back({path, R"(give "issuer" and "subject" (distinguished names), or "sha256")"});
    }
    callers.push_back(std::move(c));
  }
}

// Refuses configurations in which one certificate could match two callers: the same issuer and
// subject twice (unless both pin different fingerprints), the same fingerprint twice, or a
// fingerprint without names beside any caller matched by names alone (the pinned certificate
// might carry those names).
void check_callers_distinct(const std::vector<caller>& callers, config_errors& errors) {
  const auto key = [](std::size_t i) { return "callers[" + std::to_string(i) + "]"; };
  const auto conflict = [&](std::size_t first, std::size_t second, const std::string& why) {
    errors.push_back({key(second), "could match the same client certificate as " + key(first) + " (\"" +
                                       callers[first].name + "\"): " + why});
  };
  std::map<std::pair<distinguished_name, distinguished_name>, std::size_t> by_names;  // first caller per name pair
  std::map<std::string, std::size_t> by_sha256;
  std::optional<std::size_t> names_only;   // first caller matched by names alone
  std::optional<std::size_t> sha256_only;  // first caller matched by fingerprint alone
  for (std::size_t i = 0; i < callers.size(); ++i) {
    const caller& c = callers[i];
    if (!c.sha256.empty()) {
      if (auto [it, fresh] = by_sha256.emplace(c.sha256, i); !fresh) conflict(it->second, i, "the same sha256");
    }
    if (c.subject && c.issuer) {
      auto [it, fresh] = by_names.emplace(std::pair{*c.issuer, *c.subject}, i);
      const caller& other = callers[it->second];
      if (!fresh && (c.sha256.empty() || other.sha256.empty()))
        conflict(it->second, i, "the same issuer and subject (\"" + to_string(*c.subject) + "\")");
      if (!fresh && c.sha256.empty()) it->second = i;  // later pinned callers conflict with this one
    }
    if (c.sha256.empty() && c.subject && !names_only) names_only = i;
    if (!c.sha256.empty() && !c.subject && !sha256_only) sha256_only = i;
  }
  if (names_only && sha256_only) {
    conflict(std::min(*names_only, *sha256_only), std::max(*names_only, *sha256_only),
             "the certificate pinned by sha256 might carry the other's issuer and subject; give the pinned caller "
             "its \"issuer\" and \"subject\" too");
  }
}

void read_revocation(json_object_reader r, revocation_settings& out) {
  if (const auto* files = r.array("crl_files")) {
    for (rapidjson::SizeType i = 0; i < files->Size(); ++i) {
      const auto& f = (*files)[i];
      const std::string at = r.path_of("crl_files") + "[" + std::to_string(i) + "]";
      if (!f.IsString() || f.GetStringLength() == 0)
        r.errors().push_back({at, "must be the path of a CRL file"});
      else
        out.crl_files.emplace_back(f.GetString(), f.GetStringLength());
    }
  }
  r.finish();
}

void read_retention(json_object_reader r, retention_settings& out) {
  r.read("outbox_delivered_days", out.outbox_delivered_days);
  r.read("audit_days", out.audit_days);
  r.read("purge_interval_ms", out.purge_interval);
  r.read("purge_batch", out.purge_batch, 1);
  r.finish();
  if (out.audit_days <= out.outbox_delivered_days) {
    r.errors().push_back({r.path_of("audit_days"), "must be longer than retention.outbox_delivered_days (" +
                                                       std::to_string(out.outbox_delivered_days) +
                                                       "): the audit trail outlives the messages it records"});
  }
}

void check_readable(const std::string& file, const std::string& path, config_errors& errors) {
  if (file.empty()) return;
  if (::access(file.c_str(), F_OK) != 0) {
    errors.push_back({path, "file not found (" + file + ")"});
  } else if (::access(file.c_str(), R_OK) != 0) {
    errors.push_back({path, "file not readable (" + file + ")"});
  }
}

// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or the name localhost.
bool is_loopback_address(const std::string& address) {
  if (address == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

}  // namespace

void read_gateway_config(const rapidjson::Value& root_value, gateway_config& out, config_errors& errors) {
  json_object_reader root(&root_value, "", errors);
  read_listen(root.object("listen"), out.listen);
  read_ops(root.object("ops"), out.ops);
  read_mllp(root.object("mllp"), out.mllp);
  read_limits(root.object("limits"), out.limits);
  read_runtime(root.object("runtime"), out.runtime);
  {
    auto log = root.object("log");
    log.read_choice("level", out.log_level,
                    {{"debug", telemetry::level::debug},
                     {"info", telemetry::level::info},
                     {"warn", telemetry::level::warn},
                     {"error", telemetry::level::error}});
    log.finish();
  }
  read_storage(root.object("storage"), out.storage);
  if (root_value.HasMember("platform"))
    read_platform(root.object("platform"), out.platform);
  else
    root.object("platform");
  read_triage(root.object("triage"), out.triage);
  read_delivery(root.object("delivery"), out.delivery);
  read_referrers(root, out.referrers);
  read_bars(root.object("bars"), out.bars);
  read_callers(root, out.callers);
  read_revocation(root.object("revocation"), out.revocation);
  read_retention(root.object("retention"), out.retention);
  root.finish();
}

void check_gateway_config(const gateway_config& config, config_errors& errors) {
  check_readable(config.listen.tls.cert, "listen.tls.cert", errors);
  check_readable(config.listen.tls.key, "listen.tls.key", errors);
  check_readable(config.listen.tls.client_ca, "listen.tls.client_ca", errors);
  check_readable(config.triage.rules, "triage.rules", errors);
  const bool delivers = !config.platform.webhook.empty() ||
                        std::any_of(config.referrers.begin(), config.referrers.end(),
                                    [](const referrer_settings& r) { return r.delivery != delivery_mode::none; });
  if (delivers) {
    // Outbound deliveries need the gateway's client identity and a trust anchor.
    for (const auto& [file, key] : {std::pair{config.delivery.client_cert, "delivery.client_cert"},
                                    std::pair{config.delivery.client_key, "delivery.client_key"},
                                    std::pair{config.delivery.server_ca, "delivery.server_ca"}}) {
      if (file.empty())
        errors.push_back({key, "missing (needed by referrers with a delivery mode, or platform.webhook)"});
      else
        check_readable(file, key, errors);
    }
  }
  std::set<std::string> orgs;
  for (std::size_t i = 0; i < config.referrers.size(); ++i) {
    const auto& r = config.referrers[i];
    if (!orgs.insert(r.organization).second) {
      errors.push_back(
          {"referrers[" + std::to_string(i) + "].organization", "duplicate organisation \"" + r.organization + "\""});
    }
    check_readable(r.server_ca, "referrers[" + std::to_string(i) + "].server_ca", errors);
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < config.callers.size(); ++i) {
    if (!names.insert(config.callers[i].name).second) {
      errors.push_back(
          {"callers[" + std::to_string(i) + "].name", "duplicate caller name \"" + config.callers[i].name + "\""});
    }
  }
  check_callers_distinct(config.callers, errors);
  check_mllp(config, errors);
  for (std::size_t i = 0; i < config.revocation.crl_files.size(); ++i)
    check_readable(config.revocation.crl_files[i], "revocation.crl_files[" + std::to_string(i) + "]", errors);
  if (config.ops.enabled && config.ops.port != 0 && config.ops.port == config.listen.port &&
      config.ops.address == config.listen.address) {
    errors.push_back({"ops.port", "must differ from listen.port"});
  }
  // The ops listener is plain HTTP without authentication: loopback only (README, "Operations").
  if (config.ops.enabled && !is_loopback_address(config.ops.address)) {
    errors.push_back({"ops.address", "\"" + config.ops.address +
                                         "\" is not a loopback address; the operations listener has no TLS and no "
                                         "authentication, so it binds only to 127.0.0.0/8, ::1 or localhost"});
  }
}

}  // namespace gateway::config
