#include "gateway/net/https_client_types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace gateway::net {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool valid_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::variant<https_url, std::string> parse_https_url(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.size() < scheme.size() || !iequal(url.substr(0, scheme.size()), scheme)) {
    return std::string("not an https URL (must start with https://)");
  }
  std::string_view rest = url.substr(scheme.size());
  if (rest.find('#') != std::string_view::npos) return std::string("a URL fragment (#...) is not allowed");
  const std::size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  std::string_view target = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
  if (authority.find('@') != std::string_view::npos) return std::string("user information in a URL is not allowed");

  https_url out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::string("unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::string("unexpected characters after the IPv6 address");
      port_text = after.substr(1);
    }
    if (out.host.empty() || out.host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) {
      return std::string("invalid IPv6 address");
    }
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return std::string("invalid port");
    }
    if (out.host.empty()) return std::string("the URL has no host");
    if (!std::all_of(out.host.begin(), out.host.end(), valid_host_char)) {
      return std::string("invalid character in host name");
    }
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return std::string("invalid port");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  if (target.empty()) {
    out.target = "/";
  } else if (target.front() == '?') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  // Request-line safety: no spaces or control characters may reach the wire.
  for (const char c : out.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::string("invalid character in path");
  }
  return out;
}

std::string host_header(const https_url& url) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + url.host + "]" : url.host;
  if (url.port != 443) host += ":" + std::to_string(url.port);
  return host;
}

std::optional<std::string> client_response::header(std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (iequal(field, name)) return value;
  }
  return std::nullopt;
}

std::string_view to_string(transport_failure::kind k) {
  switch (k) {
    case transport_failure::kind::timeout:
      return "timeout";
    case transport_failure::kind::connection_refused:
      return "connection refused";
    case transport_failure::kind::connection_lost:
      return "connection lost";
    case transport_failure::kind::tls_failure:
      return "TLS failure";
    case transport_failure::kind::resolve_failure:
      return "cannot resolve host";
    case transport_failure::kind::protocol_error:
      return "protocol error";
    case transport_failure::kind::setup_failure:
      return "TLS setup failure";
  }
  return "transport failure";
}

}  // namespace gateway::net
