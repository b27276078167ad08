// net::tls_stream on a real loopback socket against Asio's own ssl::stream as the client, with
// the development certificates made at test time and the server context the gateway uses
// (make_server_tls_context: client certificates required).
#include "gateway/net/tls_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <filesystem>
#include <optional>
#include <string>

#include "gateway/net/peer_certificate.hpp"
#include "gateway/net/tls_context.hpp"
#include "tests/unit/certs/test_support.hpp"
#include "tools/certs/cert_maker.hpp"

namespace gateway::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// What the server side saw; filled by the server coroutine, checked after the io_context stops.
struct server_view {
  error_code handshake;
  peer_identity peer;
  error_code read;
  std::string received;
  error_code write;
};

using server_script = asio::awaitable<void> (*)(tls_stream&, server_view&);

// Lets a client script tell the server script that it has sent everything (cancel() = go).
asio::steady_timer* client_done = nullptr;

asio::awaitable<void> wait_for_the_client() {
  co_await client_done->async_wait(tuple_awaitable);
}
using client_script = asio::awaitable<void> (*)(ssl::stream<tcp::socket>&, std::string&);

class tls_stream_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new rg::certs::test::temp_dir();
    other_ = new rg::certs::test::temp_dir();
    ASSERT_TRUE(rg::certs::write_dev_set(dir_->path()).has_value());
    ASSERT_TRUE(rg::certs::write_dev_set(other_->path()).has_value());
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete other_;
  }

  std::shared_ptr<ssl::context> server_context() {
    server_tls_files files{(dir_->path() / "server.crt").string(), (dir_->path() / "server.key").string(),
                           (dir_->path() / "ca.crt").string()};
    auto made = make_server_tls_context(files);
    return std::get<std::shared_ptr<ssl::context>>(made);
  }

  // A client trusting our CA that presents client-<name> from `from` (none if name is empty).
  static ssl::context client_context(const std::filesystem::path& from, const std::string& name) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file((dir_->path() / "ca.crt").string());
    if (!name.empty()) {
      ctx.use_certificate_chain_file((from / ("client-" + name + ".crt")).string());
      ctx.use_private_key_file((from / ("client-" + name + ".key")).string(), ssl::context::pem);
    }
    ctx.set_verify_mode(ssl::verify_peer);
    return ctx;
  }

  // Runs one connection: the server script on a tls_stream, the client script on Asio's stream.
  void run(ssl::context& client_ctx, server_script server, client_script client) {
    asio::io_context ioc;
    asio::steady_timer done(ioc, std::chrono::hours(1));
    client_done = &done;
    auto server_ctx = server_context();
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    asio::co_spawn(ioc, serve(&acceptor, server_ctx.get(), server, &view_), asio::detached);
    asio::co_spawn(ioc, connect(acceptor.local_endpoint(), &client_ctx, client, &client_saw_), asio::detached);
    ioc.run_for(std::chrono::seconds(30));
    EXPECT_TRUE(ioc.stopped()) << "both sides finished";
  }

  static asio::awaitable<void> serve(tcp::acceptor* acceptor, ssl::context* ctx, server_script script,
                                     server_view* view) {
    auto [ec, socket] = co_await acceptor->async_accept(tuple_awaitable);
    if (ec) co_return;
    tls_stream stream(std::move(socket), ctx->native_handle());
    auto [hs] = co_await stream.async_handshake(tuple_awaitable);
    view->handshake = hs;
    if (hs) co_return;
    view->peer = read_peer_identity(stream.native_handle());
    co_await script(stream, *view);
  }

  static asio::awaitable<void> connect(tcp::endpoint to, ssl::context* ctx, client_script script, std::string* saw) {
    ssl::stream<tcp::socket> stream(co_await asio::this_coro::executor, *ctx);
    auto [ec] = co_await stream.next_layer().async_connect(to, tuple_awaitable);
    if (ec) co_return;
    stream.next_layer().set_option(tcp::no_delay(true));  // each record leaves at once
    auto [hs] = co_await stream.async_handshake(ssl::stream_base::client, tuple_awaitable);
    if (hs) {
      *saw = "handshake: " + hs.message();
      co_return;
    }
    co_await script(stream, *saw);
  }

  static rg::certs::test::temp_dir* dir_;
  static rg::certs::test::temp_dir* other_;
  server_view view_;
  std::string client_saw_;
};

rg::certs::test::temp_dir* tls_stream_test::dir_ = nullptr;
rg::certs::test::temp_dir* tls_stream_test::other_ = nullptr;

asio::awaitable<void> server_does_nothing(tls_stream&, server_view&) {
  co_return;
}

asio::awaitable<void> client_does_nothing(ssl::stream<tcp::socket>&, std::string&) {
  co_return;
}

// The client reads until the server's side ends; what it got, then how it ended.
asio::awaitable<void> client_reads_to_end(ssl::stream<tcp::socket>& stream, std::string& saw) {
  std::string data;
  auto [ec, n] = co_await asio::async_read(stream, asio::dynamic_buffer(data), tuple_awaitable);
  (void)n;
  saw = data + "|" + (ec == asio::error::eof ? std::string("eof") : ec.message());
}

TEST_F(tls_stream_test, handshake_verifies_the_client_certificate_and_reads_its_identity) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_does_nothing, client_does_nothing);
  EXPECT_FALSE(view_.handshake) << view_.handshake.message();
  ASSERT_TRUE(view_.peer.present);
  bool ou = false;
  for (const auto& a : view_.peer.subject) ou = ou || (a.oid == "2.5.4.11" && a.value == "A81001");  // OU
  EXPECT_TRUE(ou);
  EXPECT_EQ(view_.peer.sha256.size(), 64u);
}

TEST_F(tls_stream_test, a_client_without_a_certificate_is_refused_at_the_handshake) {
  auto client = client_context(dir_->path(), "");
  run(client, server_does_nothing, client_reads_to_end);
  EXPECT_TRUE(view_.handshake);
  EXPECT_FALSE(view_.peer.present);
}

TEST_F(tls_stream_test, a_certificate_from_another_ca_is_refused_at_the_handshake) {
  auto client = client_context(other_->path(), "practice-a");
  run(client, server_does_nothing, client_reads_to_end);
  EXPECT_TRUE(view_.handshake);
  EXPECT_FALSE(view_.peer.present);
}

// An HTTP exchange through Beast, with an answer much larger than a TLS record and than one
// write_some's share (max_write_bytes), so records, coalescing and partial writes all happen.
std::string big_body() {
  std::string body;
  for (int i = 0; body.size() < 300 * 1024; ++i) body += "line " + std::to_string(i) + "\n";
  return body;
}

asio::awaitable<void> server_answers_one_request(tls_stream& stream, server_view& view) {
  boost::beast::flat_buffer buffer;
  http::request<http::string_body> request;
  auto [ec, n] = co_await http::async_read(stream, buffer, request, tuple_awaitable);
  (void)n;
  view.read = ec;
  view.received = request.body();
  http::response<http::string_body> answer{http::status::ok, 11};
  answer.body() = big_body();
  answer.prepare_payload();
  auto [wec, wn] = co_await http::async_write(stream, answer, tuple_awaitable);
  (void)wn;
  view.write = wec;
  co_await stream.async_shutdown(tuple_awaitable);
}

asio::awaitable<void> client_posts_and_reads(ssl::stream<tcp::socket>& stream, std::string& saw) {
  http::request<http::string_body> request{http::verb::post, "/x", 11};
  request.body() = std::string(20000, 'r');
  request.prepare_payload();
  auto [wec, wn] = co_await http::async_write(stream, request, tuple_awaitable);
  (void)wn;
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
  (void)rn;
  saw = wec ? wec.message() : rec ? rec.message() : parser.get().body();
}

TEST_F(tls_stream_test, a_request_and_a_large_answer_pass_through_beast_intact) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_answers_one_request, client_posts_and_reads);
  EXPECT_FALSE(view_.read) << view_.read.message();
  EXPECT_EQ(view_.received, std::string(20000, 'r'));
  EXPECT_FALSE(view_.write) << view_.write.message();
  EXPECT_EQ(client_saw_, big_body());
}

// Two requests, two records, both sent before the server reads: the first read takes the first
// request (and OpenSSL may read ahead into the second), and the idle wait between them completes
// whether the rest is in OpenSSL's buffer or still in the socket.
asio::awaitable<void> server_reads_two_with_an_idle_wait_between(tls_stream& stream, server_view& view) {
  co_await wait_for_the_client();
  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {
    if (buffer.size() == 0) {
      auto [wec] = co_await stream.async_wait_readable(tuple_awaitable);
      if (wec) {
        view.read = wec;
        co_return;
      }
    }
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(stream, buffer, request, tuple_awaitable);
    (void)n;
    view.read = ec;
    if (ec) co_return;
    view.received += request.body();
  }
}

// Two writes: two TLS records, which the server's read-ahead takes in together.
asio::awaitable<void> client_sends_two_requests_at_once(ssl::stream<tcp::socket>& stream, std::string& saw) {
  co_await asio::async_write(
      stream, asio::buffer(std::string_view("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nfirst")), tuple_awaitable);
  co_await asio::async_write(
      stream, asio::buffer(std::string_view("POST / HTTP/1.1\r\nContent-Length: 6\r\n\r\nsecond")), tuple_awaitable);
  client_done->cancel();
  co_await client_reads_to_end(stream, saw);
}

TEST_F(tls_stream_test, pipelined_requests_are_read_from_what_is_already_decrypted) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_reads_two_with_an_idle_wait_between, client_sends_two_requests_at_once);
  EXPECT_FALSE(view_.read) << view_.read.message();
  EXPECT_EQ(view_.received, "firstsecond");
}

// A deadline cancels a pending read (the peer sent nothing); the stream then still writes, as
// the session does to answer 408.
asio::awaitable<void> server_times_out_then_answers(tls_stream& stream, server_view& view) {
  asio::steady_timer deadline(stream.get_executor(), std::chrono::milliseconds(50));
  deadline.async_wait([&stream](const error_code& ec) {
    if (!ec) stream.lowest_layer().cancel();
  });
  char data[64];
  auto [ec, n] = co_await stream.async_read_some(asio::buffer(data), tuple_awaitable);
  (void)n;
  view.read = ec;
  auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(std::string_view("408 timeout")), tuple_awaitable);
  (void)wn;
  view.write = wec;
  co_await stream.async_shutdown(tuple_awaitable);
}

TEST_F(tls_stream_test, a_cancelled_read_leaves_the_stream_able_to_answer) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_times_out_then_answers, client_reads_to_end);
  EXPECT_EQ(view_.read, asio::error::operation_aborted);
  EXPECT_FALSE(view_.write) << view_.write.message();
  EXPECT_EQ(client_saw_, "408 timeout|eof") << "the answer, then close_notify";
}

asio::awaitable<void> server_reads_until_the_end(tls_stream& stream, server_view& view) {
  char data[64];
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(data), tuple_awaitable);
    view.received.append(data, n);
    if (ec) {
      view.read = ec;
      co_return;
    }
  }
}

asio::awaitable<void> client_writes_then_sends_close_notify(ssl::stream<tcp::socket>& stream, std::string&) {
  co_await asio::async_write(stream, asio::buffer(std::string_view("bye")), tuple_awaitable);
  co_await stream.async_shutdown(tuple_awaitable);
}

// A TCP FIN with no close_notify before it (a closed socket with unread session tickets would
// send a reset instead).
asio::awaitable<void> client_writes_then_drops_the_connection(ssl::stream<tcp::socket>& stream, std::string& saw) {
  co_await asio::async_write(stream, asio::buffer(std::string_view("bye")), tuple_awaitable);
  stream.next_layer().shutdown(tcp::socket::shutdown_send);
  co_await client_reads_to_end(stream, saw);
}

TEST_F(tls_stream_test, close_notify_from_the_peer_reads_as_end_of_stream) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_reads_until_the_end, client_writes_then_sends_close_notify);
  EXPECT_EQ(view_.received, "bye");
  EXPECT_EQ(view_.read, asio::error::eof);
}

TEST_F(tls_stream_test, a_tcp_close_without_close_notify_reads_as_truncated) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_reads_until_the_end, client_writes_then_drops_the_connection);
  EXPECT_EQ(view_.received, "bye");
  EXPECT_EQ(view_.read, ssl::error::stream_truncated) << view_.read.message();
}

asio::awaitable<void> server_reads_nothing_then_zero_bytes(tls_stream& stream, server_view& view) {
  auto [ec, n] = co_await stream.async_read_some(asio::mutable_buffer(), tuple_awaitable);
  view.read = ec;
  view.received = std::to_string(n);
  co_await stream.async_shutdown(tuple_awaitable);
}

TEST_F(tls_stream_test, a_zero_byte_read_completes_at_once) {
  auto client = client_context(dir_->path(), "practice-a");
  run(client, server_reads_nothing_then_zero_bytes, client_reads_to_end);
  EXPECT_FALSE(view_.read);
  EXPECT_EQ(view_.received, "0");
  EXPECT_EQ(client_saw_, "|eof");
}

}  // namespace
}  // namespace gateway::net
