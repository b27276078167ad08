// Out of file descriptors (issue 10 item 6): the real gateway, started with a small descriptor
// limit, is flooded with connections until accept() fails with EMFILE. It must keep serving the
// connections it has, back off instead of retrying accept() in a tight loop (counted in
// gateway_accept_failures_total), and accept again once descriptors are free.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

constexpr int descriptor_limit = 64;

// A plain TCP connection to 127.0.0.1:port (no TLS: it only takes a descriptor in the gateway).
int connect_raw(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::size_t open_descriptors(pid_t pid) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

TEST(fd_exhaustion, the_gateway_keeps_serving_backs_off_and_accepts_again_when_descriptors_free) {
  temp_dir dir;
  std::vector<std::string> argv{"/bin/sh", "-c", "ulimit -n " + std::to_string(descriptor_limit) + " && exec \"$@\"",
                                "sh"};
  for (auto& a : gateway_args(shared_certs_dir(), dir)) argv.push_back(std::move(a));
  child_process gateway(argv);
  ASSERT_TRUE(gateway.started()) << gateway.stderr_text();
  const int port = gateway.port("https");
  https_client established(port, shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), "practice-a"));
  ASSERT_EQ(established.request("GET", "/fhir/metadata").status, 200);

  // More connections than descriptors: the gateway takes what it can; the rest wait in its backlog
  // while every accept() fails with EMFILE.
  std::vector<int> flood;
  for (int i = 0; i < descriptor_limit + 16; ++i) {
    const int fd = connect_raw(port);
    if (fd >= 0) flood.push_back(fd);
  }
  ASSERT_TRUE(eventually([&] { return open_descriptors(gateway.pid()) >= descriptor_limit; }))
      << open_descriptors(gateway.pid()) << " descriptors open in the gateway";
  // The ops listener cannot take a connection now either; the log says when accept() failed.
  ASSERT_TRUE(eventually([&] { return gateway.stderr_text().find("accept failed") != std::string::npos; }))
      << gateway.stderr_text();

  // Out of descriptors: the connection it has is still served.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(established.request("GET", "/fhir/metadata").status, 200) << i;

  for (const int fd : flood) ::close(fd);
  // Descriptors free again: new connections are accepted (the ops listener's among them).
  std::string metrics;
  ASSERT_TRUE(eventually([&] { return (metrics = http_get(gateway.port("ops"), "/metrics").body).size() > 0; }));
  const double failures = metric_value(metrics, "gateway_accept_failures_total");
  EXPECT_GT(failures, 0) << "accept() failed and was counted";
  // A loop that retries at once fails thousands of times a second; backing off, a handful.
  EXPECT_LT(failures, 200) << "accept() was retried in a tight loop";
  https_client fresh(port, shared_certs_dir() + "/ca.crt", dev_identity(shared_certs_dir(), "practice-b"));
  EXPECT_EQ(fresh.request("GET", "/fhir/metadata").status, 200);
}

}  // namespace
}  // namespace rg::testing
