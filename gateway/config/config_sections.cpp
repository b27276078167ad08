#include "gateway/config/config_sections.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "gateway/config/json_object_reader.hpp"

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

void read_referrers(json_object_reader& root, std::vector<referrer_settings>& referrers) {
  const auto* array = root.array("referrers");
  if (array == nullptr) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
    json_object_reader r(&(*array)[i], "referrers[" + std::to_string(i) + "]", root.errors());
    referrer_settings ref;
    r.read("organization", ref.organization, true);
    r.read("name", ref.name);
    r.read_choice("delivery", ref.delivery,
                  {{"fhir-message", delivery_mode::fhir_message}, {"none", delivery_mode::none}});
    r.read("endpoint", ref.endpoint);
    r.read("server_ca", ref.server_ca);
    r.read_choice("service_request", ref.service_request,
                  {{"reference", service_request_form::reference}, {"resource", service_request_form::resource}});
    r.finish();
    if (ref.delivery == delivery_mode::fhir_message && ref.endpoint.rfind("https://", 0) != 0) {
      r.errors().push_back({r.path_of("endpoint"), "must be an https:// URL when delivery is \"fhir-message\""});
    }
    referrers.push_back(std::move(ref));
  }
}

void read_triage(json_object_reader r, triage_settings& t) {
  r.read("rules", t.rules);
  r.read("urgent_accept_ms", t.urgent_accept);
  r.read("overdue_check_ms", t.overdue_check);
  r.finish();
  if (t.urgent_accept.count() < 0) r.errors().push_back({r.path_of("urgent_accept_ms"), "must not be negative"});
  if (t.overdue_check.count() < 1000) r.errors().push_back({r.path_of("overdue_check_ms"), "must be at least 1000"});
}

// "CN=practice-a,OU=A81001,O=Example" -> {{"CN","practice-a"},{"OU","A81001"},{"O","Example"}}.
// A backslash escapes the next character (RFC 4514 style), so values may contain commas.
bool parse_subject(const std::string& text, std::vector<std::pair<std::string, std::string>>& out) {
  std::string part;
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      part += text[++i];
    } else if (text[i] == ',') {
      parts.push_back(part);
      part.clear();
    } else {
      part += text[i];
    }
  }
  parts.push_back(part);
  for (auto& p : parts) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    auto trim = [](std::string s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
      return s;
    };
    out.emplace_back(trim(p.substr(0, eq)), trim(p.substr(eq + 1)));
    if (out.back().first.empty() || out.back().second.empty()) return false;
  }
  return !out.empty();
}

void read_callers(json_object_reader& root, std::vector<caller>& callers) {
  const auto* array = root.array("callers");
  if (array == nullptr) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
    const std::string path = "callers[" + std::to_string(i) + "]";
    json_object_reader r(&(*array)[i], path, root.errors());
    caller c;
    r.read("name", c.name, true);
    std::string subject;
    r.read("subject", subject);
    r.read("sha256", c.sha256);
    const bool role_given = r.has("role");
    r.read_choice("role", c.role, {{"referrer", caller_role::referrer}, {"platform", caller_role::platform}});
    r.read("organization", c.organization, true);
    r.finish();
    if (!role_given) r.errors().push_back({r.path_of("role"), "missing"});
    if (subject.empty() == c.sha256.empty()) {
      r.errors().push_back({path, "give exactly one of \"subject\" and \"sha256\""});
    }
    if (!subject.empty() && !parse_subject(subject, c.subject)) {
      r.errors().push_back({r.path_of("subject"), "must look like \"CN=name,OU=org\""});
    }
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
    callers.push_back(std::move(c));
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

}  // namespace

void read_gateway_config(const rapidjson::Value& root_value, gateway_config& out, config_errors& errors) {
  json_object_reader root(&root_value, "", errors);
  read_listen(root.object("listen"), out.listen);
  read_ops(root.object("ops"), out.ops);
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
  read_callers(root, out.callers);
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
  if (config.ops.enabled && config.ops.port != 0 && config.ops.port == config.listen.port &&
      config.ops.address == config.listen.address) {
    errors.push_back({"ops.port", "must differ from listen.port"});
  }
}

}  // namespace gateway::config
