// The real referral-gateway binary on loopback, over real TLS with certificates made by
// gatewayctl certs init: the listener, its limits, the FHIR surface and shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

class listener_test : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& sets = {}) {
    gateway_ = std::make_unique<child_process>(gateway_args(certs(), dir_, sets));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
    port_ = gateway_->port("https");
    ASSERT_GT(port_, 0);
  }
  static const std::string& certs() { return shared_certs_dir(); }
  https_client client(const std::string& who = "practice-a") {
    return https_client(port_, certs() + "/ca.crt", dev_identity(certs(), who));
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
  int port_ = 0;
};

TEST_F(listener_test, metadata_over_mutual_tls_is_an_r4_capability_statement) {
  start();
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  const auto a = c.request("GET", "/fhir/metadata");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.header("content-type"), "application/fhir+json; charset=utf-8");
  EXPECT_NE(a.body.find("\"resourceType\":\"CapabilityStatement\""), std::string::npos);
  EXPECT_NE(a.body.find("\"fhirVersion\":\"4.0.1\""), std::string::npos);
  EXPECT_EQ(a.header("x-request-id").size(), 36u) << "a generated UUID";
}

TEST_F(listener_test, curl_with_the_development_certificates_gets_metadata) {
  start();
  const auto r = run_command({"/usr/bin/curl", "-sS", "--max-time", "20", "--cacert", certs() + "/ca.crt", "--cert",
                              certs() + "/client-practice-a.crt", "--key", certs() + "/client-practice-a.key", "-H",
                              "X-Request-ID: curl-check-1", "-D", "-",
                              "https://localhost:" + std::to_string(port_) + "/fhir/metadata"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(r.out.find("curl-check-1"), std::string::npos) << "X-Request-ID echoed";
  EXPECT_NE(r.out.find("CapabilityStatement"), std::string::npos);
}

TEST_F(listener_test, handshake_without_client_certificate_is_refused_when_required) {
  start();
  https_client c(port_, certs() + "/ca.crt", {});
  // With TLS 1.3 the refusal may arrive after the client's handshake returns; a request shows it.
  if (c.connected()) {
    EXPECT_EQ(c.request("GET", "/fhir/metadata").status, 0);
  }
  // The server counts the failure once its handshake completes, which may be just after the
  // client saw the alert: poll briefly.
  std::string metrics;
  EXPECT_TRUE(eventually([&] {
    metrics = http_get(gateway_->port("ops"), "/metrics").body;
    return metrics.find("gateway_tls_handshake_failures_total 1") != std::string::npos;
  })) << metrics;
}

TEST_F(listener_test, certificate_from_an_unknown_ca_is_refused_at_the_handshake) {
  start();
  temp_dir other;
  ASSERT_EQ(run_command({gatewayctl_binary(), "certs", "init", "--dir", other.str()}).exit_code, 0);
  https_client c(port_, certs() + "/ca.crt", dev_identity(other.str(), "practice-a"));
  if (c.connected()) {
    EXPECT_EQ(c.request("GET", "/fhir/metadata").status, 0);
  }
}

TEST_F(listener_test, optional_client_auth_lets_anonymous_callers_read_metadata_only) {
  start({"listen.tls.client_auth=optional"});
  https_client c(port_, certs() + "/ca.crt", {});
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.request("GET", "/fhir/metadata").status, 200);
}

TEST_F(listener_test, errors_are_operation_outcomes_with_the_right_status) {
  start();
  auto c = client();
  ASSERT_TRUE(c.connected()) << c.error();
  auto a = c.request("GET", "/fhir/NoSuchThing/1");
  EXPECT_EQ(a.status, 404);
  EXPECT_NE(a.body.find("OperationOutcome"), std::string::npos);
  a = c.request("GET", "/elsewhere");
  EXPECT_EQ(a.status, 404);
  a = c.request("DELETE", "/fhir/metadata");
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.header("allow"), "GET");
  EXPECT_NE(a.body.find("OperationOutcome"), std::string::npos);
  a = c.request("GET", "/fhir/metadata", {}, {{"Accept", "application/fhir+xml"}});
  EXPECT_EQ(a.status, 406);
  EXPECT_NE(a.body.find("OperationOutcome"), std::string::npos);
  a = c.request("GET", "/fhir/metadata?_format=xml");
  EXPECT_EQ(a.status, 406);
  a = c.request("GET", "/fhir/metadata", {}, {{"Accept", "application/fhir+xml, application/fhir+json;q=0.5"}});
  EXPECT_EQ(a.status, 200);
}

TEST_F(listener_test, request_id_is_echoed_when_safe_and_replaced_when_not) {
  start();
  auto c = client();
  EXPECT_EQ(c.request("GET", "/fhir/metadata", {}, {{"X-Request-ID", "abc-123"}}).header("x-request-id"), "abc-123");
  const auto replaced = c.request("GET", "/fhir/metadata", {}, {{"X-Request-ID", "bad id\"<>"}}).header("x-request-id");
  EXPECT_EQ(replaced.size(), 36u);
}

TEST_F(listener_test, body_over_the_limit_is_413_before_it_is_read) {
  start({"limits.body_bytes=2048"});
  auto c = client();
  ASSERT_TRUE(
      c.write_raw("POST /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\n"
                  "Content-Length: 100000\r\n\r\n"));
  const auto a = c.read_answer();
  EXPECT_EQ(a.status, 413);
  EXPECT_NE(a.body.find("OperationOutcome"), std::string::npos);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(listener_test, headers_over_the_limit_are_431) {
  start({"limits.header_bytes=4096"});
  auto c = client();
  const auto a = c.request("GET", "/fhir/metadata", {}, {{"X-Padding", std::string(8000, 'x')}});
  EXPECT_EQ(a.status, 431);
  EXPECT_NE(a.body.find("OperationOutcome"), std::string::npos);
}

TEST_F(listener_test, headers_not_finished_in_time_are_408) {
  start({"limits.header_timeout_ms=300"});
  auto c = client();
  ASSERT_TRUE(c.write_raw("GET /fhir/metadata HTTP/1.1\r\nHost: loc"));
  const auto a = c.read_answer();  // the server's deadline, not ours, ends this read
  EXPECT_EQ(a.status, 408);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(listener_test, pipelined_requests_are_answered_in_order) {
  start();
  auto c = client();
  ASSERT_TRUE(
      c.write_raw("GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: first\r\n\r\n"
                  "GET /fhir/nothing HTTP/1.1\r\nHost: localhost\r\nX-Request-ID: second\r\n\r\n"));
  const auto first = c.read_answer();
  const auto second = c.read_answer();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.header("x-request-id"), "first");
  EXPECT_EQ(second.status, 404);
  EXPECT_EQ(second.header("x-request-id"), "second");
}

TEST_F(listener_test, a_client_in_the_middle_of_sending_its_request_does_not_delay_another) {
  start();
  auto slow = client();
  ASSERT_TRUE(slow.connected());
  const std::string request = "GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\n\r\n";
  // The slow client sends a few bytes of its request and then nothing until the fast one has
  // its answer: the server must answer the fast one meanwhile.
  ASSERT_TRUE(slow.write_raw(request.substr(0, 4)));
  auto fast = client("practice-b");
  const auto a = fast.request("GET", "/fhir/metadata");
  EXPECT_EQ(a.status, 200);
  ASSERT_TRUE(slow.write_raw(request.substr(4)));
  EXPECT_EQ(slow.read_answer().status, 200) << "the slow request is still served";
}

TEST_F(listener_test, four_hundred_parallel_keep_alive_connections_all_get_answers) {
  start();
  constexpr int threads = 8, per_thread = 50;
  std::atomic<int> answered{0}, connected{0};
  std::barrier all_open(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::vector<https_client> clients;
      for (int i = 0; i < per_thread; ++i) {
        clients.push_back(https_client(port_, certs() + "/ca.crt", dev_identity(certs(), "practice-a")));
        if (clients.back().connected()) ++connected;
      }
      all_open.arrive_and_wait();  // all 400 connections are open at once from here
      for (int round = 0; round < 2; ++round) {
        for (auto& c : clients) {
          if (c.request("GET", "/fhir/metadata").status == 200) ++answered;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(connected.load(), threads * per_thread);
  EXPECT_EQ(answered.load(), 2 * threads * per_thread);
}

TEST_F(listener_test, sigterm_drains_and_exits_zero) {
  start();
  auto c = client();
  EXPECT_EQ(c.request("GET", "/fhir/metadata").status, 200);
  gateway_->signal(SIGTERM);
  const auto code = gateway_->wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "did not exit";
  EXPECT_EQ(*code, 0) << gateway_->stderr_text();
  EXPECT_NE(gateway_->stderr_text().find("\"msg\":\"stopped\""), std::string::npos);
}

TEST_F(listener_test, operations_listener_serves_health_readiness_and_metrics) {
  start();
  auto c = client();
  c.request("GET", "/fhir/metadata");
  const int ops = gateway_->port("ops");
  ASSERT_GT(ops, 0);
  EXPECT_EQ(http_get(ops, "/healthz").status, 200);
  EXPECT_EQ(http_get(ops, "/readyz").status, 200);
  const auto m = http_get(ops, "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find(
                "gateway_http_requests_total{listener=\"https\",method=\"GET\",route=\"/metadata\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("gateway_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("gateway_open_connections{listener=\"https\"} 1"), std::string::npos);
  EXPECT_EQ(http_get(ops, "/nothing").status, 404);
}

TEST_F(listener_test, access_log_lines_are_json_without_the_request_target) {
  start();
  auto c = client();
  c.request("GET", "/fhir/metadata?patient-secret=9434765919");
  gateway_->signal(SIGTERM);
  gateway_->wait();
  const auto log = gateway_->stderr_text();
  EXPECT_NE(log.find("\"route\":\"/metadata\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"org\":\"A81001\""), std::string::npos);
  EXPECT_EQ(log.find("9434765919"), std::string::npos) << "query values never reach the log";
}

}  // namespace
}  // namespace rg::testing
