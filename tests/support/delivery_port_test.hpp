#pragma once
// What the delivery-port tests share (https_sender, hl7v2_sender, bars_sender against a real
// referrer-sim): an io_context on its own thread for the port under test, the simulator process,
// one delivery awaited (bounded), the simulator's counters and what it recorded, and the retry
// decision a result leads to.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/delivery_port.hpp"
#include "gateway/core/retry_schedule.hpp"
#include "gateway/net/https_client_pool.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/referrer_sim.hpp"

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

// What the outbox's default retry schedule does next after `r` on a first attempt.
inline gateway::core::next_action decide_after_first_attempt(const gateway::core::delivery_result& r) {
  const gateway::core::retry_schedule schedule({}, [] { return 0.5; });
  return schedule.decide({1, std::chrono::system_clock::now()}, r, std::chrono::system_clock::now());
}

// A distinct, valid UUID for message `n`.
inline std::string numbered_uuid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "6a1f7c2e-5b9d-4e8a-9c3f-%012d", n);
  return buf;
}

// The HTTPS client pool settings the HTTPS-based ports are tested with.
inline gateway::net::client_options test_client_options() {
  gateway::net::client_options o;
  o.connect_timeout = std::chrono::seconds(5);
  o.request_timeout = std::chrono::seconds(10);
  o.max_per_destination = 2;
  return o;
}

class delivery_port_test : public ::testing::Test {
 protected:
  void SetUp() override {
    io_thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    sim_.reset();
    work_.reset();
    ioc_.stop();
    io_thread_.join();
  }

  static const std::string& certs() { return shared_certs_dir(); }
  std::string out_file() const { return dir_.str("received.jsonl"); }

  // Starts referrer-sim in `mode` recording to out_file(), with the development server certificate
  // (or `server_dir`'s) and `flags`; port_ becomes its `listener` port.
  void start_referrer_sim(const std::string& mode, const std::string& listener, std::vector<std::string> flags,
                          const std::string& server_dir = {}) {
    sim_ =
        std::make_unique<child_process>(referrer_sim_argv({mode, certs(), server_dir, out_file(), std::move(flags)}));
    ASSERT_TRUE(sim_->started()) << sim_->stderr_text();
    port_ = sim_->port(listener);
    ASSERT_GT(port_, 0);
  }

  // The gateway's own client certificate, key and the CA it trusts receivers by.
  static gateway::net::client_tls_files gateway_tls() {
    return {certs() + "/ca.crt", certs() + "/client-gateway.crt", certs() + "/client-gateway.key"};
  }

  template <class Sender>
  static gateway::core::delivery_result deliver(Sender& sender, const gateway::core::outbox_entry& entry) {
    return deliver_and_wait(sender, entry);
  }

  long stat(const std::string& name) const { return referrer_sim_stat(port_, certs(), name); }

  // What referrer-sim recorded, one line a message.
  std::vector<std::string> recorded_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(out_file());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  temp_dir dir_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{ioc_.get_executor()};
  std::thread io_thread_;
  std::unique_ptr<child_process> sim_;
  int port_ = 0;
};

}  // namespace rg::testing
