#pragma once
// Delivery mode "bars": a referrer's feedback as BaRS servicerequest-response replies to its
// $process-message, over the shared HTTPS client pool (keep-alive, TLS 1.2+, the server verified
// against the CA and host name, the gateway's client certificate presented).
//
// The outbox item is the ordinary feedback message (gateway/core/feedback_message.hpp, with the
// ServiceRequest). For each attempt the sender reads the referral's BaRS conversation (the
// stored Basic "bars-<ServiceRequest id>", written with the referral by $process-message),
// checks it belongs to the item's referrer, builds the reply (bars/reply_message.hpp), and POSTs
// it to the URL the referrer's configuration allows with X-Request-ID (the item id),
// X-Correlation-ID (the original message's) and NHSD-Target-Identifier; the answer is classified
// by BaRS's rules (bars_delivery_result.hpp).
//
// Permanent failures (dead-letter, visible to operators, never sent): a referral without a BaRS
// conversation (it did not arrive by $process-message, so there is no message to reply to), a
// conversation owned by another organisation, an item that cannot become a valid reply. A store
// that cannot be read is a transient failure (retried).
//
// Ordering and crash guarantees are the outbox's, as for every feedback mode: items of one
// referral in order, one at a time; a crash between send and record repeats the same request
// (same bytes, same X-Request-ID), which a BaRS receiver answers 409 duplicate, counted as
// delivered.
//
// Thread safety: deliver() may be called from any thread, concurrently; `done` runs once, on an
// I/O thread of the pool's executor. The pool and the reader's store must outlive deliveries.
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>

#include "adapters/bars/reply_route.hpp"
#include "gateway/core/delivery_port.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/net/https_client_pool.hpp"

namespace gateway::delivery {

// Reads a stored resource (core::store::read); the callback may run on any thread.
using resource_reader =
    std::function<void(std::string type, std::string id, core::store_callback<core::read_outcome> done)>;

struct bars_sender_settings {
  bars::referrer_routing routing;  // referrers[].endpoint and .bars
  std::string platform_ods;        // platform.organization: the replies' sender
};

class bars_sender final : public core::delivery_port, public std::enable_shared_from_this<bars_sender> {
 public:
  bars_sender(net::https_client_pool& pool, bars_sender_settings settings, net::client_tls_files tls,
              resource_reader read);

  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override;

  // One attempt as a coroutine, given the conversation's read outcome, for callers already on a
  // strand of the pool's executor.
  boost::asio::awaitable<core::delivery_result> post(core::outbox_item item, core::read_outcome conversation);

 private:
  net::https_client_pool& pool_;
  bars_sender_settings settings_;
  net::client_tls_files tls_;
  resource_reader read_;
};

}  // namespace gateway::delivery
