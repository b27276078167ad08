#pragma once
// The delivery "none": a referrer that receives nothing and polls GET /Task instead. Its feedback
// items are reported delivered at once, without sending, so they leave the queue (and the items
// behind them for the same referral follow). Also the default for referrers not in configuration.
//
// Thread safety: stateless; `done` runs on the caller's thread.
#include "gateway/core/delivery_port.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::outbox {

class discard_port final : public core::delivery_port {
 public:
  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override {
    telemetry::write(telemetry::level::debug, "outbox: not sent, the receiver polls",
                     {{"id", item.item.id}, {"channel", item.item.channel}, {"destination", item.item.destination}});
    core::delivery_result r;
    r.what = core::delivery_result::kind::http_response;
    r.http_status = 204;  // nothing to send counts as delivered
    r.detail = "delivery none";
    done(std::move(r));
  }
};

}  // namespace gateway::outbox
