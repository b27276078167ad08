#include "tools/gatewayctl/outbox_command.hpp"

#include <rapidjson/document.h>

#include <cctype>
#include <cstdio>
#include <optional>

#include "tools/gatewayctl/fhir_client.hpp"
#include "tools/gatewayctl/ops_client.hpp"

namespace rg::gatewayctl {
namespace {

constexpr int exit_ok = 0, exit_failed = 1, exit_usage = 2;

const char* outbox_usage =
    "usage: gatewayctl outbox list [--state pending|dead|delivered] [--channel events|feedback] [--after SEQ]\n"
    "                              [--count N]\n"
    "       gatewayctl outbox show ID\n"
    "       gatewayctl outbox retry ID | retry --all-dead\n"
    "       gatewayctl outbox park ID\n"
    "options: --url https://HOST:PORT  the gateway's HTTPS listener (default https://localhost:8443); the outbox\n"
    "                                  routes are under /ops there, for client certificates of role operator or\n"
    "                                  platform\n"
    "         --as NAME                the client certificate client-NAME.crt/.key (default operator)\n"
    "         --certs DIR              where it and ca.crt are (default certs/dev)\n";

// Options common to every subcommand; the rest stay positional or subcommand options.
struct parsed_args {
  ops_endpoint ops;
  bool ops_given = false;
  https_target gateway{"localhost", "8443", ""};
  std::string as = "operator";
  std::string certs = "certs/dev";
  std::vector<std::string> words;                            // positional
  std::vector<std::pair<std::string, std::string>> options;  // --name value (value "" for flags)
};

bool is_flag(const std::string& name) {
  return name == "--all-dead";
}

std::optional<parsed_args> parse(const std::vector<std::string>& args, const char* who, std::ostream& err) {
  parsed_args p;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      if (is_flag(a)) {
        p.options.emplace_back(a, "");
        continue;
      }
      if (i + 1 == args.size()) {
        err << who << ": " << a << " needs a value\n";
        return std::nullopt;
      }
      const std::string value = args[++i];
      if (a == "--ops") {
        auto e = parse_ops_url(value);
        if (auto* why = std::get_if<std::string>(&e)) {
          err << who << ": " << *why << "\n";
          return std::nullopt;
        }
        p.ops = std::get<ops_endpoint>(e);
        p.ops_given = true;
      } else if (a == "--url") {
        auto t = parse_https_url(value);
        if (auto* why = std::get_if<std::string>(&t)) {
          err << who << ": " << *why << "\n";
          return std::nullopt;
        }
        p.gateway = std::get<https_target>(t);
      } else if (a == "--as") {
        p.as = value;
      } else if (a == "--certs") {
        p.certs = value;
      } else {
        p.options.emplace_back(a, value);
      }
    } else {
      p.words.push_back(a);
    }
  }
  return p;
}

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string text(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return {};
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  if (it->value.IsDouble()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", it->value.GetDouble());
    return buf;
  }
  return {};
}

// Sends one request to /ops`target` over mutual TLS and parses the JSON answer; prints the error
// and returns nullopt otherwise.
std::optional<rapidjson::Document> call(const parsed_args& p, const std::string& method, const std::string& target,
                                        const char* who, std::ostream& err) {
  const tls_identity identity{p.certs + "/ca.crt", p.certs + "/client-" + p.as + ".crt",
                              p.certs + "/client-" + p.as + ".key"};
  auto answer = https_call(p.gateway, method, "/ops" + target, identity, {}, {}, "application/json");
  if (auto* why = std::get_if<std::string>(&answer)) {
    err << who << ": " << *why << " (is the gateway running? --url names its HTTPS listener)\n";
    return std::nullopt;
  }
  const auto& a = std::get<https_answer>(answer);
  rapidjson::Document doc;
  doc.Parse(a.body.c_str(), a.body.size());
  if (a.status < 200 || a.status > 299) {
    const std::string message = !doc.HasParseError() ? text(doc, "error") : std::string();
    err << who << ": HTTP " << a.status << ": " << (message.empty() ? a.body : message) << "\n";
    return std::nullopt;
  }
  if (doc.HasParseError()) {
    err << who << ": the answer is not JSON\n";
    return std::nullopt;
  }
  return doc;
}

std::string option(const parsed_args& p, const std::string& name) {
  for (const auto& [n, v] : p.options) {
    if (n == name) return v;
  }
  return {};
}

bool has_option(const parsed_args& p, const std::string& name) {
  for (const auto& [n, v] : p.options) {
    if (n == name) return true;
  }
  return false;
}

bool only_options(const parsed_args& p, std::initializer_list<const char*> allowed, std::ostream& err) {
  for (const auto& [n, v] : p.options) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || n == a;
    if (!ok) {
      err << "gatewayctl outbox: unknown option " << n << "\n" << outbox_usage;
      return false;
    }
  }
  return true;
}

void print_item_line(const rapidjson::Value& e, std::ostream& out) {
  out << text(e, "seq") << "  " << text(e, "id") << "  " << text(e, "state") << "  " << text(e, "channel") << " -> "
      << text(e, "destination") << "  attempts " << text(e, "attempts");
  if (text(e, "state") == "pending" && !text(e, "next_attempt_at").empty())
    out << "  next " << text(e, "next_attempt_at");
  const std::string error = text(e, "last_error");
  if (!error.empty()) out << "  last error: " << error;
  out << "\n";
}

int list(const parsed_args& p, std::ostream& out, std::ostream& err) {
  if (!only_options(p, {"--state", "--channel", "--after", "--count"}, err)) return exit_usage;
  std::string target = "/outbox?";
  for (const char* name : {"state", "channel", "after", "count"}) {
    const std::string v = option(p, std::string("--") + name);
    if (!v.empty()) target += std::string(name) + "=" + percent_encode(v) + "&";
  }
  target.pop_back();
  auto doc = call(p, "GET", target, "gatewayctl outbox list", err);
  if (!doc) return exit_failed;
  const auto& items = (*doc)["items"];
  if (!items.IsArray()) return exit_failed;
  for (const auto& e : items.GetArray()) print_item_line(e, out);
  out << items.Size() << (items.Size() == 1 ? " item" : " items");
  const std::string next = text(*doc, "next_after");
  if (!next.empty()) out << " (more: add --after " << next << ")";
  out << "\n";
  return exit_ok;
}

int show(const parsed_args& p, std::ostream& out, std::ostream& err) {
  if (!only_options(p, {}, err)) return exit_usage;
  auto doc = call(p, "GET", "/outbox/" + percent_encode(p.words[1]), "gatewayctl outbox show", err);
  if (!doc) return exit_failed;
  for (const char* name : {"id", "seq", "state", "channel", "destination", "ordering_key", "attempts", "created_at",
                           "next_attempt_at", "leased_until", "delivered_at", "last_error", "content_type"}) {
    const std::string v = text(*doc, name);
    if (!v.empty()) out << name << ": " << v << "\n";
  }
  // The payload may name a patient: only its size here; GET /ops/outbox/{id} has it (audited).
  out << "payload: " << text(*doc, "payload").size() << " bytes\n";
  return exit_ok;
}

int change(const parsed_args& p, const std::string& verb, std::ostream& out, std::ostream& err) {
  if (verb == "retry" && has_option(p, "--all-dead")) {
    if (!only_options(p, {"--all-dead"}, err) || p.words.size() != 1) {
      err << outbox_usage;
      return exit_usage;
    }
    auto doc = call(p, "POST", "/outbox/retry-dead", "gatewayctl outbox retry", err);
    if (!doc) return exit_failed;
    out << "requeued " << text(*doc, "requeued") << " dead items\n";
    return exit_ok;
  }
  if (!only_options(p, {}, err)) return exit_usage;
  if (p.words.size() != 2) {
    err << outbox_usage;
    return exit_usage;
  }
  auto doc = call(p, "POST", "/outbox/" + percent_encode(p.words[1]) + "/" + verb,
                  verb == "retry" ? "gatewayctl outbox retry" : "gatewayctl outbox park", err);
  if (!doc) return exit_failed;
  out << text(*doc, "id") << ": " << (verb == "retry" ? "requeued, due now" : "parked (dead)") << "\n";
  return exit_ok;
}

}  // namespace

int run_outbox_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto p = parse(args, "gatewayctl outbox", err);
  if (!p) return exit_usage;
  if (p->ops_given) {
    err << "gatewayctl outbox: --ops is gone: the outbox routes are on the HTTPS listener (--url), for an operator's "
           "certificate (--as)\n"
        << outbox_usage;
    return exit_usage;
  }
  const std::string sub = p->words.empty() ? std::string() : p->words[0];
  if (sub == "list" && p->words.size() == 1) return list(*p, out, err);
  if (sub == "show" && p->words.size() == 2) return show(*p, out, err);
  if (sub == "retry" || sub == "park") return change(*p, sub, out, err);
  err << outbox_usage;
  return exit_usage;
}

int run_status_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto p = parse(args, "gatewayctl status", err);
  if (!p) return exit_usage;
  if (!p->words.empty() || !p->options.empty()) {
    err << "usage: gatewayctl status [--ops http://HOST:PORT] [--url https://HOST:PORT] [--as NAME] [--certs DIR]\n";
    return exit_usage;
  }
  auto ready = ops_request(p->ops, "GET", "/readyz");
  if (auto* why = std::get_if<std::string>(&ready)) {
    err << "gatewayctl status: " << *why << "\n";
    out << "gateway: unreachable\n";
    return exit_failed;
  }
  const auto& r = std::get<ops_answer>(ready);
  std::string body = r.body;
  while (!body.empty() && body.back() == '\n') body.pop_back();
  out << "gateway: " << (r.status == 200 ? "ready" : "not ready: " + body) << "\n";
  auto stats = call(*p, "GET", "/outbox/stats", "gatewayctl status", err);
  if (stats) {
    out << "outbox: " << text(*stats, "pending") << " pending, " << text(*stats, "dead") << " dead";
    const std::string age = text(*stats, "oldest_pending_age_seconds");
    if (!age.empty()) out << ", oldest pending " << age << " s";
    out << "\n";
  }
  return r.status == 200 && stats ? exit_ok : exit_failed;
}

}  // namespace rg::gatewayctl
