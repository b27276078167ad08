// The MLLP client driver: connection set-up under one deadline, then one framed exchange at a
// time, the answer cut out by the same sans-I/O decoder the listener uses.
#include "gateway/net/mllp_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <charconv>
#include <optional>
#include <vector>

#include "gateway/net/deadline.hpp"
#include "gateway/net/https_client_tls.hpp"
#include "gateway/net/mllp_framing.hpp"

namespace gateway::net {
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct mllp_client::connection {
  explicit connection(const asio::any_io_executor& executor) : plain(executor) {}
  tcp::socket plain;                               // the socket (inside `secure` once TLS is set up)
  std::optional<ssl::stream<tcp::socket>> secure;  // with TLS
  std::chrono::steady_clock::time_point last_used{};

  tcp::socket& socket() { return secure ? secure->next_layer() : plain; }
  void close() {
    error_code ignored;
    socket().close(ignored);
  }
};

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
using kind = mllp_failure::kind;

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + " ms";
}

bool is_closed(const error_code& ec) {
  return ec == asio::error::eof || ec == ssl::error::stream_truncated || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

struct round_trip {
  std::variant<std::string, mllp_failure> result;
  bool reusable = false;
  bool stale = false;  // the peer had closed the connection before any byte of the answer
};

template <class Stream>
asio::awaitable<round_trip> send_and_read(Stream& stream, mllp_client::connection& conn, std::string frame,
                                          mllp_answer_check is_answer, mllp_client_options options) {
  deadline timer(co_await asio::this_coro::executor);
  const auto on_expiry = [&conn] { conn.close(); };
  timer.arm(options.answer_timeout, on_expiry);
  round_trip out;

  auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(frame), tuple_awaitable);
  (void)written;
  if (write_ec) {
    timer.disarm();
    out.stale = !timer.fired() && is_closed(write_ec);
    out.result = timer.fired() ? mllp_failure{kind::timeout, "could not send within " + ms(options.answer_timeout)}
                               : mllp_failure{kind::connection_lost, "sending failed: " + write_ec.message()};
    co_return out;
  }

  mllp_decoder decoder(options.max_answer_bytes);
  std::vector<std::string> frames;
  std::array<char, 4096> buffer;
  std::size_t received = 0;
  while (frames.empty()) {
    auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(buffer), tuple_awaitable);
    if (read_ec) {
      timer.disarm();
      out.stale = !timer.fired() && received == 0 && is_closed(read_ec);
      if (timer.fired()) {
        out.result = mllp_failure{kind::timeout, "no answer within " + ms(options.answer_timeout)};
      } else if (read_ec.category() == asio::error::get_ssl_category()) {
        out.result = mllp_failure{kind::tls_failure, tls_failure_reason(read_ec, nullptr)};
      } else {
        out.result = mllp_failure{kind::connection_lost, (received == 0 ? "closed without an answer ("
                                                                        : "closed in the middle of the answer (") +
                                                             read_ec.message() + ")"};
      }
      co_return out;
    }
    received += n;
    if (auto fault = decoder.feed(std::string_view(buffer.data(), n), frames); fault && frames.empty()) {
      timer.disarm();
      out.result = mllp_failure{kind::bad_answer, std::string(describe(*fault))};
      co_return out;
    }
  }
  timer.disarm();
  if (!is_answer(frames.front())) {
    out.result = mllp_failure{kind::unexpected_answer, "the answer is not the acknowledgement of this message"};
    co_return out;
  }
  // Anything beyond the one answer (a second frame, part of one, a framing fault) is unexplained:
  // the connection is not used again.
  out.reusable = frames.size() == 1 && decoder.idle();
  out.result = std::move(frames.front());
  co_return out;
}

asio::awaitable<std::optional<mllp_failure>> open_connection(mllp_client::connection& conn, mllp_endpoint endpoint,
                                                             std::shared_ptr<ssl::context> tls,
                                                             std::chrono::milliseconds timeout) {
  const auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  deadline timer(executor);
  const auto on_expiry = [&resolver, &conn] {
    resolver.cancel();
    conn.close();
  };
  timer.arm(timeout, on_expiry);
  const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);

  auto [resolve_ec, endpoints] =
      co_await resolver.async_resolve(endpoint.host, std::to_string(endpoint.port), tuple_awaitable);
  if (timer.fired())
    co_return mllp_failure{kind::timeout, "resolving " + endpoint.host + " timed out after " + ms(timeout)};
  if (resolve_ec)
    co_return mllp_failure{kind::resolve_failure, "cannot resolve " + endpoint.host + ": " + resolve_ec.message()};

  auto [connect_ec, peer] = co_await asio::async_connect(conn.plain, endpoints, tuple_awaitable);
  (void)peer;
  if (timer.fired()) co_return mllp_failure{kind::timeout, "connect to " + where + " timed out after " + ms(timeout)};
  if (connect_ec) {
    co_return mllp_failure{kind::connection_refused, "cannot connect to " + where + ": " + connect_ec.message()};
  }
  error_code ignored;
  conn.plain.set_option(tcp::no_delay(true), ignored);
  if (!tls) {
    timer.disarm();
    co_return std::nullopt;
  }

  conn.secure.emplace(std::move(conn.plain), *tls);
  if (!expect_server_name(conn.secure->native_handle(), endpoint.host)) {
    co_return mllp_failure{kind::tls_failure, "cannot set the expected server name " + endpoint.host};
  }
  conn.secure->set_verify_callback(ssl::host_name_verification(endpoint.host));
  auto [handshake_ec] = co_await conn.secure->async_handshake(ssl::stream_base::client, tuple_awaitable);
  if (timer.fired())
    co_return mllp_failure{kind::timeout, "TLS handshake with " + where + " timed out after " + ms(timeout)};
  timer.disarm();
  if (handshake_ec)
    co_return mllp_failure{kind::tls_failure, tls_failure_reason(handshake_ec, conn.secure->native_handle())};
  co_return std::nullopt;
}

asio::awaitable<round_trip> exchange_on(mllp_client::connection& conn, std::string frame, mllp_answer_check is_answer,
                                        mllp_client_options options) {
  if (conn.secure)
    co_return co_await send_and_read(*conn.secure, conn, std::move(frame), std::move(is_answer), options);
  co_return co_await send_and_read(conn.plain, conn, std::move(frame), std::move(is_answer), options);
}

}  // namespace

std::string_view to_string(mllp_failure::kind k) {
  switch (k) {
    case kind::timeout:
      return "timeout";
    case kind::connection_refused:
      return "connection refused";
    case kind::connection_lost:
      return "connection lost";
    case kind::tls_failure:
      return "TLS failure";
    case kind::resolve_failure:
      return "resolve failure";
    case kind::bad_answer:
      return "bad answer";
    case kind::unexpected_answer:
      return "unexpected answer";
    case kind::setup_failure:
      return "setup failure";
  }
  return "failure";
}

std::variant<mllp_endpoint, std::string> parse_mllp_url(std::string_view url) {
  mllp_endpoint e;
  if (url.starts_with("mllps://")) {
    e.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("mllp://")) {
    url.remove_prefix(7);
  } else {
    return std::string("must start with mllp:// or mllps://");
  }
  if (url.ends_with('/')) url.remove_suffix(1);
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::string("must be mllp[s]://host:port");
  std::string_view host = url.substr(0, colon);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  const std::string_view port = url.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
    return std::string("the port must be a number 1-65535");
  }
  if (host.empty() || host.find_first_of("/?#@ ") != std::string_view::npos) return std::string("invalid host");
  e.host = std::string(host);
  e.port = static_cast<std::uint16_t>(value);
  return e;
}

std::variant<std::shared_ptr<mllp_client>, std::string> mllp_client::create(asio::any_io_executor executor,
                                                                            mllp_endpoint endpoint,
                                                                            mllp_client_options options) {
  std::shared_ptr<ssl::context> tls;
  if (endpoint.tls) {
    auto made = make_client_tls_context(endpoint.tls_files);
    if (auto* e = std::get_if<std::string>(&made)) return *e;
    tls = std::get<std::shared_ptr<ssl::context>>(std::move(made));
  }
  return std::make_shared<mllp_client>(std::move(executor), std::move(endpoint), options, std::move(tls));
}

mllp_client::mllp_client(asio::any_io_executor executor, mllp_endpoint endpoint, mllp_client_options options,
                         std::shared_ptr<ssl::context> tls)
    : executor_(std::move(executor)), endpoint_(std::move(endpoint)), options_(options), tls_(std::move(tls)) {}

mllp_client::~mllp_client() = default;

std::unique_ptr<mllp_client::connection> mllp_client::take_idle() {
  std::unique_ptr<connection> c;
  {
    std::lock_guard lock(mutex_);
    c = std::move(idle_);
  }
  if (c && std::chrono::steady_clock::now() - c->last_used > options_.idle_timeout) {
    c->close();  // stale by our own rule: never reused
    c.reset();
  }
  return c;
}

void mllp_client::keep(std::unique_ptr<connection> c) {
  c->last_used = std::chrono::steady_clock::now();
  std::unique_ptr<connection> extra;
  {
    std::lock_guard lock(mutex_);
    if (idle_)
      extra = std::move(c);  // one kept connection is enough
    else
      idle_ = std::move(c);
  }
  if (extra) extra->close();
}

void mllp_client::close_idle() {
  std::unique_ptr<connection> c;
  {
    std::lock_guard lock(mutex_);
    c = std::move(idle_);
  }
  if (c) c->close();
}

std::uint64_t mllp_client::connections_opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

asio::awaitable<mllp_exchange_result> mllp_client::exchange(std::string message, mllp_answer_check is_answer) {
  if (!mllp_payload_ok(message)) {
    co_return mllp_failure{kind::setup_failure, "the message contains an MLLP frame byte (0x0B or 0x1C)"};
  }
  const std::string frame = mllp_frame(message);
  std::unique_ptr<connection> conn = take_idle();
  bool reused = conn != nullptr;
  for (;;) {
    if (!conn) {
      conn = std::make_unique<connection>(co_await asio::this_coro::executor);
      auto failed = co_await open_connection(*conn, endpoint_, tls_, options_.connect_timeout);
      if (failed) {
        conn->close();
        co_return *failed;
      }
      std::lock_guard lock(mutex_);
      ++opened_;
    }
    round_trip trip = co_await exchange_on(*conn, frame, is_answer, options_);
    if (trip.stale && reused) {
      conn->close();  // the peer closed the kept connection meanwhile: once more on a fresh one
      conn.reset();
      reused = false;
      continue;
    }
    if (trip.reusable) {
      keep(std::move(conn));
    } else {
      conn->close();
    }
    if (auto* f = std::get_if<mllp_failure>(&trip.result)) co_return *f;
    co_return std::get<std::string>(std::move(trip.result));
  }
}

}  // namespace gateway::net
