#pragma once
// A TLS stream over a TCP socket that holds no buffer while a connection is idle: the gateway's
// replacement for boost::asio::ssl::stream on its listeners (see tls_engine.hpp for why).
//
// An AsyncStream for Beast (async_read_some, async_write_some) plus async_handshake,
// async_shutdown and async_wait_readable, each taking any Asio completion token. Operations
// complete through the handler's associated executor (the connection's strand), never inside
// the call that starts them.
//
// How it waits: OpenSSL reads the socket directly and says when it needs more; the stream then
// waits for readability with a one-byte MSG_PEEK receive, which Asio tries at once before it waits
// (a plain async_wait could miss a readiness edge that another I/O thread consumed first). What
// OpenSSL writes is sent with asio::async_write before the operation goes on.
//
// Cancellation: lowest_layer().cancel() ends the pending operation with operation_aborted. A read
// or a wait that was cancelled leaves the stream usable (so a deadline can still answer 408); a
// write that was cancelled may have sent part of a record, and then the connection must close.
//
// Thread safety: one operation at a time (reads and writes do not overlap), on the strand.
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

#include "gateway/net/tls_engine.hpp"

namespace gateway::net {

class tls_stream;

namespace tls_detail {

enum class op_kind : unsigned char { handshake, read, write, shutdown, wait_readable };

// The one composed operation behind every call: run the engine step, send what it wrote, wait
// for input if it asks, repeat. Buffers is the caller's buffer sequence (unused for handshake,
// shutdown and wait_readable).
template <op_kind Kind, class Buffers>
class engine_op {
 public:
  engine_op(tls_stream& stream, const Buffers& buffers) : stream_(&stream), buffers_(buffers) {}

  template <class Self>
  void operator()(Self& self, boost::system::error_code io_ec = {}, std::size_t = 0);

 private:
  enum class phase : unsigned char { start, sent, waited, posted };

  tls_engine::step run_step();
  template <class Self>
  void wait_for_input(Self& self);
  template <class Self>
  void finish(Self& self, boost::system::error_code ec, std::size_t bytes, bool inline_start);
  template <class Self>
  void complete(Self& self, boost::system::error_code ec, std::size_t bytes) {
    if constexpr (Kind == op_kind::read || Kind == op_kind::write)
      self.complete(ec, bytes);
    else
      self.complete(ec);
  }

  tls_stream* stream_;
  Buffers buffers_;
  phase phase_ = phase::start;
  tls_engine::step held_;  // the step whose output is being sent
};

}  // namespace tls_detail

class tls_stream {
 public:
  using socket_type = boost::asio::ip::tcp::socket;
  using executor_type = socket_type::executor_type;
  using lowest_layer_type = socket_type;
  using next_layer_type = socket_type;

  // `ctx` (the listener's context) must outlive the stream. The socket is switched to
  // non-blocking mode.
  tls_stream(socket_type socket, SSL_CTX* ctx, tls_engine::role role = tls_engine::role::server);
  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  socket_type& lowest_layer() noexcept { return socket_; }
  socket_type& next_layer() noexcept { return socket_; }
  SSL* native_handle() const noexcept { return engine_.native_handle(); }

  // void(error_code)
  template <class Token>
  auto async_handshake(Token&& token) {
    return start<tls_detail::op_kind::handshake>(boost::asio::const_buffer(), std::forward<Token>(token));
  }
  // void(error_code, std::size_t)
  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return start<tls_detail::op_kind::read>(buffers, std::forward<Token>(token));
  }
  // void(error_code, std::size_t)
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return start<tls_detail::op_kind::write>(buffers, std::forward<Token>(token));
  }
  // Sends close_notify. void(error_code)
  template <class Token>
  auto async_shutdown(Token&& token) {
    return start<tls_detail::op_kind::shutdown>(boost::asio::const_buffer(), std::forward<Token>(token));
  }
  // Completes when application data (or the end of the stream) can be read, without a buffer held
  // meanwhile: the keep-alive idle wait. void(error_code)
  template <class Token>
  auto async_wait_readable(Token&& token) {
    return start<tls_detail::op_kind::wait_readable>(boost::asio::const_buffer(), std::forward<Token>(token));
  }

 private:
  template <tls_detail::op_kind Kind, class Buffers>
  friend class tls_detail::engine_op;

  template <tls_detail::op_kind Kind, class Buffers, class Token>
  auto start(const Buffers& buffers, Token&& token) {
    constexpr bool sized = Kind == tls_detail::op_kind::read || Kind == tls_detail::op_kind::write;
    using signature =
        std::conditional_t<sized, void(boost::system::error_code, std::size_t), void(boost::system::error_code)>;
    return boost::asio::async_compose<Token, signature>(tls_detail::engine_op<Kind, Buffers>(*this, buffers), token,
                                                        socket_);
  }

  socket_type socket_;
  tls_engine engine_;
  unsigned char peek_ = 0;  // target of the readiness probe (MSG_PEEK: never consumed)
};

namespace tls_detail {

template <op_kind Kind, class Buffers>
tls_engine::step engine_op<Kind, Buffers>::run_step() {
  tls_engine& engine = stream_->engine_;
  if constexpr (Kind == op_kind::handshake) {
    return engine.handshake();
  } else if constexpr (Kind == op_kind::shutdown) {
    return engine.shutdown();
  } else if constexpr (Kind == op_kind::wait_readable) {
    return engine.poll_readable();
  } else if constexpr (Kind == op_kind::read) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers_); it != boost::asio::buffer_sequence_end(buffers_);
         ++it) {
      const boost::asio::mutable_buffer b(*it);
      if (b.size() != 0) return engine.read(b.data(), b.size());
    }
    return {};
  } else {
    std::array<boost::asio::const_buffer, 16> parts;
    std::size_t n = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers_);
         it != boost::asio::buffer_sequence_end(buffers_) && n < parts.size(); ++it)
      parts[n++] = boost::asio::const_buffer(*it);
    return engine.write(parts.data(), n);
  }
}

template <op_kind Kind, class Buffers>
template <class Self>
void engine_op<Kind, Buffers>::operator()(Self& self, boost::system::error_code io_ec, std::size_t) {
  const bool inline_start = phase_ == phase::start;
  switch (phase_) {
    case phase::start:
      break;
    case phase::sent:
      stream_->engine_.output_sent();
      if (io_ec) return finish(self, io_ec, 0, false);
      if (!held_.need_input) return finish(self, held_.ec, held_.bytes, false);
      return wait_for_input(self);
    case phase::waited:
      // The end of the stream is for OpenSSL to interpret (close_notify or a truncation).
      if (io_ec && io_ec != boost::asio::error::eof) return finish(self, io_ec, 0, false);
      if (Kind == op_kind::wait_readable) return finish(self, io_ec, 0, false);
      break;
    case phase::posted:
      return complete(self, held_.ec, held_.bytes);
  }
  held_ = run_step();
  if (!stream_->engine_.output().empty()) {
    phase_ = phase::sent;
    boost::asio::async_write(stream_->socket_, boost::asio::buffer(stream_->engine_.output()), std::move(self));
    return;
  }
  if (!held_.need_input) return finish(self, held_.ec, held_.bytes, inline_start);
  wait_for_input(self);
}

template <op_kind Kind, class Buffers>
template <class Self>
void engine_op<Kind, Buffers>::wait_for_input(Self& self) {
  phase_ = phase::waited;
  stream_->socket_.async_receive(boost::asio::buffer(&stream_->peek_, 1), boost::asio::socket_base::message_peek,
                                 std::move(self));
}

template <op_kind Kind, class Buffers>
template <class Self>
void engine_op<Kind, Buffers>::finish(Self& self, boost::system::error_code ec, std::size_t bytes, bool inline_start) {
  if (!inline_start) return complete(self, ec, bytes);
  // Done inside the initiating call: complete through the executor, as Asio requires.
  held_ = tls_engine::step{false, ec, bytes};
  phase_ = phase::posted;
  boost::asio::post(std::move(self));
}

}  // namespace tls_detail

}  // namespace gateway::net
