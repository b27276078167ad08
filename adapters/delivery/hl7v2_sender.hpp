#pragma once
// Delivery mode "hl7v2": a referrer's feedback as HL7 v2.5.1 over MLLP (optionally TLS). The
// outbox item holds the FHIR message Bundle (the same item a fhir-message referrer would get);
// the sender writes it as RRI^I12 / ORU^R01 (adapters/hl7v2/feedback_v2.hpp), sends each message
// in turn over the destination's MLLP client and lets each ACK decide (hl7v2_delivery_result.hpp).
// An answer counts only when it is an ACK whose MSA-2 echoes the message's MSH-10; anything else
// closes the connection, so a late ACK is never matched to the next message.
//
// Retries resend the same bytes (MSH-10 derived from the item id): a receiver drops duplicates.
//
// Thread safety: deliver() may be called from any thread; `done` runs once, on an I/O thread of
// the client's executor. The client's executor must outlive deliveries in flight.
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/hl7v2/feedback_v2.hpp"
#include "gateway/core/delivery_port.hpp"
#include "gateway/net/mllp_client.hpp"

namespace gateway::delivery {

class hl7v2_sender;
using hl7v2_sender_result = std::variant<std::shared_ptr<hl7v2_sender>, std::string>;

class hl7v2_sender final : public core::delivery_port, public std::enable_shared_from_this<hl7v2_sender> {
 public:
  // `url` is mllp://host:port or mllps://host:port; `tls` is used for mllps. The error names
  // what is wrong, for a start-up message naming the configuration key.
  static hl7v2_sender_result create(boost::asio::any_io_executor executor, std::string_view url,
                                    net::client_tls_files tls, net::mllp_client_options options,
                                    hl7v2::v2_feedback_settings settings);

  hl7v2_sender(std::shared_ptr<net::mllp_client> client, hl7v2::v2_feedback_settings settings);

  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override;

  // One delivery as a coroutine, for callers already on a strand of the client's executor.
  boost::asio::awaitable<core::delivery_result> send(core::outbox_item item);

  net::mllp_client& client() { return *client_; }

 private:
  std::shared_ptr<net::mllp_client> client_;
  hl7v2::v2_feedback_settings settings_;
};

}  // namespace gateway::delivery
