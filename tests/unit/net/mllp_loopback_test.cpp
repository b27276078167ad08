// The MLLP listener and client drivers over real loopback sockets (no TLS here; TLS runs in the
// integration tests with certificates made at test time).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "gateway/net/mllp_client.hpp"
#include "gateway/net/mllp_framing.hpp"
#include "gateway/net/mllp_handler.hpp"
#include "gateway/net/server.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// Answers "ACK:<message>"; "close" gets "bye" and the connection closed; "silence" gets nothing.
class test_handler final : public mllp_handler {
 public:
  asio::awaitable<mllp_answer> handle(std::string message, mllp_context context) override {
    {
      std::lock_guard lock(mutex_);
      received_.push_back(message);
      remotes_.push_back(context.remote_address);
    }
    if (message == "close") co_return mllp_answer{"bye", true};
    if (message == "silence") co_return mllp_answer{};
    co_return mllp_answer{"ACK:" + message, false};
  }
  std::string malformed(std::string_view reason, std::string_view partial, const mllp_context&) override {
    std::lock_guard lock(mutex_);
    faults_.push_back(std::string(reason) + " [" + std::string(partial.substr(0, 16)) + "]");
    return "NAK";
  }
  std::vector<std::string> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::string> faults() const {
    std::lock_guard lock(mutex_);
    return faults_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> received_, remotes_, faults_;
};

class mllp_server {
 public:
  explicit mllp_server(mllp_limits limits = {}) : srv_(options(), metrics_) {
    listener_spec spec;
    spec.name = "mllp";
    spec.address = "127.0.0.1";
    spec.mllp = &handler;
    spec.mllp_bounds = limits;
    auto bound = srv_.add_listener(spec);
    port = std::get<std::uint16_t>(bound);
    thread_ = std::thread([this] { srv_.run(); });
  }
  ~mllp_server() {
    srv_.stop();
    thread_.join();
  }
  static server_options options() {
    server_options o;
    o.io_threads = 1;
    o.handle_signals = false;
    o.shutdown_grace = 1s;
    return o;
  }

  test_handler handler;
  std::uint16_t port = 0;

 private:
  telemetry::metrics metrics_;
  server srv_;
  std::thread thread_;
};

// A raw TCP peer: writes bytes, reads what comes back until the server closes.
struct raw_peer {
  asio::io_context io;
  tcp::socket socket{io};
  explicit raw_peer(std::uint16_t port) { socket.connect({asio::ip::make_address("127.0.0.1"), port}); }
  void send(std::string_view bytes) { asio::write(socket, asio::buffer(bytes)); }
  std::string read_until_closed() {
    std::string out;
    std::array<char, 1024> buf;
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec) return out;
      out.append(buf.data(), n);
    }
  }
  std::string read_frames(std::size_t count) {
    std::string out;
    std::array<char, 1024> buf;
    while (static_cast<std::size_t>(std::count(out.begin(), out.end(), '\x1C')) < count) {
      const std::size_t n = socket.read_some(asio::buffer(buf));
      out.append(buf.data(), n);
    }
    return out;
  }
};

mllp_exchange_result run_exchange(mllp_client& client, asio::io_context& io, std::string message,
                                  mllp_answer_check check) {
  auto future = asio::co_spawn(io, client.exchange(std::move(message), std::move(check)), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

std::shared_ptr<mllp_client> client_for(asio::io_context& io, std::uint16_t port, mllp_client_options o = {}) {
  auto made = mllp_client::create(io.get_executor(), mllp_endpoint{"127.0.0.1", port, false, {}}, o);
  return std::get<std::shared_ptr<mllp_client>>(made);
}

const mllp_answer_check any_answer = [](std::string_view) { return true; };

TEST(MllpLoopback, SeveralMessagesOnOneConnectionAnsweredInOrder) {
  mllp_server server;
  asio::io_context io;
  auto client = client_for(io, server.port);
  for (const std::string m : {"one", "two-a", "three"}) {
    auto r = run_exchange(*client, io, m, [m](std::string_view a) { return a == "ACK:" + m; });
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << std::get<mllp_failure>(r).detail;
    EXPECT_EQ(std::get<std::string>(r), "ACK:" + m);
  }
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(server.handler.received(), (std::vector<std::string>{"one", "two-a", "three"}));
}

TEST(MllpLoopback, FramesSplitAndJoinedAcrossWritesAreAnsweredInOrder) {
  mllp_server server;
  raw_peer peer(server.port);
  const std::string stream = mllp_frame("first") + mllp_frame("second") + mllp_frame("third");
  peer.send(stream.substr(0, 3));
  peer.send(stream.substr(3, 12));
  peer.send(stream.substr(15));
  EXPECT_EQ(peer.read_frames(3), mllp_frame("ACK:first") + mllp_frame("ACK:second") + mllp_frame("ACK:third"));
}

TEST(MllpLoopback, AMalformedFrameIsAnsweredWithTheReasonAndTheConnectionClosed) {
  mllp_server server;
  raw_peer peer(server.port);
  peer.send(mllp_frame("ok") + "GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(peer.read_until_closed(), mllp_frame("ACK:ok") + mllp_frame("NAK"));
  ASSERT_EQ(server.handler.faults().size(), 1u);
  EXPECT_NE(server.handler.faults()[0].find("outside an MLLP frame"), std::string::npos);
}

TEST(MllpLoopback, AnOversizedFrameIsRefusedNotHeld) {
  mllp_limits limits;
  limits.max_frame_bytes = 64;
  mllp_server server(limits);
  raw_peer peer(server.port);
  peer.send("\x0B" + std::string(100, 'A'));
  EXPECT_EQ(peer.read_until_closed(), mllp_frame("NAK"));
  ASSERT_EQ(server.handler.faults().size(), 1u);
  EXPECT_NE(server.handler.faults()[0].find("larger than the limit (64 bytes)"), std::string::npos);
}

TEST(MllpLoopback, AnUnfinishedFrameIsReportedAfterTheReadTimeout) {
  mllp_limits limits;
  limits.read_timeout = 200ms;
  mllp_server server(limits);
  raw_peer peer(server.port);
  peer.send("\x0BMSH|^~\\&|half a message");
  EXPECT_EQ(peer.read_until_closed(), mllp_frame("NAK"));
  ASSERT_EQ(server.handler.faults().size(), 1u);
  EXPECT_EQ(server.handler.faults()[0],
            "incomplete MLLP frame: no end block within the read timeout [MSH|^~\\&|half a ]");
  EXPECT_TRUE(server.handler.received().empty());
}

TEST(MllpLoopback, IdleConnectionsAreClosed) {
  mllp_limits limits;
  limits.idle_timeout = 200ms;
  mllp_server server(limits);
  raw_peer peer(server.port);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(peer.read_until_closed(), "");
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_TRUE(server.handler.faults().empty());  // idle is not a fault
}

TEST(MllpLoopback, SilenceIsATimeoutAndTheConnectionIsNotReused) {
  mllp_server server;
  asio::io_context io;
  mllp_client_options o;
  o.answer_timeout = 200ms;
  auto client = client_for(io, server.port, o);
  auto r = run_exchange(*client, io, "silence", any_answer);
  ASSERT_TRUE(std::holds_alternative<mllp_failure>(r));
  EXPECT_EQ(std::get<mllp_failure>(r).what, mllp_failure::kind::timeout);
  auto next = run_exchange(*client, io, "after", any_answer);
  ASSERT_TRUE(std::holds_alternative<std::string>(next));
  EXPECT_EQ(std::get<std::string>(next), "ACK:after");
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST(MllpLoopback, AnAnswerForAnotherMessageClosesTheConnection) {
  mllp_server server;
  asio::io_context io;
  auto client = client_for(io, server.port);
  auto r = run_exchange(*client, io, "mine", [](std::string_view a) { return a == "ACK:someone-else"; });
  ASSERT_TRUE(std::holds_alternative<mllp_failure>(r));
  EXPECT_EQ(std::get<mllp_failure>(r).what, mllp_failure::kind::unexpected_answer);
  auto next = run_exchange(*client, io, "next", any_answer);
  ASSERT_TRUE(std::holds_alternative<std::string>(next));
  EXPECT_EQ(client->connections_opened(), 2u);
}

// A peer that answers each message with its ACK and one unsolicited frame more.
TEST(MllpLoopback, BytesBeyondTheAnswerMakeTheConnectionSingleUse) {
  asio::io_context server_io;
  tcp::acceptor acceptor(server_io, {asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  std::thread peer([&acceptor] {
    for (int connection = 0; connection < 2; ++connection) {
      tcp::socket s = acceptor.accept();
      std::string in;
      std::array<char, 256> buf;
      while (in.find('\x1C') == std::string::npos) in.append(buf.data(), s.read_some(asio::buffer(buf)));
      const std::string message = in.substr(1, in.find('\x1C') - 1);
      asio::write(s, asio::buffer(mllp_frame("ACK:" + message) + mllp_frame("unsolicited")));
      boost::system::error_code ec;
      s.read_some(asio::buffer(buf), ec);  // until the client closes
    }
  });
  asio::io_context io;
  auto client = client_for(io, port);
  auto r = run_exchange(*client, io, "first", any_answer);
  ASSERT_TRUE(std::holds_alternative<std::string>(r)) << std::get<mllp_failure>(r).detail;
  EXPECT_EQ(std::get<std::string>(r), "ACK:first");
  // The unsolicited frame is never taken for the next message's answer: a new connection is used.
  auto next = run_exchange(*client, io, "next", [](std::string_view a) { return a == "ACK:next"; });
  ASSERT_TRUE(std::holds_alternative<std::string>(next)) << std::get<mllp_failure>(next).detail;
  EXPECT_EQ(client->connections_opened(), 2u);
  peer.join();
}

TEST(MllpLoopback, AKeptConnectionClosedByThePeerIsReplacedOnce) {
  mllp_server server;
  asio::io_context io;
  auto client = client_for(io, server.port);
  // "close": the listener answers and closes; the client cannot know and keeps it.
  ASSERT_TRUE(std::holds_alternative<std::string>(run_exchange(*client, io, "close", any_answer)));
  auto r = run_exchange(*client, io, "again", any_answer);
  ASSERT_TRUE(std::holds_alternative<std::string>(r)) << std::get<mllp_failure>(r).detail;
  EXPECT_EQ(std::get<std::string>(r), "ACK:again");
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST(MllpLoopback, NothingListeningIsConnectionRefused) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  asio::io_context io;
  auto client = client_for(io, port);
  auto r = run_exchange(*client, io, "x", any_answer);
  ASSERT_TRUE(std::holds_alternative<mllp_failure>(r));
  EXPECT_EQ(std::get<mllp_failure>(r).what, mllp_failure::kind::connection_refused);
}

TEST(MllpUrl, ParsesMllpAndMllps) {
  auto plain = parse_mllp_url("mllp://clinic.example.org:2575");
  ASSERT_TRUE(std::holds_alternative<mllp_endpoint>(plain));
  EXPECT_EQ(std::get<mllp_endpoint>(plain).host, "clinic.example.org");
  EXPECT_EQ(std::get<mllp_endpoint>(plain).port, 2575);
  EXPECT_FALSE(std::get<mllp_endpoint>(plain).tls);
  auto secure = parse_mllp_url("mllps://[::1]:6661");
  ASSERT_TRUE(std::holds_alternative<mllp_endpoint>(secure));
  EXPECT_EQ(std::get<mllp_endpoint>(secure).host, "::1");
  EXPECT_TRUE(std::get<mllp_endpoint>(secure).tls);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_mllp_url("https://x:1")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_mllp_url("mllp://x")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_mllp_url("mllp://x:70000")));
}

}  // namespace
}  // namespace gateway::net
