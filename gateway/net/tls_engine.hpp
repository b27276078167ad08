#pragma once
// The OpenSSL half of net::tls_stream, without Asio: one SSL object that reads TLS records
// straight from the socket's file descriptor (non-blocking, read-ahead) and writes the records it
// makes into an output buffer that the stream then sends. Each call does as much as it can
// without blocking and says whether it is done or needs the socket to become readable first.
//
// Why not boost::asio::ssl::stream: Asio 1.81's stream keeps two 17 KB buffers in its stream_core
// and a BIO pair with two more for the whole life of a connection (~68 KB), whether or not the
// connection is doing anything. Here, between operations nothing is held: OpenSSL releases its
// record buffers when they are empty (SSL_MODE_RELEASE_BUFFERS) and the output buffer is freed
// once sent. Reading from the descriptor also saves a copy per byte received.
//
// Thread safety: none; the owning stream runs one operation at a time on its strand.
#include <openssl/ssl.h>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>

namespace gateway::net {

class tls_engine {
 public:
  enum class role { server, client };

  // What a call asks of the caller once output() is sent: done (ec and bytes hold the result), or
  // wait until the socket is readable and call again with the same arguments.
  struct step {
    bool need_input = false;
    boost::system::error_code ec;
    std::size_t bytes = 0;
  };

  // Takes no ownership of the descriptor (the stream's socket owns it). `ctx` must outlive the
  // engine; the SSL object holds a reference to it. Throws std::bad_alloc if OpenSSL cannot
  // allocate the SSL object.
  tls_engine(SSL_CTX* ctx, int fd, role r);
  ~tls_engine();
  tls_engine(const tls_engine&) = delete;
  tls_engine& operator=(const tls_engine&) = delete;

  step handshake();
  // Up to `size` bytes of application data; 0 bytes asked for is done at once. The peer's
  // close_notify ends the stream with asio::error::eof, a TCP close without it with
  // ssl::error::stream_truncated (as Asio's own stream reports them).
  step read(void* data, std::size_t size);
  // Encrypts up to max_write_bytes from the buffers, coalescing small ones into one record (an
  // HTTP header and its body become one record and one send); `bytes` says how many were taken.
  step write(const boost::asio::const_buffer* buffers, std::size_t count);
  // Sends close_notify; does not wait for the peer's (it may close the socket at once).
  step shutdown();
  // Done at once when decrypted or buffered data is waiting (pipelining); otherwise asks for input.
  step poll_readable();

  // Records to send; the stream sends them after every call, before acting on its step.
  const std::string& output() const { return output_; }
  // The output was sent (or will never be): forget it and free its memory.
  void output_sent();

  SSL* native_handle() const { return ssl_; }

  static constexpr std::size_t max_write_bytes = 64 * 1024;

 private:
  step result_of(int ret, std::size_t bytes);

  SSL* ssl_ = nullptr;
  std::string output_;
};

}  // namespace gateway::net
