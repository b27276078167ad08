#include "gateway/net/http_session.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>

#include <stdexcept>
#include <string>
#include <vector>

// The HTTP/1.1 session driven through boost::beast::test::stream, without sockets: answers in
// order (also pipelined), Expect: 100-continue, every fault answered once and the connection
// closed, deadlines, a handler that throws, shutdown, and a failure injected at every step.

namespace gateway::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class recording_handler final : public http_handler {
 public:
  std::vector<std::string> targets;
  std::vector<request_fault> faults;
  std::vector<std::string> fault_targets;  // the target of each fault's header; "-" when unread
  bool throw_on_handle = false;
  server_state* stop_while_handling = nullptr;

  asio::awaitable<http_response> handle(http_request request, request_context) override {
    targets.emplace_back(request.target());
    if (throw_on_handle) throw std::runtime_error("a handler bug");
    if (stop_while_handling != nullptr) stop_while_handling->stopping = true;
    http_response res{http::status::ok, request.version()};
    res.body() = "answer to " + std::string(request.target()) + ";";
    co_return res;
  }

  http_response fault_response(request_fault fault, const request_context& context) override {
    faults.push_back(fault);
    fault_targets.emplace_back(context.head != nullptr ? std::string(context.head->target()) : "-");
    http_response res{fault == request_fault::timeout ? http::status::request_timeout : http::status::bad_request, 11};
    res.body() = "fault";
    return res;
  }
};

const peer_identity no_certificate{};

asio::awaitable<void> drive(beast::test::stream* stream, session_limits limits, http_handler* handler,
                            server_state* state, bool* ended) {
  beast::flat_buffer buffer;
  request_context context{"https", &no_certificate, "test"};  // a named local: g++ 12 and co_await temporaries
  co_await run_http_session(*stream, buffer, limits, *handler, std::move(context), *state);
  *ended = true;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class http_session : public ::testing::Test {
 protected:
  // Feeds `incoming` to a session (then end of stream, unless `keep_open`), runs it to its end,
  // and returns what it wrote.
  std::string exchange(const std::string& incoming, bool keep_open = false) {
    beast::test::stream server(io), client(io);
    server.connect(client);
    server.append(incoming);
    if (!keep_open) server.close_remote();
    asio::co_spawn(io, drive(&server, limits, &handler, &state, &ended), asio::detached);
    io.run();
    io.restart();
    return std::string(client.str());
  }

  asio::io_context io;
  recording_handler handler;
  server_state state;
  session_limits limits;
  bool ended = false;
};

TEST_F(http_session, answers_pipelined_requests_in_order_and_keeps_the_connection) {
  const std::string out = exchange(
      "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz"
      "GET /c HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(ended);
  EXPECT_EQ(handler.targets, (std::vector<std::string>{"/a", "/b", "/c"}));
  const auto a = out.find("answer to /a;"), b = out.find("answer to /b;"), c = out.find("answer to /c;");
  ASSERT_NE(c, std::string::npos) << out;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 3u);
  EXPECT_EQ(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(state.in_flight.load(), 0);
}

TEST_F(http_session, expect_100_continue_gets_the_interim_answer_first) {
  const std::string out = exchange("PUT /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
  const auto interim = out.find("HTTP/1.1 100 Continue");
  ASSERT_NE(interim, std::string::npos) << out;
  EXPECT_LT(interim, out.find("HTTP/1.1 200 OK"));
}

TEST_F(http_session, a_declared_body_over_the_limit_is_refused_unread_and_the_connection_closed) {
  limits.body_bytes = 10;
  const std::string out = exchange("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n");
  EXPECT_EQ(handler.faults, std::vector<request_fault>{request_fault::body_too_large});
  EXPECT_EQ(handler.fault_targets, std::vector<std::string>{"/x"}) << "the header was read: the route is known";
  EXPECT_TRUE(handler.targets.empty());
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_TRUE(ended);
}

TEST_F(http_session, headers_over_the_limit_are_refused_and_the_connection_closed) {
  limits.header_bytes = 64;
  exchange("GET /x HTTP/1.1\r\nHost: t\r\nX-Long: " + std::string(200, 'a') + "\r\n\r\nGET /y HTTP/1.1\r\n\r\n");
  EXPECT_EQ(handler.faults, std::vector<request_fault>{request_fault::header_too_large});
  EXPECT_EQ(handler.fault_targets, std::vector<std::string>{"-"}) << "no header to pass on";
  EXPECT_TRUE(handler.targets.empty()) << "nothing after the refused request is read";
}

TEST_F(http_session, a_malformed_request_is_answered_once_and_the_connection_closed) {
  const std::string out = exchange("NOT HTTP AT ALL\r\n\r\nGET /y HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(handler.faults, std::vector<request_fault>{request_fault::malformed});
  EXPECT_TRUE(handler.targets.empty());
  EXPECT_EQ(count(out, "HTTP/1.1 "), 1u) << out;
}

TEST_F(http_session, a_request_that_stops_arriving_ends_the_session_at_its_deadline) {
  limits.header_timeout = std::chrono::milliseconds(50);
  exchange("GET /slow HTTP/1.1\r\nHo", true);
  EXPECT_TRUE(ended) << "io.run() returned only because the deadline ended the session";
  EXPECT_EQ(handler.faults, std::vector<request_fault>{request_fault::timeout});
  EXPECT_TRUE(handler.targets.empty());
}

TEST_F(http_session, an_idle_connection_is_closed_at_the_idle_deadline_without_an_answer) {
  limits.idle_timeout = std::chrono::milliseconds(50);
  const std::string out = exchange("GET /a HTTP/1.1\r\nHost: t\r\n\r\n", true);
  EXPECT_TRUE(ended);
  EXPECT_EQ(handler.targets, std::vector<std::string>{"/a"});
  EXPECT_TRUE(handler.faults.empty());
  EXPECT_EQ(count(out, "HTTP/1.1 "), 1u);
}

TEST_F(http_session, a_handler_that_throws_gets_a_500_and_the_session_goes_on) {
  handler.throw_on_handle = true;
  const std::string out = exchange("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(count(out, "HTTP/1.1 500 Internal Server Error"), 2u) << out;
  EXPECT_EQ(state.in_flight.load(), 0);
}

TEST_F(http_session, shutdown_answers_the_request_in_flight_with_connection_close_and_reads_no_more) {
  handler.stop_while_handling = &state;
  const std::string out = exchange("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n", true);
  EXPECT_TRUE(ended) << "the session ended although the client kept the connection open";
  EXPECT_EQ(handler.targets, std::vector<std::string>{"/a"});
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
}

TEST_F(http_session, a_failure_at_any_step_ends_the_session_cleanly) {
  // Fail the n-th stream operation, for every n until a whole exchange gets through.
  bool completed = false;
  for (std::size_t n = 0; n < 100 && !completed; ++n) {
    beast::test::fail_count failure_at(n);
    beast::test::stream server(io, failure_at), client(io);
    server.connect(client);
    server.append("GET /a HTTP/1.1\r\nHost: t\r\n\r\nPOST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok");
    server.close_remote();
    recording_handler fresh;
    server_state fresh_state;
    bool session_ended = false;
    asio::co_spawn(io, drive(&server, limits, &fresh, &fresh_state, &session_ended), asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(session_ended) << "failure at step " << n;
    EXPECT_EQ(fresh_state.in_flight.load(), 0) << "failure at step " << n;
    completed = count(std::string(client.str()), "HTTP/1.1 200 OK") == 2;
  }
  EXPECT_TRUE(completed) << "no run got through without a failure";
}

}  // namespace
}  // namespace gateway::net
