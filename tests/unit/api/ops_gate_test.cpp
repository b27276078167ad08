// The operations listener's Host check and the /ops routes' cross-site rule (issue 10 item 1).
#include <gtest/gtest.h>

#include "gateway/api/ops_api.hpp"
#include "gateway/api/ops_gate.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "gateway/app/audit_path.hpp"
#include "gateway/app/context.hpp"

namespace gateway::api {
namespace {

TEST(ops_host, loopback_names_and_the_configured_address_only) {
  for (const char* host : {"localhost", "localhost:9464", "127.0.0.1", "127.0.0.1:9464", "127.9.8.7:1", "[::1]",
                           "[::1]:9464", "ops.internal:9464"}) {
    EXPECT_TRUE(is_local_host_header(host, "ops.internal")) << host;
  }
  for (const char* host : {"", "evil.example", "evil.example:9464", "127.0.0.1.evil.example", "localhost.evil.example",
                           "[::1", "[::1]x", "[::2]:9464", "10.0.0.1", ":9464", "0.0.0.0"}) {
    EXPECT_FALSE(is_local_host_header(host, "ops.internal")) << host;
  }
}

net::http_request post_with(std::initializer_list<std::pair<const char*, const char*>> headers) {
  net::http_request r{boost::beast::http::verb::post, "/ops/outbox/retry-dead", 11};
  r.set(boost::beast::http::field::host, "gw.example:8443");
  for (const auto& [name, value] : headers) r.set(name, value);
  return r;
}

TEST(ops_cross_site, only_same_origin_or_header_less_requests_change_state) {
  EXPECT_EQ(cross_site_refusal(post_with({})), "");
  EXPECT_EQ(cross_site_refusal(post_with({{"Sec-Fetch-Site", "same-origin"}})), "");
  EXPECT_EQ(cross_site_refusal(post_with({{"Sec-Fetch-Site", "none"}})), "");
  EXPECT_EQ(cross_site_refusal(post_with({{"Origin", "https://gw.example:8443"}})), "");
  EXPECT_NE(cross_site_refusal(post_with({{"Sec-Fetch-Site", "cross-site"}})), "");
  EXPECT_NE(cross_site_refusal(post_with({{"Sec-Fetch-Site", "same-site"}})), "");
  EXPECT_NE(cross_site_refusal(post_with({{"Origin", "https://evil.example"}})), "");
  EXPECT_NE(cross_site_refusal(post_with({{"Origin", "http://gw.example:8443"}})), "");
  EXPECT_NE(cross_site_refusal(post_with({{"Origin", "null"}})), "");
}

TEST(ops_path, only_ops_and_below) {
  EXPECT_TRUE(is_ops_path("/ops"));
  EXPECT_TRUE(is_ops_path("/ops/outbox"));
  EXPECT_FALSE(is_ops_path("/opsx"));
  EXPECT_FALSE(is_ops_path("/fhir/ops"));
}

// An operator action that counts how often it ran.
class counting_action final : public ops_route_handler {
 public:
  boost::asio::awaitable<net::http_response> handle(const ops_request&) override {
    ++runs;
    net::http_response res;
    res.result(200);
    co_return res;
  }
  int runs = 0;
};

TEST(ops_state_change, is_not_made_when_its_audit_record_cannot_be_stored) {
  auto retry = std::make_shared<counting_action>();
  ops_route_table routes;
  routes.add(boost::beast::http::verb::post, "/outbox/{id}/retry", retry);
  app::audit_path full(1);
  ASSERT_TRUE(full.enter());  // the one place is taken: the next record is refused at once
  app::context ctx;
  ctx.audit = &full;
  net::http_request post{boost::beast::http::verb::post, "/ops/outbox/item-1/retry", 11};
  post.set(boost::beast::http::field::host, "gw.example:8443");
  boost::asio::io_context io;
  std::string route_name;
  auto answer = boost::asio::co_spawn(
      io,
      serve_ops(
          routes, ctx,
          ops_call{post, "/outbox/item-1/retry", {}, caller{"ops", core::caller_role::operator_, "X26"}, true, {}},
          route_name),
      boost::asio::use_future);
  io.run();
  const net::http_response res = answer.get();
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_FALSE(res[boost::beast::http::field::retry_after].empty());
  EXPECT_EQ(retry->runs, 0) << "the retry ran without its audit record";
}

}  // namespace
}  // namespace gateway::api
