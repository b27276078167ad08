#pragma once
// One MLLP connection after its transport is ready (TLS handshake done, or plain TCP): read
// bytes, let the sans-I/O decoder (mllp_framing.hpp) cut them into messages, answer each message
// in order with what the handler returns, repeat. A template on the stream type, driven by the
// listener with a TCP or TLS stream and by tests with any stream.
//
// Deadlines: idle_timeout while between frames (the connection closes quietly: idle connections
// do not go stale), read_timeout once a frame has begun (an unfinished frame is reported, never
// held), write_timeout for each answer. A malformed or unfinished frame is logged with the
// reason, answered when the handler can answer it, and the connection is closed.
//
// Runs on the connection's strand; the caller keeps `stream` alive until the coroutine ends.
// net::server runs it for listeners whose listener_spec names an mllp_handler.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <exception>
#include <string>
#include <vector>

#include "gateway/net/cancel_pending.hpp"
#include "gateway/net/deadline.hpp"
#include "gateway/net/mllp_framing.hpp"
#include "gateway/net/mllp_handler.hpp"
#include "gateway/net/mllp_limits.hpp"
#include "gateway/net/server_state.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::net {

namespace mllp_detail {

inline constexpr auto tuple_awaitable = boost::asio::as_tuple(boost::asio::use_awaitable);

template <class Stream>
boost::asio::awaitable<bool> write_frame(Stream& stream, const std::string& message, deadline& timer,
                                         std::chrono::milliseconds timeout) {
  if (!mllp_payload_ok(message)) co_return false;  // would break the framing: a bug of the handler
  const std::string frame = mllp_frame(message);
  timer.arm(timeout, [&stream] { cancel_pending(stream); });
  auto [ec, n] = co_await boost::asio::async_write(stream, boost::asio::buffer(frame), tuple_awaitable);
  timer.disarm();
  (void)n;
  co_return !ec;
}

inline void log_bad_frame(const mllp_context& context, std::string_view reason, std::size_t bytes) {
  telemetry::warn("mllp frame refused; connection closed", {{"listener", std::string(context.listener)},
                                                            {"remote", context.remote_address},
                                                            {"reason", std::string(reason)},
                                                            {"frame_bytes", static_cast<unsigned long>(bytes)}});
}

}  // namespace mllp_detail

// Returns when the connection should be closed.
template <class Stream>
boost::asio::awaitable<void> run_mllp_session(Stream& stream, mllp_limits limits, mllp_handler& handler,
                                              mllp_context context, server_state& state) {
  using mllp_detail::tuple_awaitable;
  deadline timer(co_await boost::asio::this_coro::executor);
  const auto cancel = [&stream] { cancel_pending(stream); };
  mllp_decoder decoder(limits.max_frame_bytes);
  std::vector<std::string> frames;
  std::array<char, 16 * 1024> buffer;

  for (;;) {
    for (std::string& frame : frames) {
      if (state.stopping.load()) co_return;  // unanswered: the sender sends it again
      state.in_flight.fetch_add(1);
      mllp_answer answer;
      try {
        answer = co_await handler.handle(std::move(frame), context);
      } catch (const std::exception&) {
        answer = mllp_answer{{}, true};  // never answer what was not handled
      }
      const bool written = answer.message.empty() ||
                           co_await mllp_detail::write_frame(stream, answer.message, timer, limits.write_timeout);
      state.in_flight.fetch_sub(1);
      if (!written || answer.close_after) co_return;
    }
    frames.clear();

    if (const auto fault = decoder.fault()) {
      std::string reason(describe(*fault));
      if (*fault == mllp_fault::frame_too_large)
        reason.append(" (").append(std::to_string(limits.max_frame_bytes)).append(" bytes)");
      mllp_detail::log_bad_frame(context, reason, decoder.pending_bytes());
      const std::string answer = handler.malformed(reason, decoder.partial(), context);
      if (!answer.empty()) co_await mllp_detail::write_frame(stream, answer, timer, limits.write_timeout);
      co_return;
    }
    if (state.stopping.load()) co_return;

    const bool between_frames = decoder.idle();
    timer.arm(between_frames ? limits.idle_timeout : limits.read_timeout, cancel);
    auto [ec, n] = co_await stream.async_read_some(boost::asio::buffer(buffer), tuple_awaitable);
    timer.disarm();
    if (ec) {
      if (!between_frames || !decoder.idle()) {
        // A frame had begun: say so, never hold it silently.
        const bool timed_out = timer.fired();
        const std::string reason = timed_out ? "incomplete MLLP frame: no end block within the read timeout"
                                             : "the connection closed in the middle of an MLLP frame";
        mllp_detail::log_bad_frame(context, reason, decoder.pending_bytes());
        const std::string answer = handler.malformed(reason, decoder.partial(), context);
        if (timed_out && !answer.empty())
          co_await mllp_detail::write_frame(stream, answer, timer, limits.write_timeout);
      }
      co_return;  // closed, reset, idle timeout: nothing held
    }
    decoder.feed(std::string_view(buffer.data(), n), frames);
  }
}

}  // namespace gateway::net
