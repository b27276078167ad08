#include "gateway/net/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <list>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/net/accept_backoff.hpp"
#include "gateway/net/http_session.hpp"
#include "gateway/net/mllp_session.hpp"
#include "gateway/net/peer_certificate.hpp"
#include "gateway/net/tls_context.hpp"
#include "gateway/net/tls_revocation.hpp"
#include "gateway/net/tls_stream.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::net {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using session_detail::tuple_awaitable;

namespace {

// What a connection coroutine needs; everything it points to outlives the io_context run.
struct connection_env {
  std::string listener;
  std::shared_ptr<tls_context_slot> tls;
  http_handler* handler;
  mllp_handler* mllp;  // set: the connection speaks MLLP instead of HTTP
  mllp_limits mllp_bounds;
  session_limits limits;
  server_state* state;
  telemetry::metrics* metrics;
};

std::string remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : ep.address().to_string();
}

// Counts the connection as open for as long as it lives.
struct connection_guard {
  const connection_env& env;
  explicit connection_guard(const connection_env& e) : env(e) { env.metrics->connection_opened(env.listener); }
  ~connection_guard() {
    env.metrics->connection_closed(env.listener);
    env.state->connections.fetch_sub(1);
  }
};

asio::awaitable<void> serve_plain(tcp::socket socket, connection_env env) {
  connection_guard guard(env);
  socket.set_option(tcp::no_delay(true));
  peer_identity anonymous;
  if (env.mllp != nullptr) {
    // A named local: g++ 12 mishandles temporaries with destructors inside a co_await expression.
    mllp_context context{env.listener, &anonymous, remote_of(socket)};
    co_await run_mllp_session(socket, env.mllp_bounds, *env.mllp, context, *env.state);
  } else {
    boost::beast::flat_buffer buffer;
    request_context context{env.listener, &anonymous, remote_of(socket)};
    co_await run_http_session(socket, buffer, env.limits, *env.handler, context, *env.state);
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

// Before each request (HTTP) or message (MLLP) of a connection whose TLS context has been
// replaced since its handshake, checks the client certificate against the current context (new
// CRLs); one that no longer verifies is forgotten, so the request is answered as one without a
// certificate.
class peer_reverification {
 public:
  peer_reverification(peer_identity& peer, SSL* ssl, const tls_context_slot& slot, std::uint64_t generation,
                      const connection_env& env)
      : peer_(peer), ssl_(ssl), slot_(slot), generation_(generation), env_(env) {}

  void check(const std::string& remote) {
    if (!peer_.present || slot_.generation() == generation_) return;
    const auto current = slot_.current();
    generation_ = current.generation;
    if (!peer_still_verifies(ssl_, current.context->native_handle())) {
      peer_ = peer_identity{};
      telemetry::warn("client certificate no longer verifies after a reload (revoked?); treated as absent",
                      {{"listener", env_.listener}, {"remote", remote}});
    }
  }

 private:
  peer_identity& peer_;
  SSL* ssl_;
  const tls_context_slot& slot_;
  std::uint64_t generation_;
  const connection_env& env_;
};

class reverifying_handler final : public http_handler {
 public:
  reverifying_handler(http_handler& inner, peer_reverification& reverify) : inner_(inner), reverify_(reverify) {}

  asio::awaitable<http_response> handle(http_request request, request_context context) override {
    reverify_.check(context.remote_address);
    co_return co_await inner_.handle(std::move(request), std::move(context));
  }
  http_response fault_response(request_fault fault, const request_context& context) override {
    return inner_.fault_response(fault, context);
  }

 private:
  http_handler& inner_;
  peer_reverification& reverify_;
};

class reverifying_mllp_handler final : public mllp_handler {
 public:
  reverifying_mllp_handler(mllp_handler& inner, peer_reverification& reverify) : inner_(inner), reverify_(reverify) {}

  asio::awaitable<mllp_answer> handle(std::string message, mllp_context context) override {
    reverify_.check(context.remote_address);
    co_return co_await inner_.handle(std::move(message), std::move(context));
  }
  std::string malformed(std::string_view reason, std::string_view partial, const mllp_context& context) override {
    return inner_.malformed(reason, partial, context);
  }

 private:
  mllp_handler& inner_;
  peer_reverification& reverify_;
};

asio::awaitable<void> serve_tls(tcp::socket socket, connection_env env) {
  connection_guard guard(env);
  socket.set_option(tcp::no_delay(true));
  const std::string remote = remote_of(socket);
  // This connection keeps the context it starts with, even if a reload replaces it meanwhile.
  const tls_context_slot::snapshot tls = env.tls->current();
  tls_stream stream(std::move(socket), tls.context->native_handle());
  deadline timer(co_await asio::this_coro::executor);
  const auto cancel = [&stream] { session_detail::cancel_pending(stream); };

  timer.arm(env.limits.handshake_timeout, cancel);
  auto [hs_ec] = co_await stream.async_handshake(tuple_awaitable);
  timer.disarm();
  if (hs_ec) {
    env.metrics->handshake_failed();
    telemetry::write(telemetry::level::info, "tls handshake failed",
                     {{"listener", env.listener},
                      {"remote", remote},
                      {"reason", timer.fired() ? std::string("timeout") : hs_ec.message()}});
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
    co_return;
  }

  peer_identity peer = read_peer_identity(stream.native_handle());
  peer_reverification reverify(peer, stream.native_handle(), *env.tls, tls.generation, env);
  if (env.mllp != nullptr) {
    reverifying_mllp_handler handler(*env.mllp, reverify);
    mllp_context context{env.listener, &peer, remote};
    co_await run_mllp_session(stream, env.mllp_bounds, handler, context, *env.state);
  } else {
    reverifying_handler handler(*env.handler, reverify);
    boost::beast::flat_buffer buffer;
    request_context context{env.listener, &peer, remote};
    co_await run_http_session(stream, buffer, env.limits, handler, context, *env.state);
  }

  // Best-effort close_notify; a peer that already left is normal.
  timer.arm(std::chrono::seconds(1), cancel);
  co_await stream.async_shutdown(tuple_awaitable);
  timer.disarm();
  boost::system::error_code ignored;
  stream.lowest_layer().close(ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, connection_env env) {
  auto& ioc = static_cast<asio::io_context&>(acceptor->get_executor().context());
  accept_backoff backoff;
  asio::steady_timer pause(ioc);
  for (;;) {
    auto [ec, socket] = co_await acceptor->async_accept(asio::make_strand(ioc), tuple_awaitable);
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) {
      env.metrics->accept_failed();
      const bool was_backing_off = backoff.backing_off();
      const auto wait = backoff.failed(ec.value());
      if (!was_backing_off && backoff.backing_off()) {
        telemetry::warn("accept failed; backing off while it lasts",
                        {{"listener", env.listener}, {"error", ec.message()}});
      }
      if (wait.count() > 0) {
        pause.expires_after(wait);
        co_await pause.async_wait(tuple_awaitable);
      }
      continue;
    }
    backoff.succeeded();
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

struct server::impl {
  server_options options;
  telemetry::metrics& metrics;
  asio::io_context ioc;
  server_state state;
  std::vector<std::shared_ptr<tcp::acceptor>> acceptors;
  std::list<std::function<void()>> shutdown_callbacks;
  std::list<std::function<void()>> reload_callbacks;
  asio::signal_set signals{ioc};
  asio::signal_set reload_signals{ioc};
  asio::steady_timer drain_timer{ioc};
  std::once_flag stop_once;
  std::chrono::steady_clock::time_point drain_deadline;

  impl(server_options o, telemetry::metrics& m) : options(std::move(o)), metrics(m), ioc(static_cast<int>(threads())) {
    state.max_connections = options.max_connections;
    if (options.handle_signals) {
      // From construction on: a signal that comes before run() waits for it instead of killing us.
      signals.add(SIGINT);
      signals.add(SIGTERM);
      reload_signals.add(SIGHUP);
    }
  }

  void wait_for_reload_signal() {
    reload_signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      run_reload();
      wait_for_reload_signal();
    });
  }

  void run_reload() {
    telemetry::info("reloading");
    for (auto& callback : reload_callbacks) callback();
  }

  unsigned threads() const {
    if (options.io_threads != 0) return options.io_threads;
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }

  void begin_shutdown() {
    std::call_once(stop_once, [this] {
      asio::post(ioc, [this] {
        telemetry::info("shutting down", {{"in_flight", state.in_flight.load()}});
        state.stopping.store(true);
        for (auto& acceptor : acceptors) {
          boost::system::error_code ignored;
          acceptor->close(ignored);
        }
        for (auto& callback : shutdown_callbacks) callback();
        boost::system::error_code ignored;
        signals.cancel(ignored);
        reload_signals.cancel(ignored);
        drain_deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
        wait_for_drain();
      });
    });
  }

  // Polls until no request is in flight (or the grace period ends), then stops the loop.
  void wait_for_drain() {
    if (state.in_flight.load() == 0 || std::chrono::steady_clock::now() >= drain_deadline) {
      ioc.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(10));
    drain_timer.async_wait([this](const boost::system::error_code&) { wait_for_drain(); });
  }
};

server::server(server_options options, telemetry::metrics& metrics)
    : impl_(std::make_unique<impl>(std::move(options), metrics)) {}

server::~server() = default;

asio::io_context& server::io() {
  return impl_->ioc;
}

void server::on_shutdown(std::function<void()> callback) {
  impl_->shutdown_callbacks.push_back(std::move(callback));
}

void server::on_reload(std::function<void()> callback) {
  impl_->reload_callbacks.push_back(std::move(callback));
}

std::variant<std::uint16_t, std::string> server::add_listener(listener_spec spec) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(spec.address, ec);
  if (ec) return "address \"" + spec.address + "\" is not an IP address";
  auto acceptor = std::make_shared<tcp::acceptor>(impl_->ioc);
  const tcp::endpoint endpoint(address, spec.port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + spec.address + ":" + std::to_string(spec.port) + ": " + ec.message();
  const std::uint16_t port = acceptor->local_endpoint().port();
  impl_->acceptors.push_back(acceptor);
  connection_env env{spec.name,     spec.tls,       spec.handler, spec.mllp, spec.mllp_bounds, impl_->options.limits,
                     &impl_->state, &impl_->metrics};
  asio::co_spawn(impl_->ioc, accept_loop(acceptor, std::move(env)), asio::detached);
  return port;
}

void server::run() {
  if (impl_->options.handle_signals) {
    impl_->signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) impl_->begin_shutdown();
    });
    impl_->wait_for_reload_signal();
  }
  std::vector<std::thread> threads;
  const unsigned n = impl_->threads();
  for (unsigned i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
}

void server::stop() {
  impl_->begin_shutdown();
}

}  // namespace gateway::net
