#pragma once
// The gateway as an HTTPS/1.1 client (feedback to referrers, webhooks to the platform). Knows no
// FHIR: it sends a request and returns the status, headers and body, or the transport failure.
//
// Guarantees:
// - one keep-alive pool per destination (host, port and TLS files); at most
//   max_per_destination connections each; further requests wait their turn (first come, first
//   served) up to request_timeout;
// - TLS 1.2+, the server certificate verified against the destination's CA and the URL's host
//   (SNI + host name verification), our client certificate presented when asked (mTLS);
// - connect (resolve + TCP + TLS handshake) and request (write + whole response) timeouts;
// - redirects are not followed (a 3xx is just a status); responses are bounded in size;
// - a reused keep-alive connection that turns out to be closed by the server before any byte of
//   the answer is replaced by a fresh one (the request is sent again; receivers drop duplicates
//   by message id).
//
// Thread safety: destination() and send() may be called from any thread. Run each send() on a
// strand (or a single-threaded executor) of the pool's executor: a waiter is woken by posting
// to its own executor. The pool must outlive every send() in progress.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <variant>

#include "gateway/net/https_client_types.hpp"

namespace gateway::net {

// One destination: its TLS context, its pool state and its connections (opaque outside the pool).
class https_destination;

using destination_result = std::variant<std::shared_ptr<https_destination>, std::string>;

class https_client_pool {
 public:
  https_client_pool(boost::asio::any_io_executor executor, client_options options);
  ~https_client_pool();
  https_client_pool(const https_client_pool&) = delete;
  https_client_pool& operator=(const https_client_pool&) = delete;

  // The destination for the URL's host and port with these TLS files, made on first use (the CA
  // and client identity are loaded then, so a bad file is reported here, naming it).
  destination_result destination(const https_url& url, const client_tls_files& tls);

  // Sends one request to `target` (path and query) on the destination.
  boost::asio::awaitable<client_result> send(std::shared_ptr<https_destination> dest, std::string target,
                                             client_request request);

  // Closes every idle connection (for shutdown; busy ones close when their request ends).
  void close_idle();

  // Reloads every destination's TLS files (CA, CRLs, client identity), e.g. on SIGHUP: new
  // connections handshake with the new context; idle connections close, busy ones close when
  // their request ends. A destination whose files fail keeps its context; the first such problem
  // is returned (empty: all reloaded).
  std::string reload_tls();

  // Connections successfully opened (TCP + TLS) over all destinations since start.
  std::uint64_t connections_opened() const { return opened_.load(); }
  const client_options& options() const { return options_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  boost::asio::any_io_executor executor_;
  client_options options_;
  std::atomic<std::uint64_t> opened_{0};
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::uint16_t, client_tls_files>, std::shared_ptr<https_destination>> destinations_;
};

}  // namespace gateway::net
