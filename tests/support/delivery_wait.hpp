#pragma once
// What the delivery-port tests share (https_sender, hl7v2_sender, bars_sender against a real
// referrer-sim): one delivery awaited, bounded, and the simulator's counters.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "gateway/core/delivery_port.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {

// `sender.deliver(entry, ...)` and the result its callback gives, waiting at most 30 s (a test
// failure and an empty result after that).
template <class Sender>
gateway::core::delivery_result deliver_and_wait(Sender& sender, const gateway::core::outbox_entry& entry) {
  auto promise = std::make_shared<std::promise<gateway::core::delivery_result>>();
  auto future = promise->get_future();
  sender.deliver(entry, [promise](gateway::core::delivery_result r) { promise->set_value(std::move(r)); });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "no delivery result within 30 s";
    return {};
  }
  return future.get();
}

// One of referrer-sim's /stats counters (-1 when it has none of that name), read as practice-a.
inline long referrer_sim_stat(int port, const std::string& certs_dir, const std::string& name) {
  https_client c(port, certs_dir + "/ca.crt", dev_identity(certs_dir, "practice-a"));
  const auto a = c.request("GET", "/stats");
  EXPECT_EQ(a.status, 200) << a.body;
  const auto at = a.body.find("\"" + name + "\":");
  if (at == std::string::npos) return -1;
  return std::stol(a.body.substr(at + name.size() + 3));
}

}  // namespace rg::testing
