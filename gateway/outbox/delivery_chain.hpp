#pragma once
// Two ports in a row for one item: `second` is tried only once `first` delivered it, and the
// item's result is second's. Used for the triage events when a webhook is configured: first the
// JSON Lines file, then the webhook. A retry (webhook down) goes through the file again, which is
// harmless because the file sink is idempotent by event id: the event is still written once.
//
// Thread safety: as the two ports; second.deliver() runs on whatever thread first's `done` runs.
#include <utility>

#include "gateway/core/delivery_port.hpp"

namespace gateway::outbox {

class delivery_chain final : public core::delivery_port {
 public:
  delivery_chain(core::delivery_port& first, core::delivery_port& second) : first_(first), second_(second) {}

  void deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) override {
    first_.deliver(item, then_second{&second_, item, std::move(done)});
  }

 private:
  struct then_second {
    core::delivery_port* second;
    core::outbox_entry item;
    core::store_callback<core::delivery_result> done;
    void operator()(core::delivery_result r) {
      if (!core::is_delivered(r)) {
        done(std::move(r));
        return;
      }
      second->deliver(item, std::move(done));
    }
  };

  core::delivery_port& first_;
  core::delivery_port& second_;
};

}  // namespace gateway::outbox
