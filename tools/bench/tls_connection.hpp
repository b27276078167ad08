#pragma once
// The load generator's client connection: Beast over TLS with a client certificate (mTLS),
// server certificate verified against the CA and the host name; connect and handshake bounded.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "tools/bench/load_client.hpp"

namespace rg::bench {

using tls_stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

// TLS 1.2+, trusting files.ca, presenting files.cert/key. Null with `error` set on failure.
std::shared_ptr<boost::asio::ssl::context> make_client_tls(const client_tls_files& files, std::string& error);

// Connect and handshake (SNI + host name verification), each bounded by `timeout`.
boost::asio::awaitable<boost::system::error_code> open_connection(tls_stream& stream,
                                                                  boost::asio::ip::tcp::endpoint endpoint,
                                                                  const client_tls_files& tls,
                                                                  std::chrono::milliseconds timeout);

// Best-effort close_notify (bounded to 1 s), then close.
boost::asio::awaitable<void> close_connection(tls_stream& stream);

}  // namespace rg::bench
