#pragma once
// One HTTP/1.1 connection after its transport is ready (TLS handshake done, or plain TCP):
// read a request within the limits, let the handler answer, write the answer, repeat while
// keep-alive lasts. Pipelined requests are answered in order from the same buffer.
//
// A template on the stream type so tests drive it with boost::beast::test::stream
// (tests/unit/net/http_session_test.cpp, with a failure injected at every step).
// Runs on the connection's strand; the caller keeps `stream` alive until the coroutine ends.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <exception>
#include <optional>

#include "gateway/net/cancel_pending.hpp"
#include "gateway/net/deadline.hpp"
#include "gateway/net/http_handler.hpp"
#include "gateway/net/server_state.hpp"
#include "gateway/net/session_limits.hpp"

namespace gateway::net {

namespace session_detail {

using net::cancel_pending;

inline constexpr auto tuple_awaitable = boost::asio::as_tuple(boost::asio::use_awaitable);
inline constexpr std::size_t request_buffer_bytes = 4096;

template <class Stream, class Message>
boost::asio::awaitable<bool> write_message(Stream& stream, Message& message, deadline& timer,
                                           std::chrono::milliseconds timeout) {
  timer.arm(timeout, [&stream] { cancel_pending(stream); });
  auto [ec, n] = co_await boost::beast::http::async_write(stream, message, tuple_awaitable);
  timer.disarm();
  (void)n;
  co_return !ec;
}

// Waits for the first byte of the next request. A stream that can wait without a buffer
// (tls_stream::async_wait_readable) holds none meanwhile, and the session's buffer is freed too:
// an idle keep-alive connection then costs little more than its TLS state. Other streams read
// into the buffer. Returns false when the connection should close (end, reset, idle timeout).
template <class Stream>
boost::asio::awaitable<bool> wait_for_request(Stream& stream, boost::beast::flat_buffer& buffer) {
  if constexpr (requires { stream.async_wait_readable(tuple_awaitable); }) {
    buffer.shrink_to_fit();
    auto [ec] = co_await stream.async_wait_readable(tuple_awaitable);
    if (ec) co_return false;
    buffer.reserve(request_buffer_bytes);  // most requests then arrive in one read
    co_return true;
  } else {
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(request_buffer_bytes), tuple_awaitable);
    if (ec) co_return false;
    buffer.commit(n);
    co_return true;
  }
}

}  // namespace session_detail

// Returns when the connection should be closed (by the peer, a limit, an error or shutdown).
template <class Stream>
boost::asio::awaitable<void> run_http_session(Stream& stream, boost::beast::flat_buffer& buffer, session_limits limits,
                                              http_handler& handler, request_context context, server_state& state) {
  namespace http = boost::beast::http;
  using session_detail::tuple_awaitable;
  deadline timer(co_await boost::asio::this_coro::executor);
  const auto cancel = [&stream] { session_detail::cancel_pending(stream); };

  for (;;) {
    if (state.stopping.load()) co_return;
    // Keep-alive idle wait: the next request's first byte, unless pipelining left one here.
    if (buffer.size() == 0) {
      timer.arm(limits.idle_timeout, cancel);
      const bool arrived = co_await session_detail::wait_for_request(stream, buffer);
      timer.disarm();
      if (!arrived) co_return;  // closed, idle timeout, or reset: nothing to answer
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    std::optional<request_fault> fault;

    timer.arm(limits.header_timeout, cancel);
    auto [header_ec, header_n] = co_await http::async_read_header(stream, buffer, parser, tuple_awaitable);
    timer.disarm();
    (void)header_n;
    if (header_ec == http::error::header_limit) {
      fault = request_fault::header_too_large;
    } else if (header_ec == http::error::body_limit) {
      fault = request_fault::body_too_large;
    } else if (header_ec && timer.fired()) {
      fault = request_fault::timeout;
    } else if (header_ec == http::error::end_of_stream || header_ec == boost::asio::error::eof ||
               header_ec == boost::asio::error::connection_reset) {
      co_return;
    } else if (header_ec) {
      fault = request_fault::malformed;
    }

    // A Content-Length over the body limit is refused once every field is parsed (Beast then
    // leaves is_header_done() false): the header is known then too.
    const bool header_read = parser.is_header_done() || header_ec == http::error::body_limit;
    if (!fault) {
      const auto length = parser.content_length();
      if (length && *length > limits.body_bytes) fault = request_fault::body_too_large;
    }

    if (!fault && !parser.is_done()) {
      if (boost::beast::iequals(parser.get()[http::field::expect], "100-continue")) {
        http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
        if (!co_await session_detail::write_message(stream, go_on, timer, limits.write_timeout)) co_return;
      }
      timer.arm(limits.body_timeout, cancel);
      auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
      timer.disarm();
      (void)body_n;
      if (body_ec == http::error::body_limit)
        fault = request_fault::body_too_large;
      else if (body_ec && timer.fired())
        fault = request_fault::timeout;
      else if (body_ec == http::error::end_of_stream || body_ec == boost::asio::error::eof)
        co_return;
      else if (body_ec)
        fault = request_fault::malformed;
    }

    if (fault) {
      // The rest of the request cannot be trusted or skipped safely: answer and close.
      request_context at_fault = context;
      if (header_read) at_fault.head = &parser.get();
      http_response answer = handler.fault_response(*fault, at_fault);
      answer.keep_alive(false);
      answer.prepare_payload();
      co_await session_detail::write_message(stream, answer, timer, limits.write_timeout);
      co_return;
    }

    http_request request = parser.release();
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    state.in_flight.fetch_add(1);
    http_response answer;
    try {
      answer = co_await handler.handle(std::move(request), context);
    } catch (const std::exception&) {
      answer = http_response{};
      answer.result(http::status::internal_server_error);
    }
    answer.version(version);
    answer.keep_alive(keep_alive && !state.stopping.load());
    answer.prepare_payload();
    const bool written = co_await session_detail::write_message(stream, answer, timer, limits.write_timeout);
    state.in_flight.fetch_sub(1);
    if (!written || !answer.keep_alive()) co_return;
  }
}

}  // namespace gateway::net
