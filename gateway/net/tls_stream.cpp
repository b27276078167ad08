#include "gateway/net/tls_stream.hpp"

namespace gateway::net {

tls_stream::tls_stream(socket_type socket, SSL_CTX* ctx, tls_engine::role role)
    : socket_(std::move(socket)), engine_(ctx, static_cast<int>(socket_.native_handle()), role) {
  // OpenSSL reads the descriptor itself: it must never block an I/O thread.
  socket_.non_blocking(true);
}

}  // namespace gateway::net
