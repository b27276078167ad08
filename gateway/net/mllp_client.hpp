#pragma once
// The gateway as an MLLP client (HL7 v2 feedback to clinic systems). Knows no HL7: it sends one
// framed message and returns the one frame that answers it, or why none did.
//
// Guarantees:
// - connect (resolve + TCP + TLS handshake) within connect_timeout, so a dead or black-holed
//   peer never hangs a delivery; the answer (write + whole answer frame) within answer_timeout;
// - TLS when the endpoint says so: TLS 1.2+, the peer verified against its CA and host name, the
//   gateway's client certificate presented (mTLS);
// - one message at a time per connection, and a connection is reused only after a clean
//   exchange: any failure, an answer the caller's check does not accept (an ACK for another
//   message), or bytes beyond the one answer frame close it, so a late answer can never be taken
//   for the next message's;
// - idle connections are kept for idle_timeout and not reused after; a kept connection the peer
//   has closed meanwhile is replaced by a fresh one, once.
//
// Thread safety: exchange() may be called from any strand of the client's executor, also
// concurrently (concurrent exchanges use separate connections). The client must outlive them.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "gateway/net/https_client_types.hpp"

namespace boost::asio::ssl {
class context;
}

namespace gateway::net {

struct mllp_endpoint {
  std::string host;
  std::uint16_t port = 2575;
  bool tls = false;
  client_tls_files tls_files;  // with tls: the peer's CA, and the gateway's certificate and key
};

// "mllp://host:port" (plain) or "mllps://host:port" (TLS); the error says why not.
std::variant<mllp_endpoint, std::string> parse_mllp_url(std::string_view url);

struct mllp_client_options {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds answer_timeout{15'000};
  std::chrono::milliseconds idle_timeout{30'000};
  std::size_t max_answer_bytes = 1024 * 1024;
};

struct mllp_failure {
  enum class kind {
    timeout,             // connect, handshake, or no whole answer in time (silence)
    connection_refused,  // nothing listening
    connection_lost,     // closed or reset before the answer was complete
    tls_failure,         // handshake failed: certificate not trusted, wrong host, ...
    resolve_failure,
    bad_answer,         // the answer is not an MLLP frame, or too large
    unexpected_answer,  // a frame the caller's check refused (for example an ACK for another message)
    setup_failure,      // our own TLS files cannot be loaded, or the message cannot be framed
  };
  kind what = kind::connection_lost;
  std::string detail;
};

std::string_view to_string(mllp_failure::kind k);

using mllp_exchange_result = std::variant<std::string, mllp_failure>;
using mllp_answer_check = std::function<bool(std::string_view answer)>;

class mllp_client {
 public:
  // Loads the TLS files when the endpoint uses TLS; the error names the file.
  static std::variant<std::shared_ptr<mllp_client>, std::string> create(boost::asio::any_io_executor executor,
                                                                        mllp_endpoint endpoint,
                                                                        mllp_client_options options);

  mllp_client(boost::asio::any_io_executor executor, mllp_endpoint endpoint, mllp_client_options options,
              std::shared_ptr<boost::asio::ssl::context> tls);
  ~mllp_client();
  mllp_client(const mllp_client&) = delete;
  mllp_client& operator=(const mllp_client&) = delete;

  // Sends `message` (unframed) and waits for one answer frame, which `is_answer` must accept.
  boost::asio::awaitable<mllp_exchange_result> exchange(std::string message, mllp_answer_check is_answer);

  // Closes the kept connection, if any (for shutdown).
  void close_idle();

  std::uint64_t connections_opened() const;
  const mllp_endpoint& endpoint() const { return endpoint_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

  struct connection;

 private:
  std::unique_ptr<connection> take_idle();
  void keep(std::unique_ptr<connection> c);

  boost::asio::any_io_executor executor_;
  mllp_endpoint endpoint_;
  mllp_client_options options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  mutable std::mutex mutex_;
  std::unique_ptr<connection> idle_;
  std::uint64_t opened_ = 0;
};

}  // namespace gateway::net
