// Triage events through the real binary: each accepted referral reaches the JSON Lines file as one
// valid CloudEvent, exactly once, with no gap and no duplicate across a restart, also when the
// previous run died between appending an event and recording it (simulated in the database) and
// left a torn last line. And gatewayctl outbox/status against the running gateway.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The file is written by another process: its lines once there are `n` (or after a deadline).
std::vector<std::string> wait_for_lines(const std::string& path, std::size_t n) {
  std::vector<std::string> lines;
  eventually([&] { return (lines = lines_of(read_text(path))).size() >= n; }, std::chrono::seconds(20));
  return lines;
}

// Runs one statement on the gateway's database (the gateway is stopped).
void execute_sql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class events_test : public ::testing::Test {
 protected:
  void start() {
    gateway_ = std::make_unique<child_process>(gateway_args(shared_certs_dir(), dir_));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  void stop() {
    gateway_->signal(SIGTERM);
    EXPECT_EQ(gateway_->wait(), 0) << gateway_->stderr_text();
    gateway_.reset();
  }
  // Posts referrals numbered [from, to) as practice-a; returns the ServiceRequest ids.
  std::vector<std::string> post_referrals(int from, int to) {
    https_client c(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                   dev_identity(shared_certs_dir(), "practice-a"));
    std::vector<std::string> ids;
    for (int i = from; i < to; ++i) {
      const auto r = c.request("POST", "/fhir/ServiceRequest", referral_fixture("REF-EVT-" + std::to_string(i)));
      EXPECT_EQ(r.status, 201) << r.body;
      rapidjson::Document doc;
      doc.Parse(r.body.c_str());
      if (doc.IsObject() && doc.HasMember("id") && doc["id"].IsString()) ids.emplace_back(doc["id"].GetString());
    }
    return ids;
  }
  std::string ops_url() const { return "http://127.0.0.1:" + std::to_string(gateway_->port("ops")); }
  // gatewayctl with `words`, then the options that reach this gateway (readiness and /ops).
  run_result ctl(std::vector<std::string> words) const {
    words.insert(words.begin(), gatewayctl_binary());
    for (auto& o : operator_options(gateway_->port("https"), shared_certs_dir())) words.push_back(std::move(o));
    return run_command(words);
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(events_test, every_referral_is_one_cloudevent_in_the_file_with_no_gap_and_no_duplicate_across_restarts) {
  const std::string file = dir_.str("events.jsonl");
  start();
  constexpr int first = 12, second = 8, replayed = 4;
  auto referrals = post_referrals(0, first);
  ASSERT_EQ(referrals.size(), static_cast<std::size_t>(first));
  ASSERT_EQ(wait_for_lines(file, first).size(), static_cast<std::size_t>(first));

  // gatewayctl against the running gateway.
  const auto listed = ctl({"outbox", "list", "--state", "delivered"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("events -> platform"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(std::to_string(first) + " items"), std::string::npos) << listed.out;
  const auto status = ctl({"status", "--ops", ops_url()});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("outbox: 0 pending, 0 dead"), std::string::npos) << status.out;
  const auto unknown = ctl({"outbox", "retry", "no-such-item"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("404"), std::string::npos) << unknown.err;
  stop();

  // As if the gateway had died after appending the last events but before recording them, in the
  // middle of appending one more: the items are pending again, and the file ends in a torn line.
  execute_sql(dir_.str("gateway.db"),
              "UPDATE outbox SET state = 'pending', delivered_at = NULL, next_attempt_at = 0 "
              "WHERE seq > (SELECT max(seq) - " +
                  std::to_string(replayed) + " FROM outbox)");
  {
    std::ofstream torn(file, std::ios::binary | std::ios::app);
    torn << R"({"specversion":"1.0","id":"torn-)";
  }

  start();
  auto more = post_referrals(first, first + second);
  referrals.insert(referrals.end(), more.begin(), more.end());
  const auto lines = wait_for_lines(file, first + second);
  // The replayed items are delivered (again, as far as the outbox knows) before we count.
  eventually(
      [&] {
        return ctl({"status", "--ops", ops_url()}).out.find("outbox: 0 pending") != std::string::npos;
      },
      std::chrono::seconds(20));
  const auto final_lines = lines_of(read_text(file));
  ASSERT_EQ(final_lines.size(), static_cast<std::size_t>(first + second)) << read_text(file);
  EXPECT_EQ(lines.size(), final_lines.size());

  std::set<std::string> event_ids;
  std::set<std::string> subjects;
  for (const auto& line : final_lines) {
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << "every line is complete JSON: " << line;
    ASSERT_TRUE(doc.IsObject());
    for (const char* member : {"specversion", "id", "source", "type", "subject", "time", "datacontenttype"}) {
      ASSERT_TRUE(doc.HasMember(member) && doc[member].IsString()) << member << " in " << line;
    }
    EXPECT_STREQ(doc["specversion"].GetString(), "1.0");
    EXPECT_STREQ(doc["type"].GetString(), "referral.received");
    EXPECT_TRUE(doc.HasMember("data") && doc["data"].IsObject());
    event_ids.insert(doc["id"].GetString());
    subjects.insert(doc["subject"].GetString());
  }
  EXPECT_EQ(event_ids.size(), final_lines.size()) << "no duplicate event";
  std::set<std::string> expected;
  for (const auto& id : referrals) expected.insert("ServiceRequest/" + id);
  EXPECT_EQ(subjects, expected) << "one event per referral, none missing";
  stop();
}

TEST_F(events_test, a_second_gateway_on_the_same_events_file_refuses_to_start) {
  start();
  temp_dir other;
  child_process second(gateway_args(shared_certs_dir(), other, {"platform.events_jsonl=" + dir_.str("events.jsonl")}));
  EXPECT_FALSE(second.started());
  EXPECT_EQ(second.wait(), 1);
  EXPECT_NE(second.stderr_text().find("platform.events_jsonl"), std::string::npos) << second.stderr_text();
  stop();
}

}  // namespace
}  // namespace rg::testing
