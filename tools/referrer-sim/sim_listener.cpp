#include "tools/referrer-sim/sim_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <algorithm>
#include <atomic>
#include <string_view>

#include "gateway/net/http_session.hpp"
#include "gateway/net/peer_certificate.hpp"
#include "gateway/net/server_state.hpp"
#include "gateway/net/tls_context.hpp"

namespace rg::referrer_sim {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace net = gateway::net;
using tcp = asio::ip::tcp;
using net::session_detail::tuple_awaitable;

namespace {

// How many more requests to close mid-way (-1: all of them).
class close_budget {
 public:
  explicit close_budget(std::int64_t n) : remaining_(n) {}
  bool active() const { return remaining_.load() != 0; }
  // Claims one close; false once the budget is spent.
  bool take() {
    std::int64_t n = remaining_.load();
    while (n != 0) {
      if (n < 0) return true;
      if (remaining_.compare_exchange_weak(n, n - 1)) return true;
    }
    return false;
  }

 private:
  std::atomic<std::int64_t> remaining_;
};

struct connection_env {
  std::shared_ptr<ssl::context> tls;
  net::http_handler* handler;
  net::session_limits limits;
  net::server_state* state;
  close_budget* closer;
  sim_counters* counters;
  const std::string* message_path;  // only requests for it are closed mid-way
};

// Reads into `buffer` until it holds the end of a request's headers; false on error, timeout,
// or headers beyond the limit.
template <class Stream>
asio::awaitable<bool> read_through_headers(Stream& stream, boost::beast::flat_buffer& buffer, net::deadline& timer,
                                           net::session_limits limits) {
  const auto cancel = [&stream] { net::session_detail::cancel_pending(stream); };
  timer.arm(limits.header_timeout, cancel);
  for (;;) {
    const auto data = buffer.data();
    const std::string_view seen(static_cast<const char*>(data.data()), data.size());
    if (seen.find("\r\n\r\n") != std::string_view::npos) break;
    if (buffer.size() > limits.header_bytes) {
      timer.disarm();
      co_return false;
    }
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), tuple_awaitable);
    if (ec) {
      timer.disarm();
      co_return false;
    }
    buffer.commit(n);
  }
  timer.disarm();
  co_return true;
}

// The target of the request line at the start of `buffer` ("POST /fhir/$process-message HTTP/1.1").
std::string_view request_target(const boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  std::string_view line(static_cast<const char*>(data.data()), data.size());
  line = line.substr(0, line.find("\r\n"));
  const std::size_t first = line.find(' ');
  if (first == std::string_view::npos) return {};
  const std::size_t second = line.find(' ', first + 1);
  if (second == std::string_view::npos) return {};
  return line.substr(first + 1, second - first - 1);
}

asio::awaitable<void> serve(tcp::socket socket, connection_env env) {
  socket.set_option(tcp::no_delay(true));
  boost::system::error_code ignored;
  const std::string remote = socket.remote_endpoint(ignored).address().to_string();
  ssl::stream<tcp::socket> stream(std::move(socket), *env.tls);
  net::deadline timer(co_await asio::this_coro::executor);
  const auto cancel = [&stream] { net::session_detail::cancel_pending(stream); };

  timer.arm(env.limits.handshake_timeout, cancel);
  auto [hs_ec] = co_await stream.async_handshake(ssl::stream_base::server, tuple_awaitable);
  timer.disarm();
  if (hs_ec) {
    stream.lowest_layer().close(ignored);
    co_return;
  }

  const net::peer_identity peer = net::read_peer_identity(stream.native_handle());
  boost::beast::flat_buffer buffer;
  if (env.closer->active()) {
    const bool complete = co_await read_through_headers(stream, buffer, timer, env.limits);
    if (!complete) {
      stream.lowest_layer().close(ignored);
      co_return;
    }
    if (request_target(buffer) == *env.message_path && env.closer->take()) {
      env.counters->closed.fetch_add(1);
      // No close_notify: the client sees the connection drop mid-request.
      stream.lowest_layer().close(ignored);
      co_return;
    }
  }
  net::request_context context{"https", &peer, remote};
  co_await net::run_http_session(stream, buffer, env.limits, *env.handler, context, *env.state);

  timer.arm(std::chrono::seconds(1), cancel);
  co_await stream.async_shutdown(tuple_awaitable);
  timer.disarm();
  stream.lowest_layer().close(ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, connection_env env) {
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(tuple_awaitable);
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) continue;
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket), env), asio::detached);
  }
}

}  // namespace

struct sim_listener::impl {
  listener_settings settings;
  net::http_handler& handler;
  sim_counters& counters;
  asio::io_context ioc{1};
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::shared_ptr<ssl::context> tls;
  net::server_state state;
  close_budget closer;
  // Registered in open(), before the port is announced: a SIGTERM sent as soon as the caller has
  // read the "listening" line must stop the simulator cleanly, not kill it.
  asio::signal_set signals{ioc, SIGINT, SIGTERM};

  impl(listener_settings s, net::http_handler& h, sim_counters& c)
      : settings(std::move(s)), handler(h), counters(c), closer(settings.close_mid_request) {}
};

sim_listener::sim_listener(listener_settings settings, net::http_handler& handler, sim_counters& counters)
    : impl_(std::make_unique<impl>(std::move(settings), handler, counters)) {}

sim_listener::~sim_listener() = default;

std::variant<std::vector<std::uint16_t>, std::string> sim_listener::open() {
  auto& s = impl_->settings;
  auto tls = net::make_server_tls_context(net::server_tls_files{s.cert, s.key, s.client_ca, true, false});
  if (auto* error = std::get_if<net::tls_setup_error>(&tls)) return error->message;
  impl_->tls = std::get<std::shared_ptr<ssl::context>>(tls);

  boost::system::error_code ec;
  const auto address = asio::ip::make_address(s.address, ec);
  if (ec) return "address \"" + s.address + "\" is not an IP address";
  std::vector<std::uint16_t> ports;
  connection_env env{impl_->tls,     &impl_->handler,  s.limits,       &impl_->state,
                     &impl_->closer, &impl_->counters, &s.message_path};
  for (unsigned i = 0; i < std::max(1u, s.listeners); ++i) {
    auto acceptor = std::make_shared<tcp::acceptor>(impl_->ioc);
    const tcp::endpoint endpoint(address, s.port);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return "cannot listen on " + s.address + ":" + std::to_string(s.port) + ": " + ec.message();
    impl_->acceptors.push_back(acceptor);
    ports.push_back(acceptor->local_endpoint().port());
    asio::co_spawn(impl_->ioc, accept_loop(acceptor, env), asio::detached);
  }
  impl_->signals.async_wait([this](const boost::system::error_code& error, int) {
    if (error) return;
    impl_->state.stopping.store(true);
    for (auto& acceptor : impl_->acceptors) {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    }
    impl_->ioc.stop();
  });
  return ports;
}

void sim_listener::run() {
  impl_->ioc.run();
}

}  // namespace rg::referrer_sim
