// "A 201 means the referral is on disk" (DESIGN.md §2), checked where it can fail: the real
// gateway runs with tests/support/sync_probe.cpp preloaded, which logs, in one global order, the
// writes to SQLite's WAL that carry a referral's number, the fsyncs of the WAL, and every send on
// a socket. For each referral the 201 must leave only after the WAL frames holding it were
// written and an fsync of that WAL that began after them returned. SIGKILL tests cannot show
// this (the page cache survives a killed process); without the sync (synchronous=OFF, or an
// answer given before COMMIT returns) this test fails.
//
// The same probe fails the WAL's fsyncs on demand: readiness then reports the storage failure,
// although commits succeeded before, and recovers when the disk does.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

struct probe_event {
  char kind = 0;  // W, B, E, S
  unsigned long long seq = 0;
  int fd = -1;
  std::vector<std::string> rest;  // W: tokens; E: return code
};

std::vector<probe_event> read_probe(const std::string& file) {
  std::vector<probe_event> events;
  std::istringstream lines(read_text(file));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    probe_event e;
    words >> e.kind >> e.seq >> e.fd;
    for (std::string w; words >> w;) e.rest.push_back(w);
    events.push_back(std::move(e));
  }
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  return events;
}

class durability_test : public ::testing::Test {
 protected:
  void start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{"/usr/bin/env",
                                  std::string("LD_PRELOAD=") + RG_SYNC_PROBE,
                                  "RG_SYNC_PROBE_LOG=" + dir_.str("probe.log"),
                                  "RG_SYNC_PROBE_MARKER=RGDUR",
                                  "RG_SYNC_PROBE_FAIL=" + dir_.str("disk-fails"),
                                  "ASAN_OPTIONS=verify_asan_link_order=0"};
    for (auto& a : gateway_args(shared_certs_dir(), dir_, extra)) argv.push_back(std::move(a));
    gateway_ = std::make_unique<child_process>(argv);
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  https_client client() {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                        dev_identity(shared_certs_dir(), "practice-a"));
  }
  std::string readyz() {
    const auto a = http_get(gateway_->port("ops"), "/readyz");
    return std::to_string(a.status) + " " + a.body;
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(durability_test, no_201_leaves_before_the_wal_fsync_that_covers_its_referral) {
  start();
  auto c = client();
  ASSERT_EQ(c.request("GET", "/fhir/metadata").status, 200);  // handshake and session tickets are behind us

  for (int i = 0; i < 20; ++i) {
    const std::string number = "RGDUR-" + std::to_string(1000 + i);
    SCOPED_TRACE(number);
    const auto before = read_probe(dir_.str("probe.log"));
    const unsigned long long start_seq = before.empty() ? 0 : before.back().seq;
    ASSERT_EQ(c.request("POST", "/fhir/ServiceRequest", referral_fixture(number)).status, 201);

    // The probe logs a send before it happens, so the 201's send is in the log now.
    std::optional<probe_event> answer, frame, sync_begin, sync_end;
    for (const auto& e : read_probe(dir_.str("probe.log"))) {
      if (e.seq <= start_seq) continue;
      if (e.kind == 'S' && !answer) answer = e;
      if (e.kind == 'W' && !frame && std::find(e.rest.begin(), e.rest.end(), number) != e.rest.end()) frame = e;
      if (e.kind == 'B' && frame && !sync_begin && e.fd == frame->fd) sync_begin = e;
      if (e.kind == 'E' && sync_begin && !sync_end && e.fd == sync_begin->fd) sync_end = e;
    }
    ASSERT_TRUE(answer) << "no send of the answer seen";
    ASSERT_TRUE(frame && frame->seq < answer->seq) << "201 sent before the referral was written to the WAL";
    ASSERT_TRUE(sync_begin && sync_begin->seq < answer->seq) << "201 sent before the WAL holding it was fsync'd";
    ASSERT_TRUE(sync_end && sync_end->seq < answer->seq) << "201 sent while the WAL fsync was still running";
    EXPECT_EQ(sync_end->rest.at(0), "0") << "the fsync failed, yet 201";
  }
}

TEST_F(durability_test, readiness_reports_storage_failing_now_even_after_earlier_commits_and_recovers) {
  start();
  auto c = client();
  ASSERT_EQ(c.request("POST", "/fhir/ServiceRequest", referral_fixture("RGDUR-READY-1")).status, 201);
  ASSERT_TRUE(eventually([&] { return readyz().starts_with("200"); })) << readyz();

  std::ofstream(dir_.str("disk-fails")) << "fsync fails from now on\n";
  const auto refused = c.request("POST", "/fhir/ServiceRequest", referral_fixture("RGDUR-READY-2"));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_TRUE(eventually([&] { return readyz().starts_with("503"); })) << readyz();
  EXPECT_NE(readyz().find("storage: the last"), std::string::npos) << readyz();

  std::filesystem::remove(dir_.str("disk-fails"));
  // The dispatcher's idle poll commits about once a second: readiness follows without traffic.
  EXPECT_TRUE(eventually([&] { return readyz().starts_with("200"); })) << readyz();
  EXPECT_EQ(c.request("POST", "/fhir/ServiceRequest", referral_fixture("RGDUR-READY-2")).status, 201)
      << "the refused referral was not stored: sending it again creates it";
}

}  // namespace
}  // namespace rg::testing
