#pragma once
// Delivery by HTTPS POST: the outbox item's payload, with its Content-Type, to one URL, over the
// shared client pool (keep-alive, TLS 1.2+, server verified against the CA and host name, the
// gateway's client certificate presented). Used for referrers whose delivery mode is
// "fhir-message" (URL = referrers[].endpoint, CA = referrers[].server_ca or delivery.server_ca)
// and for the platform webhook (platform.webhook, CloudEvents in structured mode).
//
// The answer becomes a core::delivery_result (see http_delivery_result.hpp): the HTTP status with
// Retry-After, or timeout / connection_refused / connection_lost / tls_failure with the reason.
// Redirects are not followed. Whether to retry is retry_schedule's business, not the sender's.
//
// Thread safety: deliver() may be called from any thread, concurrently; `done` runs once, on an
// I/O thread of the pool's executor. The pool must outlive the sender and its deliveries.
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gateway/core/delivery_port.hpp"
#include "gateway/net/https_client_pool.hpp"

namespace gateway::delivery {

class https_sender;
using https_sender_result = std::variant<std::shared_ptr<https_sender>, std::string>;

class https_sender final : public core::delivery_port, public std::enable_shared_from_this<https_sender> {
 public:
  // `target_url` must be https://...; `tls` names the CA the receiver's certificate must chain
  // to and the gateway's client certificate and key. The error says what is wrong (the URL, or
  // which TLS file cannot be loaded), for a start-up message naming the configuration key.
  // `headers` are added to every request (for example Accept).
  static https_sender_result create(net::https_client_pool& pool, std::string_view target_url,
                                    net::client_tls_files tls,
                                    std::vector<std::pair<std::string, std::string>> headers = {});

  https_sender(net::https_client_pool& pool, std::shared_ptr<net::https_destination> destination, net::https_url url,
               std::vector<std::pair<std::string, std::string>> headers);

  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override;

  // One POST of `item` as a coroutine, for callers already on a strand of the pool's executor.
  boost::asio::awaitable<core::delivery_result> post(core::outbox_item item);

  const net::https_url& url() const { return url_; }

 private:
  net::https_client_pool& pool_;
  std::shared_ptr<net::https_destination> destination_;
  net::https_url url_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

}  // namespace gateway::delivery
