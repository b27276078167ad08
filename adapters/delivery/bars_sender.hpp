#pragma once
// Delivery mode "bars": BaRS servicerequest-response replies to one referrer's $process-message
// over the shared HTTPS client pool (keep-alive, TLS 1.2+, the server verified against the CA
// and host name, the gateway's client certificate presented). Each outbox item is a
// bars::reply_envelope: the sender POSTs its message to its URL with its X-Request-ID,
// X-Correlation-ID and NHSD-Target-Identifier, and classifies the answer by BaRS's rules
// (bars_delivery_result.hpp). Before sending it checks the URL is still one the referrer's
// configuration allows (bars::url_allowed); an item that is not an envelope, or names another
// URL, is a permanent failure (dead-letter, visible to operators), never sent.
//
// Ordering and crash guarantees are the outbox's, as for every feedback mode: items of one
// referral in order, one at a time; a crash between send and record repeats the same request
// (same X-Request-ID), which a BaRS receiver answers 409 duplicate, counted as delivered.
//
// Thread safety: deliver() may be called from any thread, concurrently; `done` runs once, on an
// I/O thread of the pool's executor. The pool must outlive the sender and its deliveries.
#include <boost/asio/awaitable.hpp>

#include <memory>

#include "adapters/bars/reply_route.hpp"
#include "gateway/core/delivery_port.hpp"
#include "gateway/net/https_client_pool.hpp"

namespace gateway::delivery {

class bars_sender final : public core::delivery_port, public std::enable_shared_from_this<bars_sender> {
 public:
  bars_sender(net::https_client_pool& pool, bars::referrer_routing routing, net::client_tls_files tls);

  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override;

  // One attempt as a coroutine, for callers already on a strand of the pool's executor.
  boost::asio::awaitable<core::delivery_result> post(core::outbox_item item);

 private:
  net::https_client_pool& pool_;
  bars::referrer_routing routing_;
  net::client_tls_files tls_;
};

}  // namespace gateway::delivery
