// Retention and rotation on the real binary (issue 10 item 4): delivered outbox items are purged
// (here at once: retention.outbox_delivered_days=0) while the events file rotates every few events;
// after a restart, and with every referral sent again, each referral is still one
// referral.received event across the file and its segments, and start-up reads only the active
// file. The database and its folder are created private, and the log names no patient.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/stat.h>

#include <map>
#include <set>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

class retention_test : public ::testing::Test {
 protected:
  std::string events() const { return dir_.str("var/events.jsonl"); }
  void start() {
    gateway_ = std::make_unique<child_process>(
        gateway_args(shared_certs_dir(), dir_,
                     {"storage.path=" + dir_.str("var/gateway.db"), "platform.events_jsonl=" + events(),
                      "platform.events_rotate_bytes=4096", "retention.outbox_delivered_days=0",
                      "retention.audit_days=1", "retention.purge_interval_ms=100", "log.level=debug"}));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  void stop() {
    gateway_->signal(SIGTERM);
    ASSERT_EQ(gateway_->wait(), 0);
  }
  https_client client() {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                        dev_identity(shared_certs_dir(), "practice-a"));
  }
  double metric(const std::string& series) {
    return metric_value(http_get(gateway_->port("ops"), "/metrics").body, series);
  }
  // referral.received events per ServiceRequest id, over the file and its segments.
  std::map<std::string, int> received() const {
    std::map<std::string, int> counts;
    for (const auto& line : event_file_lines(events())) {
      rapidjson::Document e;
      e.Parse(line.c_str());
      if (!e.IsObject() || !e.HasMember("type") || std::string(e["type"].GetString()) != "referral.received") continue;
      const std::string subject = e["subject"].GetString();
      ++counts[subject.substr(subject.find('/') + 1)];
    }
    return counts;
  }
  // Posts referral `number`; returns the ServiceRequest id and checks the status.
  std::string post(https_client& c, const std::string& number, int status) {
    const auto a = c.request("POST", "/fhir/ServiceRequest", referral_fixture(number));
    EXPECT_EQ(a.status, status) << number << ": " << a.body;
    rapidjson::Document d;
    d.Parse(a.body.c_str());
    return d.IsObject() && d.HasMember("id") ? d["id"].GetString() : std::string();
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(retention_test, purge_and_rotation_keep_every_event_exactly_once_across_restarts) {
  start();
  std::set<std::string> ids;
  {
    auto c = client();
    for (int i = 0; i < 30; ++i) ids.insert(post(c, "RET-" + std::to_string(i), 201));
  }
  ASSERT_EQ(ids.size(), 30u);
  ASSERT_TRUE(eventually([&] { return received().size() == 30; })) << received().size();
  // Every delivered item purged: nothing delivered is left in the outbox.
  ASSERT_TRUE(eventually([&] { return metric("gateway_retention_purged_total{kind=\"outbox\"}") >= 30; }));
  EXPECT_EQ(operator_request(gateway_->port("https"), shared_certs_dir(), "GET", "/outbox?state=delivered")
                .body.find("\"id\""),
            std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(events() + ".000003")) << "rotated by size";

  stop();
  // What the second start may read: the active file as the first run left it, no rotated segment.
  const auto active_bytes = std::filesystem::file_size(events());
  start();
  {
    auto c = client();
    // Each referral again: the stored one (200), no second event.
    for (int i = 0; i < 30; ++i) EXPECT_TRUE(ids.count(post(c, "RET-" + std::to_string(i), 200))) << i;
    for (int i = 30; i < 40; ++i) ids.insert(post(c, "RET-" + std::to_string(i), 201));
  }
  ASSERT_TRUE(eventually([&] { return received().size() == 40; })) << received().size();
  ASSERT_TRUE(eventually([&] { return metric("gateway_retention_purged_total{kind=\"outbox\"}") >= 10; }));
  const auto counts = received();
  for (const auto& id : ids) EXPECT_EQ(counts.count(id) ? counts.at(id) : 0, 1) << "ServiceRequest/" << id;
  EXPECT_EQ(event_file_lines(events()).size(), 40u) << "no duplicate lines";

  // The second start read the active file only, not the rotated events.
  const std::string log = gateway_->stderr_text();
  // Nothing identifying in the log, at debug level: not the NHS number, not a referral number.
  EXPECT_EQ(log.find("9434765919"), std::string::npos);
  EXPECT_EQ(log.find("RET-"), std::string::npos);
  const auto opened = log.rfind("\"msg\":\"events file opened\"");
  ASSERT_NE(opened, std::string::npos) << log;
  const auto bytes_at = log.find("\"bytes_read\":", opened);
  ASSERT_NE(bytes_at, std::string::npos);
  // Exactly the active file: a rotation may leave one batch of events (more than
  // events_rotate_bytes when the machine is slow and batches grow) in the new file, never the history.
  EXPECT_EQ(std::stoul(log.substr(bytes_at + 13)), active_bytes);
  std::uintmax_t history = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(events()).parent_path()))
    if (entry.path().string().rfind(events() + ".", 0) == 0) history += entry.file_size();
  EXPECT_GT(history, active_bytes) << "the rotated segments hold more than the active file";

  struct stat st {};
  ASSERT_EQ(::stat(dir_.str("var").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "var/ is created private";
  ASSERT_EQ(::stat(dir_.str("var/gateway.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the database is created private";
  ASSERT_EQ(::stat(events().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u) << "the events file carries patient data too";
}

}  // namespace
}  // namespace rg::testing
