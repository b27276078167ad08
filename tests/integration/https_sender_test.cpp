// https_sender (the gateway's HTTPS delivery over its client pool) against a real referrer-sim
// process on loopback, over real mutual TLS with certificates made by gatewayctl certs init:
// what each receiver behaviour becomes as a core::delivery_result, and keep-alive reuse.
#include "adapters/delivery/https_sender.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <sstream>

#include "tests/support/delivery_port_test.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;
using gateway::core::delivery_result;
using kind = gateway::core::delivery_result::kind;

// A valid FHIR message: MessageHeader first (id = the outbox item's stable id), then the Task.
std::string message(const std::string& id) {
  return R"({"resourceType":"Bundle","id":")" + id +
         R"(","type":"message","timestamp":"2024-05-01T10:00:00Z",)"
         R"("entry":[{"fullUrl":"urn:uuid:)" +
         id + R"(","resource":{"resourceType":"MessageHeader","id":")" + id +
         R"(","eventCoding":{"system":"https://example.org/message-events","code":"status-update"},)"
         R"("source":{"endpoint":"urn:referral-gateway"},"focus":[{"reference":"Task/t1"}]}},)"
         R"({"fullUrl":"https://gateway.example.org/fhir/Task/t1","resource":{"resourceType":"Task","id":"t1",)"
         R"("status":"accepted","intent":"order"}}]})";
}

gateway::core::outbox_entry item(const std::string& id, std::string payload = {}) {
  gateway::core::outbox_entry e;
  e.item.id = id;
  e.item.channel = "feedback";
  e.item.destination = "A81001";
  e.item.ordering_key = "sr-1";
  e.item.content_type = "application/fhir+json";
  e.item.payload = payload.empty() ? message(id) : std::move(payload);
  return e;
}

// Whether this machine has a TCP connection to port `port` that the peer has closed and this side
// has not (CLOSE_WAIT in /proc/net/tcp or tcp6): the receiver hung up on an idle connection.
bool closed_by_peer_and_not_yet_by_us(int port) {
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::istringstream lines(read_text(table));
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string slot, local, remote, state;
      words >> slot >> local >> remote >> state;
      if (remote.ends_with(wanted) && state == "08") return true;
    }
  }
  return false;
}

class https_sender_test : public delivery_port_test {
 protected:
  // Starts referrer-sim with the development server certificate (or `server_dir`'s) and `flags`.
  void start_sim(const std::vector<std::string>& flags = {}, const std::string& server_dir = {}) {
    start_referrer_sim("", "https", flags, server_dir);
  }

  static std::string url_for(int port) {
    return "https://localhost:" + std::to_string(port) + "/fhir/$process-message";
  }
  std::string url() const { return url_for(port_); }

  std::shared_ptr<gateway::delivery::https_sender> sender(gateway::net::client_tls_files tls) {
    auto made = gateway::delivery::https_sender::create(pool_, url(), std::move(tls));
    if (auto* error = std::get_if<std::string>(&made)) {
      ADD_FAILURE() << *error;
      return nullptr;
    }
    return std::get<std::shared_ptr<gateway::delivery::https_sender>>(made);
  }
  std::shared_ptr<gateway::delivery::https_sender> sender() { return sender(gateway_tls()); }

  gateway::net::https_client_pool pool_{ioc_.get_executor(), test_client_options()};
};

TEST_F(https_sender_test, accepted_message_is_delivered_and_recorded_by_the_referrer) {
  start_sim();
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(1)));
  EXPECT_EQ(r.what, kind::http_response) << gateway::core::describe(r);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(gateway::core::is_delivered(r));
  const auto lines = recorded_lines();  // fsync'ed before the 200
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(numbered_uuid(1)), std::string::npos);
  EXPECT_EQ(stat("accepted"), 1);
}

TEST_F(https_sender_test, repeated_message_id_is_answered_200_and_counted_as_a_duplicate) {
  start_sim();
  auto s = sender();
  ASSERT_TRUE(s);
  EXPECT_EQ(deliver(*s, item(numbered_uuid(2))).http_status, 200);
  EXPECT_EQ(deliver(*s, item(numbered_uuid(2))).http_status, 200);
  EXPECT_EQ(stat("accepted"), 1);
  EXPECT_EQ(stat("duplicates"), 1);
  EXPECT_EQ(recorded_lines().size(), 1u);
}

TEST_F(https_sender_test, unavailable_receiver_gives_503_with_its_retry_after) {
  start_sim({"--fail-first", "2", "--retry-after", "3"});
  auto s = sender();
  ASSERT_TRUE(s);
  for (int i = 0; i < 2; ++i) {
    const auto r = deliver(*s, item(numbered_uuid(3)));
    EXPECT_EQ(r.what, kind::http_response) << gateway::core::describe(r);
    EXPECT_EQ(r.http_status, 503);
    ASSERT_TRUE(r.retry_after.has_value());
    EXPECT_EQ(*r.retry_after, 3s);
    const auto next = decide_after_first_attempt(r);
    EXPECT_EQ(next.what, gateway::core::next_action::kind::retry);
    EXPECT_GE(next.retry_at - std::chrono::system_clock::now(), 2s) << "Retry-After is a lower bound";
  }
  const auto third = deliver(*s, item(numbered_uuid(3)));
  EXPECT_EQ(third.http_status, 200);
  EXPECT_EQ(stat("failed"), 2);
  EXPECT_EQ(stat("accepted"), 1);
}

TEST_F(https_sender_test, bad_request_goes_to_dead_letter) {
  start_sim({"--answer-400"});
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(4)));
  EXPECT_EQ(r.what, kind::http_response);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_FALSE(gateway::core::is_retryable(r));
  EXPECT_EQ(decide_after_first_attempt(r).what, gateway::core::next_action::kind::dead);
}

TEST_F(https_sender_test, invalid_fhir_message_is_refused_by_the_referrer_validator) {
  start_sim();
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(5), R"({"resourceType":"Bundle","type":"message","bogus":true})"));
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(stat("invalid"), 1);
  EXPECT_TRUE(recorded_lines().empty());
}

TEST_F(https_sender_test, receiver_certificate_from_another_ca_is_a_tls_failure_saying_it_is_not_trusted) {
  temp_dir other;
  ASSERT_EQ(run_command({gatewayctl_binary(), "certs", "init", "--dir", other.str()}).exit_code, 0);
  start_sim({}, other.str());
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(6)));
  EXPECT_EQ(r.what, kind::tls_failure) << gateway::core::describe(r);
  EXPECT_NE(r.detail.find("certificate verify failed"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("unable to get local issuer certificate"), std::string::npos) << r.detail;
  const auto next = decide_after_first_attempt(r);
  EXPECT_EQ(next.what, gateway::core::next_action::kind::retry);
  EXPECT_NE(next.error.find("TLS failure: certificate verify failed"), std::string::npos) << next.error;
  EXPECT_EQ(pool_.connections_opened(), 0u);
}

TEST_F(https_sender_test, receiver_refusing_the_gateway_without_client_certificate_is_a_tls_failure) {
  start_sim();
  auto s = sender({certs() + "/ca.crt", "", ""});
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(7)));
  EXPECT_EQ(r.what, kind::tls_failure) << gateway::core::describe(r);
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(https_sender_test, several_posts_reuse_one_keep_alive_connection) {
  start_sim();
  auto s = sender();
  ASSERT_TRUE(s);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(deliver(*s, item(numbered_uuid(100 + i))).http_status, 200);
  EXPECT_EQ(pool_.connections_opened(), 1u);
  EXPECT_EQ(stat("accepted"), 5);
  EXPECT_EQ(recorded_lines().size(), 5u);
}

TEST_F(https_sender_test, keep_alive_connection_closed_by_the_idle_receiver_is_replaced_transparently) {
  start_sim({"--idle-timeout-ms", "100"});
  auto s = sender();
  ASSERT_TRUE(s);
  EXPECT_EQ(deliver(*s, item(numbered_uuid(20))).http_status, 200);
  // The receiver closes the idle connection after 100 ms; the pool only finds out when it reuses it.
  ASSERT_TRUE(eventually([&] { return closed_by_peer_and_not_yet_by_us(port_); }))
      << "the receiver did not close the idle connection";
  const auto r = deliver(*s, item(numbered_uuid(21)));
  EXPECT_EQ(r.http_status, 200) << gateway::core::describe(r);
  EXPECT_EQ(pool_.connections_opened(), 2u);
  EXPECT_EQ(stat("accepted"), 2);
}

TEST_F(https_sender_test, concurrent_posts_stay_within_the_connections_per_destination) {
  start_sim({"--delay-ms", "20"});
  auto s = sender();
  ASSERT_TRUE(s);
  std::vector<std::future<delivery_result>> results;
  for (int i = 0; i < 12; ++i) {
    auto promise = std::make_shared<std::promise<delivery_result>>();
    results.push_back(promise->get_future());
    s->deliver(item(numbered_uuid(200 + i)), [promise](delivery_result r) { promise->set_value(std::move(r)); });
  }
  for (auto& f : results) {
    ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
    EXPECT_EQ(f.get().http_status, 200);
  }
  EXPECT_LE(pool_.connections_opened(), 2u) << "max_per_destination = 2";
  EXPECT_GE(pool_.connections_opened(), 1u);
  EXPECT_EQ(stat("accepted"), 12);
}

TEST_F(https_sender_test, connection_closed_mid_request_is_connection_lost) {
  start_sim({"--close-mid-request", "always"});
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(8)));
  EXPECT_EQ(r.what, kind::connection_lost) << gateway::core::describe(r);
  EXPECT_TRUE(gateway::core::is_retryable(r));
  EXPECT_EQ(stat("closed"), 1);
}

TEST_F(https_sender_test, close_mid_request_first_n_then_accepts) {
  start_sim({"--close-mid-request", "1"});
  auto s = sender();
  ASSERT_TRUE(s);
  EXPECT_EQ(deliver(*s, item(numbered_uuid(9))).what, kind::connection_lost);
  EXPECT_EQ(deliver(*s, item(numbered_uuid(9))).http_status, 200);
}

TEST_F(https_sender_test, slow_receiver_is_a_timeout) {
  start_sim({"--delay-ms", "3000"});
  gateway::net::client_options fast = test_client_options();
  fast.request_timeout = 300ms;
  gateway::net::https_client_pool pool(ioc_.get_executor(), fast);
  auto made = gateway::delivery::https_sender::create(pool, url(), gateway_tls());
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<gateway::delivery::https_sender>>(made));
  auto s = std::get<std::shared_ptr<gateway::delivery::https_sender>>(made);
  const auto started = std::chrono::steady_clock::now();
  const auto r = deliver(*s, item(numbered_uuid(10)));
  EXPECT_EQ(r.what, kind::timeout) << gateway::core::describe(r);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

TEST_F(https_sender_test, stopped_receiver_is_connection_refused) {
  start_sim();
  sim_->signal(SIGTERM);
  ASSERT_TRUE(sim_->wait().has_value());
  auto s = sender();
  ASSERT_TRUE(s);
  const auto r = deliver(*s, item(numbered_uuid(11)));
  EXPECT_EQ(r.what, kind::connection_refused) << gateway::core::describe(r);
}

// The many-destinations delivery benchmark's receiver: one referrer-sim, one port per referrer.
TEST_F(https_sender_test, a_simulator_with_several_listeners_receives_on_each_port_as_its_own_destination) {
  start_sim({"--listeners", "3"});
  const auto ports = sim_->ports("ports");
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[0], port_) << "\"https\" is the first port";
  EXPECT_NE(ports[1], ports[0]);
  EXPECT_NE(ports[2], ports[1]);
  for (int i = 0; i < 3; ++i) {
    auto made = gateway::delivery::https_sender::create(pool_, url_for(ports[i]), gateway_tls());
    ASSERT_TRUE(std::holds_alternative<std::shared_ptr<gateway::delivery::https_sender>>(made));
    const auto r =
        deliver(*std::get<std::shared_ptr<gateway::delivery::https_sender>>(made), item(numbered_uuid(300 + i)));
    EXPECT_EQ(r.http_status, 200) << gateway::core::describe(r);
  }
  EXPECT_EQ(pool_.connections_opened(), 3u) << "one connection per destination";
  EXPECT_EQ(stat("accepted"), 3);
  EXPECT_EQ(recorded_lines().size(), 3u);
  const auto fixed_port = run_command({referrer_sim_binary(), "--listeners", "2", "--port", "9"});
  EXPECT_NE(fixed_port.exit_code, 0);
  EXPECT_NE(fixed_port.err.find("--listeners N needs --port 0"), std::string::npos) << fixed_port.err;
}

TEST_F(https_sender_test, bad_configuration_is_reported_when_the_sender_is_made) {
  auto bad_url = gateway::delivery::https_sender::create(pool_, "http://localhost/x", gateway_tls());
  ASSERT_TRUE(std::holds_alternative<std::string>(bad_url));
  EXPECT_NE(std::get<std::string>(bad_url).find("https"), std::string::npos);
  auto bad_ca =
      gateway::delivery::https_sender::create(pool_, "https://localhost:1/x", {dir_.str("missing-ca.crt"), "", ""});
  ASSERT_TRUE(std::holds_alternative<std::string>(bad_ca));
  EXPECT_NE(std::get<std::string>(bad_ca).find("missing-ca.crt"), std::string::npos);
}

}  // namespace
}  // namespace rg::testing
