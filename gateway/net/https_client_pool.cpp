// The thin I/O driver around client_pool_state: it asks the state machine what to do, opens,
// reuses and closes connections accordingly, and runs one request/response exchange at a time
// per connection. Every read and write is bounded by a deadline; every failure becomes a
// transport_failure value.
#include "gateway/net/https_client_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

#include "gateway/net/client_pool_state.hpp"
#include "gateway/net/deadline.hpp"
#include "gateway/net/https_client_tls.hpp"

namespace gateway::net {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct client_connection {
  client_connection(const asio::any_io_executor& executor, std::shared_ptr<ssl::context> context)
      : tls(std::move(context)), stream(executor, *tls) {}
  std::shared_ptr<ssl::context> tls;  // the context of its handshake (replaced ones are not reused)
  ssl::stream<tcp::socket> stream;
  beast::flat_buffer buffer;
};

void close_now(client_connection& c) {
  error_code ignored;
  c.stream.lowest_layer().close(ignored);
}

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

// The peer went away (cleanly or not) before the exchange completed.
bool is_closed(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
         ec == ssl::error::stream_truncated || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

}  // namespace

class https_destination {
 public:
  https_destination(https_url url, std::shared_ptr<ssl::context> tls, const client_options& o)
      : url_(std::move(url)),
        host_header_(host_header(url_)),
        tls_(std::move(tls)),
        state_(client_pool_state::limits{o.max_per_destination, o.max_idle_per_destination, o.idle_timeout}) {}

  using id = client_pool_state::connection_id;

  // Under mutex_: detaches the connections the state machine said to close.
  std::vector<std::unique_ptr<client_connection>> take(const std::vector<id>& ids) {
    std::vector<std::unique_ptr<client_connection>> out;
    for (const id i : ids) {
      const auto it = connections_.find(i);
      if (it == connections_.end()) continue;
      out.push_back(std::move(it->second));
      connections_.erase(it);
    }
    return out;
  }

  // Under mutex_: wakes a waiter by cancelling its timer on the waiter's own executor.
  void wake(const std::optional<client_pool_state::wake>& w) {
    if (!w) return;
    const auto it = waiters_.find(w->waiter);
    if (it == waiters_.end()) return;
    std::shared_ptr<asio::steady_timer> timer = it->second;
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }

  void release(id connection, bool reusable) {
    std::vector<std::unique_ptr<client_connection>> closing;
    {
      std::lock_guard lock(mutex_);
      // A connection verified with a context that was replaced since (new CRLs) is not reused.
      if (const auto it = connections_.find(connection); it != connections_.end() && it->second->tls != tls_)
        reusable = false;
      auto r = state_.release(connection, reusable, client_pool_state::clock::now());
      wake(r.woken);
      closing = take(r.close);
    }
    for (auto& c : closing) close_now(*c);
  }

  https_url url_;
  std::string host_header_;
  std::mutex mutex_;
  std::shared_ptr<ssl::context> tls_;  // under mutex_: reload_tls() replaces it
  client_pool_state state_;
  std::map<id, std::unique_ptr<client_connection>> connections_;  // opened ones (idle or busy)
  std::map<client_pool_state::ticket, std::shared_ptr<asio::steady_timer>> waiters_;
};

namespace {

using grant = client_pool_state::grant;

// A connection slot or reusable connection from the destination's pool, waiting if all are busy.
asio::awaitable<std::variant<grant, transport_failure>> acquire(https_destination& dest,
                                                                std::chrono::milliseconds wait_limit) {
  const auto executor = co_await asio::this_coro::executor;
  std::vector<std::unique_ptr<client_connection>> expired;
  std::shared_ptr<asio::steady_timer> timer;
  client_pool_state::ticket ticket = 0;
  std::optional<grant> now;
  {
    std::lock_guard lock(dest.mutex_);
    auto r = dest.state_.checkout(client_pool_state::clock::now());
    expired = dest.take(r.close);
    if (r.now) {
      now = r.now;
    } else {
      ticket = r.waiting;
      timer = std::make_shared<asio::steady_timer>(executor);
      timer->expires_after(wait_limit);
      dest.waiters_[ticket] = timer;
    }
  }
  for (auto& c : expired) close_now(*c);
  if (now) co_return *now;

  co_await timer->async_wait(tuple_awaitable);  // cancelled when woken, expires otherwise
  std::lock_guard lock(dest.mutex_);
  dest.waiters_.erase(ticket);
  if (auto g = dest.state_.cancel_wait(ticket)) co_return *g;
  co_return transport_failure{transport_failure::kind::timeout,
                              "no connection to " + dest.host_header_ + " became free within " + ms(wait_limit)};
}

// Resolve, TCP connect and TLS handshake within one timeout.
asio::awaitable<std::optional<transport_failure>> open_connection(client_connection& conn, https_url url,
                                                                  std::chrono::milliseconds timeout) {
  using kind = transport_failure::kind;
  const auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  deadline timer(executor);
  // A connection that timed out is discarded, so the deadline closes it outright (closing also
  // stops a range connect from trying the next address).
  const auto on_expiry = [&resolver, &conn] {
    resolver.cancel();
    close_now(conn);
  };
  timer.arm(timeout, on_expiry);
  const std::string where = host_header(url);

  const std::string port = std::to_string(url.port);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(url.host, port, tuple_awaitable);
  if (timer.fired())
    co_return transport_failure{kind::timeout, "resolving " + url.host + " timed out after " + ms(timeout)};
  if (resolve_ec)
    co_return transport_failure{kind::resolve_failure, "cannot resolve " + url.host + ": " + resolve_ec.message()};

  auto [connect_ec, endpoint] = co_await asio::async_connect(conn.stream.lowest_layer(), endpoints, tuple_awaitable);
  (void)endpoint;
  if (timer.fired())
    co_return transport_failure{kind::timeout, "connect to " + where + " timed out after " + ms(timeout)};
  if (connect_ec == asio::error::connection_refused) {
    co_return transport_failure{kind::connection_refused, "connection refused by " + where};
  }
  if (connect_ec)
    co_return transport_failure{kind::connection_refused, "cannot connect to " + where + ": " + connect_ec.message()};
  error_code ignored;
  conn.stream.lowest_layer().set_option(tcp::no_delay(true), ignored);

  if (!expect_server_name(conn.stream.native_handle(), url.host)) {
    co_return transport_failure{kind::tls_failure, "cannot set the expected server name " + url.host};
  }
  conn.stream.set_verify_callback(ssl::host_name_verification(url.host));
  auto [handshake_ec] = co_await conn.stream.async_handshake(ssl::stream_base::client, tuple_awaitable);
  if (timer.fired())
    co_return transport_failure{kind::timeout, "TLS handshake with " + where + " timed out after " + ms(timeout)};
  timer.disarm();
  if (handshake_ec) {
    co_return transport_failure{kind::tls_failure, tls_failure_reason(handshake_ec, conn.stream.native_handle())};
  }
  co_return std::nullopt;
}

struct exchange_outcome {
  client_result result;
  bool reusable = false;
  bool stale = false;  // closed by the peer before any byte of the answer: safe to try a fresh connection
};

transport_failure exchange_failure(const error_code& ec, bool timed_out, client_connection& conn,
                                   const client_options& options) {
  using kind = transport_failure::kind;
  if (timed_out) return {kind::timeout, "no complete answer within " + ms(options.request_timeout)};
  if (ec == http::error::body_limit) {
    return {kind::protocol_error,
            "response body larger than " + std::to_string(options.max_response_body_bytes) + " bytes"};
  }
  if (ec == http::error::header_limit) {
    return {kind::protocol_error,
            "response header larger than " + std::to_string(options.max_response_header_bytes) + " bytes"};
  }
  if (is_closed(ec))
    return {kind::connection_lost, "connection closed before the answer was complete (" + ec.message() + ")"};
  if (ec.category() == asio::error::get_ssl_category()) {
    // TLS 1.3: a server that refuses our certificate says so after our handshake has finished.
    return {kind::tls_failure, tls_failure_reason(ec, conn.stream.native_handle())};
  }
  if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    return {kind::protocol_error, "malformed response: " + ec.message()};
  }
  return {kind::connection_lost, ec.message()};
}

asio::awaitable<exchange_outcome> exchange(client_connection& conn, const http::request<http::string_body>& request,
                                           client_options options) {
  deadline timer(co_await asio::this_coro::executor);
  const auto on_expiry = [&conn] { close_now(conn); };
  timer.arm(options.request_timeout, on_expiry);

  exchange_outcome out;
  auto [write_ec, written] = co_await http::async_write(conn.stream, request, tuple_awaitable);
  (void)written;
  if (write_ec) {
    timer.disarm();
    out.stale = !timer.fired() && is_closed(write_ec);
    out.result = exchange_failure(write_ec, timer.fired(), conn, options);
    co_return out;
  }

  http::response_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options.max_response_header_bytes));
  parser.body_limit(options.max_response_body_bytes);
  auto [read_ec, read] = co_await http::async_read(conn.stream, conn.buffer, parser, tuple_awaitable);
  (void)read;
  timer.disarm();
  if (read_ec) {
    out.stale = !timer.fired() && !parser.got_some() && is_closed(read_ec);
    out.result = exchange_failure(read_ec, timer.fired(), conn, options);
    co_return out;
  }

  http::response<http::string_body> response = parser.release();
  client_response answer;
  answer.status = static_cast<int>(response.result_int());
  for (const auto& field : response) answer.headers.emplace_back(field.name_string(), field.value());
  out.reusable = response.keep_alive() && !response.need_eof();
  answer.body = std::move(response.body());
  out.result = std::move(answer);
  co_return out;
}

http::request<http::string_body> build_request(const https_destination& dest, std::string target,
                                               client_request request) {
  http::request<http::string_body> req;
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    req.method_string(request.method);
  } else {
    req.method(verb);
  }
  req.target(target);
  req.version(11);
  req.set(http::field::host, dest.host_header_);
  req.set(http::field::user_agent, "referral-gateway");
  if (!request.content_type.empty()) req.set(http::field::content_type, request.content_type);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.keep_alive(true);
  req.prepare_payload();
  return req;
}

}  // namespace

https_client_pool::https_client_pool(asio::any_io_executor executor, client_options options)
    : executor_(std::move(executor)), options_(options) {}

https_client_pool::~https_client_pool() = default;

destination_result https_client_pool::destination(const https_url& url, const client_tls_files& tls) {
  std::string host = url.host;
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto key = std::make_tuple(host, url.port, tls);
  std::lock_guard lock(mutex_);
  if (const auto it = destinations_.find(key); it != destinations_.end()) return it->second;
  auto context = make_client_tls_context(tls);
  if (auto* error = std::get_if<std::string>(&context)) return *error;
  https_url where{host, url.port, "/"};
  auto dest = std::make_shared<https_destination>(
      std::move(where), std::get<std::shared_ptr<ssl::context>>(std::move(context)), options_);
  destinations_.emplace(std::move(key), dest);
  return dest;
}

asio::awaitable<client_result> https_client_pool::send(std::shared_ptr<https_destination> dest, std::string target,
                                                       client_request request) {
  const http::request<http::string_body> req = build_request(*dest, std::move(target), std::move(request));
  // Each stale keep-alive connection is dropped and the request tried again; a fresh connection
  // is never retried.
  const std::size_t max_tries = dest->state_.settings().max_idle + 1;
  for (std::size_t attempt = 1;; ++attempt) {
    auto acquired = co_await acquire(*dest, options_.request_timeout);
    if (auto* failure = std::get_if<transport_failure>(&acquired)) co_return std::move(*failure);
    const grant g = std::get<grant>(acquired);

    client_connection* conn = nullptr;
    if (g.what == grant::kind::open) {
      std::shared_ptr<ssl::context> tls;
      {
        std::lock_guard lock(dest->mutex_);
        tls = dest->tls_;
      }
      auto fresh = std::make_unique<client_connection>(executor_, std::move(tls));
      // Coroutine arguments with destructors are built outside the co_await (g++ 12, STYLE.md).
      auto opening = open_connection(*fresh, dest->url_, options_.connect_timeout);
      auto failure = co_await std::move(opening);
      if (failure) {
        close_now(*fresh);
        std::lock_guard lock(dest->mutex_);
        dest->wake(dest->state_.open_failed(g.id));
        co_return std::move(*failure);
      }
      opened_.fetch_add(1);
      conn = fresh.get();
      std::lock_guard lock(dest->mutex_);
      dest->state_.open_succeeded(g.id);
      dest->connections_[g.id] = std::move(fresh);
    } else {
      std::lock_guard lock(dest->mutex_);
      conn = dest->connections_.at(g.id).get();
    }

    exchange_outcome outcome = co_await exchange(*conn, req, options_);
    dest->release(g.id, outcome.reusable);
    if (outcome.stale && g.what == grant::kind::reuse && attempt < max_tries) continue;
    co_return std::move(outcome.result);
  }
}

std::string https_client_pool::reload_tls() {
  std::vector<std::pair<client_tls_files, std::shared_ptr<https_destination>>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, dest] : destinations_) all.emplace_back(std::get<2>(key), dest);
  }
  std::string problem;
  for (auto& [files, dest] : all) {
    auto context = make_client_tls_context(files);
    if (auto* error = std::get_if<std::string>(&context)) {
      if (problem.empty()) problem = dest->host_header_ + ": " + *error;
      continue;
    }
    std::vector<std::unique_ptr<client_connection>> closing;
    {
      std::lock_guard lock(dest->mutex_);
      dest->tls_ = std::get<std::shared_ptr<ssl::context>>(std::move(context));
      closing = dest->take(dest->state_.close_idle());
    }
    for (auto& c : closing) close_now(*c);
  }
  return problem;
}

void https_client_pool::close_idle() {
  std::vector<std::shared_ptr<https_destination>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, dest] : destinations_) all.push_back(dest);
  }
  for (auto& dest : all) {
    std::vector<std::unique_ptr<client_connection>> closing;
    {
      std::lock_guard lock(dest->mutex_);
      closing = dest->take(dest->state_.close_idle());
    }
    for (auto& c : closing) close_now(*c);
  }
}

}  // namespace gateway::net
