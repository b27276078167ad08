// Several gateway instances sharing one PostgreSQL (issue 14, "How it is checked"): the real
// binary twice on loopback, each with its own listeners, event file and instance name, both on one
// database of a real PostgreSQL 15 server started by this test process
// (tests/support/postgres_cluster.hpp), and a real referrer-sim as the referrer's system.
//
// - concurrent identical referrals spread over both instances create one referral;
// - 1,000 feedback messages reach referrer-sim exactly once by id, from both instances;
// - SIGKILL of one instance while it delivers: the other takes its items over once their lease
//   runs out and delivers everything, in order per referral;
// - PostgreSQL stopped with `pg_ctl stop -m immediate` under load: requests answer 503, nothing
//   acknowledged is lost, and after the restart both instances work again.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"
#include "tests/support/json_answers.hpp"
#include "tests/support/postgres_cluster.hpp"
#include "tests/support/referrer_sim.hpp"

namespace rg::testing {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = 60s) {
  const auto deadline = steady::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (steady::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

// One value of the gateway's /metrics (0 when absent).
double metric(int ops_port, const std::string& prefix) {
  const auto a = http_get(ops_port, "/metrics");
  std::istringstream lines(a.body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(prefix + " ", 0) == 0) return std::stod(line.substr(prefix.size() + 1));
  return 0;
}

class postgres_gateways : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!postgres_enabled()) GTEST_SKIP() << "RG_POSTGRES=0: PostgreSQL tests skipped";
    static int counter = 0;
    db_ = "gw" + std::to_string(++counter);
    dsn_ = shared_postgres().create_database(db_);
  }
  void TearDown() override {
    for (auto& g : gateways_) g.reset();
    sim_.reset();
  }

  static const std::string& certs() { return shared_certs_dir(); }

  // Instance `i` (0 = "gw-a", 1 = "gw-b") on the test's database, with `sets` last.
  child_process& start_gateway(std::size_t i, const std::vector<std::string>& sets = {}) {
    if (gateways_.size() <= i) gateways_.resize(i + 1);
    if (dirs_.size() <= i) dirs_.resize(i + 1);
    if (!dirs_[i]) dirs_[i] = std::make_unique<temp_dir>();
    std::vector<std::string> all{"storage.engine=postgres", "storage.dsn=" + dsn_,
                                 std::string("storage.instance=gw-") + static_cast<char>('a' + i)};
    all.insert(all.end(), sets.begin(), sets.end());
    gateways_[i] = std::make_unique<child_process>(gateway_args(certs(), *dirs_[i], all));
    EXPECT_TRUE(gateways_[i]->started()) << gateways_[i]->stderr_text();
    return *gateways_[i];
  }
  https_client client(std::size_t i, const std::string& who) const {
    return https_client(gateways_[i]->port("https"), certs() + "/ca.crt", dev_identity(certs(), who));
  }

  // referrer-sim recording to sim.jsonl; `sim_port_` stays the same across restarts.
  void start_sim(const std::vector<std::string>& flags = {}) {
    std::vector<std::string> argv =
        referrer_sim_argv({"", certs(), {}, sim_dir_.str("sim.jsonl"), {"--port", std::to_string(sim_port_)}});
    argv.insert(argv.end(), flags.begin(), flags.end());
    sim_ = std::make_unique<child_process>(argv);
    ASSERT_TRUE(sim_->started()) << sim_->stderr_text();
    sim_port_ = sim_->port("https");
  }
  // short_lease: a dead instance's items are taken over after 3 s (the takeover test). Otherwise
  // the timeouts are long enough that a starved machine cannot turn a slow answer into a resend,
  // so "no message sent twice" tests the instances' sharing, not the scheduler.
  std::vector<std::string> delivery_sets(bool short_lease = true) const {
    std::vector<std::string> sets = delivery_test_settings(certs());
    sets.insert(sets.end(),
                {"referrers.0.delivery=fhir-message",
                 "referrers.0.endpoint=https://localhost:" + std::to_string(sim_port_) + "/fhir/$process-message",
                 "delivery.max_attempts=100000",
                 short_lease ? "delivery.connect_timeout_ms=1000" : "delivery.connect_timeout_ms=10000",
                 short_lease ? "delivery.request_timeout_ms=2000" : "delivery.request_timeout_ms=20000",
                 short_lease ? "delivery.lease_ms=3000" : "delivery.lease_ms=60000"});
    return sets;
  }
  std::map<std::string, std::int64_t> sim_stats() const {
    https_client c(sim_port_, certs() + "/ca.crt", dev_identity(certs(), "practice-a"));
    std::map<std::string, std::int64_t> out;
    const auto d = parse(c.request("GET", "/stats").body);
    if (d.IsObject())
      for (const auto& m : d.GetObject())
        if (m.value.IsInt64()) out[m.name.GetString()] = m.value.GetInt64();
    return out;
  }
  // What referrer-sim recorded: per referral (the Task's basedOn), message ids in arrival order.
  std::map<std::string, std::vector<std::string>> received_by_referral(std::size_t* lines = nullptr) const {
    std::map<std::string, std::vector<std::string>> out;
    std::istringstream in(read_text(sim_dir_.str("sim.jsonl")));
    std::size_t n = 0;
    for (std::string line; std::getline(in, line); ++n) {
      const auto d = parse(line);
      if (!d.IsObject() || !d.HasMember("entry") || d["entry"].Size() < 2) continue;
      const auto& task = d["entry"][1]["resource"];
      const std::string ref = task.HasMember("basedOn") ? string_at(task["basedOn"][0], "reference") : "";
      out[ref.substr(ref.find('/') + 1)].push_back(string_at(d["entry"][0]["resource"], "id"));
    }
    if (lines != nullptr) *lines = n;
    return out;
  }
  // The feedback outbox as the database holds it: per referral, ids in seq order, and the states.
  std::map<std::string, std::vector<std::string>> outbox_by_referral() const {
    std::map<std::string, std::vector<std::string>> out;
    const std::string text = shared_postgres().query_value(
        db_, "SELECT string_agg(ordering_key || ' ' || id, ',' ORDER BY seq) FROM outbox WHERE channel = 'feedback'");
    std::istringstream in(text);
    for (std::string pair; std::getline(in, pair, ',');)
      out[pair.substr(0, pair.find(' '))].push_back(pair.substr(pair.find(' ') + 1));
    return out;
  }
  std::string sql(const std::string& query) const { return shared_postgres().query_value(db_, query); }

  // practice-a refers (through instance `i`); the platform then moves the Task through `statuses`
  // (through alternating instances), each PUT pinned to the version the previous one answered.
  void refer_and_move(std::size_t i, int n, std::uint64_t& seed, const std::vector<const char*>& statuses) {
    auto a = client(i, "practice-a");
    std::vector<https_client> p;
    p.push_back(client(0, "platform"));
    p.push_back(client(1, "platform"));
    std::string body = replaced(referral_fixture("PG-" + std::to_string(n)), "9434765919", nhs_number(seed));
    const auto created = a.request("POST", "/fhir/ServiceRequest", body);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string sr = string_at(parse(created.body), "id");
    const auto found = p[i].request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr);
    ASSERT_EQ(found.status, 200) << found.body;
    auto bundle = parse(found.body);
    ASSERT_TRUE(bundle.HasMember("entry")) << found.body;
    const std::string task_id = string_at(bundle["entry"][0]["resource"], "id");
    auto task = p[i].request("GET", "/fhir/Task/" + task_id);
    for (std::size_t s = 0; s < statuses.size(); ++s) {
      auto d = parse(task.body);
      d.RemoveMember("meta");
      d["status"].SetString(statuses[s], d.GetAllocator());
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
      d.Accept(w);
      const std::string etag = task.header("etag");
      task = p[(i + s) % 2].request("PUT", "/fhir/Task/" + task_id, buffer.GetString(), {{"If-Match", etag}});
      ASSERT_EQ(task.status, 200) << statuses[s] << ": " << task.body;
    }
  }
  // `referrals` referrals with their Task moves, from `threads` clients over both instances.
  void make_feedback(int referrals, int threads, const std::vector<const char*>& statuses) {
    std::vector<std::thread> workers;
    std::atomic<int> next{0};
    for (int t = 0; t < threads; ++t)
      workers.emplace_back([&, t] {
        std::uint64_t seed = static_cast<std::uint64_t>(t) * 1000000u + 7u;
        for (int n; (n = next++) < referrals;) refer_and_move(static_cast<std::size_t>(n % 2), n, seed, statuses);
      });
    for (auto& w : workers) w.join();
  }

  std::string db_, dsn_;
  temp_dir sim_dir_;
  int sim_port_ = 0;
  std::unique_ptr<child_process> sim_;
  std::vector<std::unique_ptr<temp_dir>> dirs_;
  std::vector<std::unique_ptr<child_process>> gateways_;
};

TEST_F(postgres_gateways, fifty_concurrent_identical_referrals_over_two_instances_create_one) {
  start_gateway(0);
  start_gateway(1);
  ASSERT_FALSE(HasFailure());
  const std::string body = referral_fixture("PG-DUP-1");
  std::vector<http_answer> answers(50);
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  for (std::size_t i = 0; i < answers.size(); ++i)
    threads.emplace_back([&, i] {
      auto c = client(i % 2, "practice-a");
      ++ready;
      while (ready.load() < 50) std::this_thread::yield();
      answers[i] = c.request("POST", "/fhir/ServiceRequest", body);
    });
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  int created = 0;
  for (const auto& a : answers) {
    ASSERT_TRUE(a.status == 201 || a.status == 200) << a.status << " " << a.body;
    created += a.status == 201 ? 1 : 0;
    ids.insert(string_at(parse(a.body), "id"));
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(ids.size(), 1u) << "every answer names the one stored referral";
  EXPECT_EQ(sql("SELECT count(*) FROM resources WHERE type = 'ServiceRequest'"), "1");
  EXPECT_EQ(sql("SELECT count(*) FROM resources WHERE type = 'Task'"), "1");
  auto search =
      client(1, "practice-a")
          .request("GET", "/fhir/ServiceRequest?identifier=https://fhir.a81001.example.org/referral|PG-DUP-1");
  EXPECT_NE(search.body.find("\"total\":1"), std::string::npos) << search.body;
}

TEST_F(postgres_gateways, a_thousand_feedback_messages_reach_the_referrer_exactly_once_by_id_from_both_instances) {
  start_sim({"--no-fsync"});
  ASSERT_FALSE(HasFatalFailure());
  start_gateway(0, delivery_sets(false));
  start_gateway(1, delivery_sets(false));
  ASSERT_FALSE(HasFailure());
  make_feedback(250, 8, {"received", "accepted", "in-progress", "completed"});  // 4 messages each
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(sql("SELECT count(*) FROM outbox WHERE channel = 'feedback'"), "1000");
  ASSERT_TRUE(eventually([&] { return sim_stats()["accepted"] >= 1000; }, 120s)) << sim_stats()["accepted"];
  ASSERT_TRUE(eventually([&] { return sql("SELECT count(*) FROM outbox WHERE state <> 'delivered'") == "0"; }));
  std::size_t lines = 0;
  const auto got = received_by_referral(&lines);
  std::set<std::string> ids;
  for (const auto& [referral, list] : got) ids.insert(list.begin(), list.end());
  EXPECT_EQ(lines, 1000u);
  EXPECT_EQ(ids.size(), 1000u) << "each message recorded once";
  const auto stats = sim_stats();
  EXPECT_EQ(stats.at("accepted"), 1000);
  EXPECT_EQ(stats.at("duplicates"), 0) << "no message was sent twice";
  EXPECT_EQ(got, outbox_by_referral()) << "each referral's messages in its outbox order";
  const std::string delivered = "gateway_outbox_deliveries_total{channel=\"feedback\",result=\"delivered\"}";
  const double by_a = metric(gateways_[0]->port("ops"), delivered), by_b = metric(gateways_[1]->port("ops"), delivered);
  std::printf("[ pg       ] delivered by gw-a %.0f, by gw-b %.0f\n", by_a, by_b);
  EXPECT_EQ(by_a + by_b, 1000);
  EXPECT_GT(by_a, 0);
  EXPECT_GT(by_b, 0);
}

TEST_F(postgres_gateways, sigkill_of_one_instance_mid_delivery_the_other_takes_over_after_the_lease_in_order) {
  start_sim();  // only to take a free port for the endpoint
  ASSERT_FALSE(HasFatalFailure());
  sim_.reset();
  start_gateway(0, delivery_sets());
  start_gateway(1, delivery_sets());
  ASSERT_FALSE(HasFailure());
  make_feedback(40, 4, {"received", "accepted", "in-progress", "completed"});  // 160, waiting for the receiver
  ASSERT_FALSE(HasFailure());
  start_sim({"--delay-ms", "50"});
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_TRUE(eventually([&] { return sim_stats()["accepted"] >= 40; }));
  const auto held = [&] {
    return sql("SELECT count(*) FROM outbox WHERE lease_owner = 'gw-a' AND state = 'pending' AND leased_until > " +
               std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()));
  };
  ASSERT_TRUE(eventually([&] { return held() != "0"; }, 10s)) << "gw-a never held a lease";
  gateways_[0]->signal(SIGKILL);
  ASSERT_TRUE(gateways_[0]->wait(10s).has_value());
  const auto killed_at = steady::now();
  const std::string orphans =
      sql("SELECT string_agg(id, ',') FROM outbox WHERE lease_owner = 'gw-a' AND state = 'pending' "
          "AND leased_until IS NOT NULL");
  ASSERT_FALSE(orphans.empty()) << "gw-a died holding no item";

  ASSERT_TRUE(eventually([&] { return sql("SELECT count(*) FROM outbox WHERE state <> 'delivered'") == "0"; }, 120s))
      << sql("SELECT count(*) FROM outbox WHERE state <> 'delivered'") << " not delivered";
  const double took = std::chrono::duration<double>(steady::now() - killed_at).count();
  EXPECT_GE(took, 2.0) << "gw-a's items can only be taken over once their 3 s lease has run out";
  std::istringstream in(orphans);
  for (std::string id; std::getline(in, id, ',');)
    EXPECT_EQ(sql("SELECT state FROM outbox WHERE id = '" + id + "'"), "delivered") << id;
  std::size_t lines = 0;
  const auto got = received_by_referral(&lines);
  std::set<std::string> ids;
  for (const auto& [referral, list] : got) ids.insert(list.begin(), list.end());
  EXPECT_EQ(ids.size(), 160u) << "every message arrived";
  EXPECT_EQ(got, outbox_by_referral()) << "each referral's messages once each, in outbox order";
  std::printf(
      "[ pg       ] gw-a killed holding %zu leased items; all 160 delivered %.1f s later (%lld duplicates dropped)\n",
      static_cast<std::size_t>(std::count(orphans.begin(), orphans.end(), ',') + 1), took,
      static_cast<long long>(sim_stats()["duplicates"]));
}

TEST_F(postgres_gateways, postgres_stopped_immediately_under_load_answers_503_and_loses_nothing_acknowledged) {
  start_gateway(0);
  start_gateway(1);
  ASSERT_FALSE(HasFailure());
  std::mutex m;
  std::vector<std::string> acknowledged;  // ServiceRequest ids answered 201
  std::map<int, int> statuses;
  std::atomic<bool> stop{false}, down{false};
  std::atomic<int> answered_while_down{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 6; ++t)
    clients.emplace_back([&, t] {
      std::uint64_t seed = 500000000u + static_cast<std::uint64_t>(t) * 1000000u;
      std::unique_ptr<https_client> c;
      for (int i = 0; !stop; ++i) {
        if (!c || !c->connected())
          c = std::make_unique<https_client>(client(static_cast<std::size_t>(t % 2), "practice-a"));
        std::string body = replaced(referral_fixture("PGDOWN-" + std::to_string(t) + "-" + std::to_string(i)),
                                    "9434765919", nhs_number(seed));
        const auto a = c->request("POST", "/fhir/ServiceRequest", body);
        std::lock_guard lock(m);
        ++statuses[a.status];
        if (a.status == 201) acknowledged.push_back(string_at(parse(a.body), "id"));
        if (down) ++answered_while_down;
        if (a.status == 0) c.reset();
        if (a.status != 201) std::this_thread::sleep_for(10ms);  // a client backing off
      }
    });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return acknowledged.size() >= 100;
  }));
  shared_postgres().stop_immediate();
  down = true;
  ASSERT_TRUE(eventually([&] { return answered_while_down.load() >= 50; }));
  shared_postgres().start();
  down = false;
  const auto restarted = steady::now();
  // Both instances take writes again once they have reconnected.
  for (std::size_t i = 0; i < 2; ++i) {
    std::uint64_t seed = 900000000u + i;
    EXPECT_TRUE(eventually([&] {
      const auto a = client(i, "practice-a")
                         .request("POST", "/fhir/ServiceRequest",
                                  replaced(referral_fixture("PGUP-" + std::to_string(i) + "-" + std::to_string(seed)),
                                           "9434765919", nhs_number(seed)));
      return a.status == 201;
    })) << "instance "
        << i << " did not recover";
  }
  const double recovered_s = std::chrono::duration<double>(steady::now() - restarted).count();
  stop = true;
  for (auto& t : clients) t.join();

  std::string seen;
  for (const auto& [status, n] : statuses) {
    seen += ' ';  // appended piece by piece: g++ 12 warns falsely (-Wrestrict) on " " + ...
    seen += std::to_string(status) + "x" + std::to_string(n);
  }
  std::printf("[ pg       ] %zu acknowledged; answers:%s; both instances took writes %.1f s after the restart\n",
              acknowledged.size(), seen.c_str(), recovered_s);
  EXPECT_GT(statuses[503], 0) << "requests during the outage answer 503";
  for (const auto& [status, n] : statuses)
    EXPECT_TRUE(status == 201 || status == 503 || status == 429) << "unexpected status " << status << " x" << n;
  auto reader = client(0, "practice-a");
  for (const auto& id : acknowledged) {
    ASSERT_FALSE(id.empty());
    const auto a = reader.request("GET", "/fhir/ServiceRequest/" + id);
    ASSERT_EQ(a.status, 200) << "acknowledged referral " << id << " lost";
  }
  // Committed but not acknowledged (the answer lost in the outage) may exist; nothing acknowledged is missing.
  EXPECT_GE(std::stoul(sql("SELECT count(*) FROM resources WHERE type = 'ServiceRequest'")), acknowledged.size() + 2);
}

}  // namespace
}  // namespace rg::testing
