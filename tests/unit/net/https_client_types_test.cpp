#include "gateway/net/https_client_types.hpp"

#include <gtest/gtest.h>

namespace gateway::net {
namespace {

https_url ok(std::string_view text) {
  auto r = parse_https_url(text);
  EXPECT_TRUE(std::holds_alternative<https_url>(r)) << text << ": " << std::get<std::string>(r);
  return std::holds_alternative<https_url>(r) ? std::get<https_url>(r) : https_url{};
}

std::string bad(std::string_view text) {
  auto r = parse_https_url(text);
  EXPECT_TRUE(std::holds_alternative<std::string>(r)) << text;
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : std::string{};
}

TEST(parse_https_url, host_port_and_path) {
  const auto u = ok("https://localhost:8443/fhir/$process-message");
  EXPECT_EQ(u.host, "localhost");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.target, "/fhir/$process-message");
  EXPECT_EQ(host_header(u), "localhost:8443");
}

TEST(parse_https_url, default_port_and_root_path) {
  const auto u = ok("HTTPS://gp.example.org");
  EXPECT_EQ(u.host, "gp.example.org");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(host_header(u), "gp.example.org");
}

TEST(parse_https_url, query_is_kept_in_the_target) {
  EXPECT_EQ(ok("https://h/events?x=1").target, "/events?x=1");
  EXPECT_EQ(ok("https://h?x=1").target, "/?x=1");
}

TEST(parse_https_url, ipv6_literal) {
  const auto u = ok("https://[::1]:9000/x");
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 9000);
  EXPECT_EQ(host_header(u), "[::1]:9000");
}

TEST(parse_https_url, refuses_what_it_cannot_send_safely) {
  EXPECT_NE(bad("http://localhost/x").find("https"), std::string::npos);
  EXPECT_FALSE(bad("https://user:pw@host/").empty());
  EXPECT_FALSE(bad("https://host/x#frag").empty());
  EXPECT_FALSE(bad("https://host:0/").empty());
  EXPECT_FALSE(bad("https://host:70000/").empty());
  EXPECT_FALSE(bad("https://host:/").empty());
  EXPECT_FALSE(bad("https://host:12ab/").empty());
  EXPECT_FALSE(bad("https:///path").empty());
  EXPECT_FALSE(bad("https://ho st/").empty());
  EXPECT_FALSE(bad("https://host/a b").empty());
  EXPECT_FALSE(bad("https://[::1/").empty());
  EXPECT_FALSE(bad("").empty());
}

TEST(client_response, header_lookup_ignores_case) {
  client_response r;
  r.headers = {{"Content-Type", "application/json"}, {"Retry-After", "3"}};
  EXPECT_EQ(r.header("retry-after"), "3");
  EXPECT_FALSE(r.header("location"));
}

}  // namespace
}  // namespace gateway::net
