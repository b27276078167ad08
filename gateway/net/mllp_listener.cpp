#include "gateway/net/mllp_listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>

#include "gateway/net/http_handler.hpp"
#include "gateway/net/peer_certificate.hpp"
#include "gateway/net/server.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::net {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using mllp_detail::tuple_awaitable;

namespace {

struct mllp_env {
  std::string listener;
  std::shared_ptr<ssl::context> tls;
  mllp_handler* handler;
  mllp_limits limits;
  server_state* state;
  telemetry::metrics* metrics;
};

// Counts the connection as open for as long as it lives.
struct connection_count {
  const mllp_env& env;
  explicit connection_count(const mllp_env& e) : env(e) { env.metrics->connection_opened(env.listener); }
  ~connection_count() {
    env.metrics->connection_closed(env.listener);
    env.state->connections.fetch_sub(1);
  }
};

std::string remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}

asio::awaitable<void> serve_plain(tcp::socket socket, mllp_env env) {
  connection_count count(env);
  socket.set_option(tcp::no_delay(true));
  const peer_identity anonymous;
  mllp_context context{env.listener, &anonymous, remote_of(socket)};
  co_await run_mllp_session(socket, env.limits, *env.handler, context, *env.state);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

asio::awaitable<void> serve_tls(tcp::socket socket, mllp_env env) {
  connection_count count(env);
  socket.set_option(tcp::no_delay(true));
  const std::string remote = remote_of(socket);
  ssl::stream<tcp::socket> stream(std::move(socket), *env.tls);
  deadline timer(co_await asio::this_coro::executor);
  const auto cancel = [&stream] { mllp_detail::cancel_pending(stream); };

  timer.arm(env.limits.handshake_timeout, cancel);
  auto [hs_ec] = co_await stream.async_handshake(ssl::stream_base::server, tuple_awaitable);
  timer.disarm();
  if (hs_ec) {
    env.metrics->handshake_failed();
    telemetry::info("tls handshake failed", {{"listener", env.listener},
                                             {"remote", remote},
                                             {"reason", timer.fired() ? std::string("timeout") : hs_ec.message()}});
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
    co_return;
  }
  const peer_identity peer = read_peer_identity(stream.native_handle());
  mllp_context context{env.listener, &peer, remote};
  co_await run_mllp_session(stream, env.limits, *env.handler, context, *env.state);

  timer.arm(std::chrono::seconds(1), cancel);  // best-effort close_notify
  co_await stream.async_shutdown(tuple_awaitable);
  timer.disarm();
  boost::system::error_code ignored;
  stream.lowest_layer().close(ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, mllp_env env) {
  auto& ioc = static_cast<asio::io_context&>(acceptor->get_executor().context());
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(asio::make_strand(ioc), tuple_awaitable);
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) continue;  // e.g. EMFILE: the next accept may succeed
    if (env.state->stopping.load()) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    if (env.state->connections.fetch_add(1) >= env.state->max_connections) {
      env.state->connections.fetch_sub(1);
      env.metrics->connection_refused_over_limit();
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    auto executor = socket.get_executor();
    if (env.tls) {
      asio::co_spawn(executor, serve_tls(std::move(socket), env), asio::detached);
    } else {
      asio::co_spawn(executor, serve_plain(std::move(socket), env), asio::detached);
    }
  }
}

}  // namespace

std::variant<std::uint16_t, std::string> add_mllp_listener(server& srv, mllp_listener_spec spec) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(spec.address, ec);
  if (ec) return "address \"" + spec.address + "\" is not an IP address";
  auto acceptor = std::make_shared<tcp::acceptor>(srv.io());
  const tcp::endpoint endpoint(address, spec.port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + spec.address + ":" + std::to_string(spec.port) + ": " + ec.message();
  const std::uint16_t port = acceptor->local_endpoint().port();
  // Shutdown closes the acceptor on the io_context (server::on_shutdown runs there).
  srv.on_shutdown([acceptor] {
    boost::system::error_code ignored;
    acceptor->close(ignored);
  });
  mllp_env env{spec.name, spec.tls, spec.handler, spec.limits, &srv.state(), &srv.metrics()};
  asio::co_spawn(srv.io(), accept_loop(acceptor, std::move(env)), asio::detached);
  return port;
}

}  // namespace gateway::net
