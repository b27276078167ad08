// kill -9 under load (DESIGN.md §6, issue 4): 8 clients post distinct referrals over keep-alive as
// fast as the gateway answers, and every tenth request sends one of their acknowledged referrals
// again (a repeat must answer 200 with the stored one). The gateway is killed with SIGKILL
// mid-stream and restarted on the same storage; then each client sends again every request the
// kill left unanswered, as a real client retries (the referral may or may not have been stored:
// 201 or 200, never a second one). Every referral that got 201 must be readable, no referral may
// exist twice, and every stored referral must reach the JSON Lines event file
// (platform.events_jsonl, written by the outbox dispatcher, in its rotated segments too) exactly
// once as referral.received, while delivered outbox items are purged.
//
// SIGKILL leaves the page cache to the kernel, so this test cannot show that acknowledged data was
// fsync'd: durability_test does. RG_CRASH_ROUNDS (default 1; tools/test.sh runs 5) repeats
// kill/restart/verify on the same storage, so later rounds also prove that earlier crashes left a
// store that survives the next one.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

constexpr int client_threads = 8;
constexpr const char* referral_system = "https://fhir.a81001.example.org/referral";

int crash_rounds() {
  const char* text = std::getenv("RG_CRASH_ROUNDS");
  const int n = text != nullptr ? std::atoi(text) : 1;
  return n > 0 ? n : 1;
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// "https://localhost:1234/fhir/ServiceRequest/ID/_history/1" -> "ID".
std::string id_from_location(const std::string& location) {
  const std::string marker = "/ServiceRequest/";
  const auto at = location.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  return location.substr(start, location.find('/', start) - start);
}

// The "id" of the resource an answer carries ("" when none).
std::string resource_id(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc.IsObject() && doc.HasMember("id") && doc["id"].IsString() ? doc["id"].GetString() : std::string();
}

std::string path_of(const std::string& url) {
  const auto at = url.find("/fhir/");
  return at == std::string::npos ? url : url.substr(at);
}

struct acknowledged {
  std::string id;
  std::string number;  // the referral identifier value
  std::string body;    // as sent, so it can be sent again
};

// What the clients of one round saw.
struct load_result {
  std::vector<acknowledged> created;
  std::vector<acknowledged> unanswered;  // sent, no answer (the kill) or 429/503: to send again
  std::map<int, int> other_statuses;     // status -> count (0: connection broken by the kill)
  int repeats = 0;                       // acknowledged referrals sent again before the kill: 200 each
  std::vector<std::string> repeat_errors;
};

class crash_test : public ::testing::Test {
 protected:
  void start() {
    // The events file rotates every few dozen events and delivered outbox items are purged at
    // once, so kills also land in rotations and purges.
    gateway_ = std::make_unique<child_process>(
        gateway_args(shared_certs_dir(), dir_,
                     {"platform.events_rotate_bytes=65536", "retention.outbox_delivered_days=0",
                      "retention.purge_interval_ms=100"}));
    ASSERT_TRUE(gateway_->started()) << gateway_->stderr_text();
  }
  https_client client() {
    return https_client(gateway_->port("https"), shared_certs_dir() + "/ca.crt",
                        dev_identity(shared_certs_dir(), "practice-a"));
  }

  // Runs 8 posting clients, kills the gateway with SIGKILL once they are in full flow, and
  // returns what was acknowledged, repeated and left unanswered.
  load_result post_and_kill(int round) {
    const std::string base = read_text(source_dir() + "/tests/data/core/servicerequest-contained.json");
    std::mutex mutex;
    std::condition_variable progress;
    load_result result;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < client_threads; ++t) {
      threads.emplace_back([&, t] {
        auto c = client();
        if (!c.connected()) return;
        std::uint64_t seed = static_cast<std::uint64_t>(round) * 10000000u + static_cast<std::uint64_t>(t) * 1000000u;
        std::vector<acknowledged> mine;  // this client's acknowledged referrals, to repeat
        for (int i = 0; !stop.load(); ++i) {
          const bool repeat = i % 10 == 9 && !mine.empty();
          acknowledged sent;
          if (repeat) {
            sent = mine[static_cast<std::size_t>(i) % mine.size()];
          } else {
            sent.number = "CRASH-" + std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(i);
            sent.body = replace_once(base, "REF-2024-0001", sent.number);
            sent.body = replace_once(sent.body, "9434765919", nhs_number(seed));
          }
          const auto a = c.request("POST", "/fhir/ServiceRequest", sent.body);
          std::lock_guard lock(mutex);
          if (repeat && a.status == 200) {
            ++result.repeats;
            if (resource_id(a.body) != sent.id)
              result.repeat_errors.push_back(sent.number + ": the repeat answered another referral");
          } else if (repeat && a.status == 201) {
            result.repeat_errors.push_back(sent.number + ": the repeat created a second referral");
          } else if (a.status == 201) {
            sent.id = id_from_location(a.header("location"));
            mine.push_back(sent);
            result.created.push_back(std::move(sent));
            progress.notify_all();
          } else {
            ++result.other_statuses[a.status];
            if (a.status == 0 || a.status == 429 || a.status == 503) result.unanswered.push_back(std::move(sent));
          }
          if (a.status == 0) return;  // the gateway is gone
        }
      });
    }
    {
      // Kill once the clients are in full flow, at a point that differs from round to round.
      std::mt19937 random(static_cast<unsigned>(std::random_device{}()));
      const std::size_t kill_after = 100 + random() % 400;
      std::unique_lock lock(mutex);
      progress.wait_for(lock, std::chrono::seconds(60), [&] { return result.created.size() >= kill_after; });
    }
    gateway_->signal(SIGKILL);
    const auto code = gateway_->wait();
    EXPECT_EQ(code, 128 + SIGKILL);
    stop = true;
    for (auto& th : threads) th.join();
    gateway_.reset();
    return result;
  }

  // After the restart: every unanswered request sent again, as the client would. The referral
  // was stored (200, the stored one) or not (201, stored now); either way it counts as created.
  void resend_unanswered(load_result& load) {
    auto c = client();
    ASSERT_TRUE(c.connected()) << c.error();
    for (auto& sent : load.unanswered) {
      const bool acknowledged_before = !sent.id.empty();  // a repeat cut short by the kill
      const auto a = c.request("POST", "/fhir/ServiceRequest", sent.body);
      ASSERT_TRUE(a.status == 200 || (a.status == 201 && !acknowledged_before))
          << sent.number << " sent again: " << a.status << " " << a.body;
      const std::string id = a.status == 201 ? id_from_location(a.header("location")) : resource_id(a.body);
      if (acknowledged_before) {
        EXPECT_EQ(id, sent.id) << sent.number << ": sent again, answered with another referral";
        continue;
      }
      sent.id = id;
      load.created.push_back(sent);
    }
  }

  // Every ServiceRequest the store holds, by paging through the search: id -> identifier value.
  std::multimap<std::string, std::string> stored_referrals(https_client& c) {
    std::multimap<std::string, std::string> by_number;
    std::string target = "/fhir/ServiceRequest?_count=100";
    for (int page = 0; !target.empty() && page < 100000; ++page) {
      const auto a = c.request("GET", target);
      EXPECT_EQ(a.status, 200) << a.body;
      if (a.status != 200) break;
      rapidjson::Document doc;
      doc.Parse(a.body.c_str());
      target.clear();
      if (!doc.IsObject()) break;
      if (doc.HasMember("entry")) {
        for (const auto& e : doc["entry"].GetArray()) {
          if (!e.HasMember("resource")) continue;
          const auto& r = e["resource"];
          if (std::string(r["resourceType"].GetString()) != "ServiceRequest") continue;
          for (const auto& ident : r["identifier"].GetArray()) {
            if (std::string(ident["system"].GetString()) == referral_system) {
              by_number.emplace(ident["value"].GetString(), r["id"].GetString());
            }
          }
        }
      }
      if (doc.HasMember("link")) {
        for (const auto& l : doc["link"].GetArray()) {
          if (std::string(l["relation"].GetString()) == "next") target = path_of(l["url"].GetString());
        }
      }
    }
    return by_number;
  }

  // referral.received events in the JSON Lines file: ServiceRequest id -> count, once every id in
  // `expected` has one (the file is written by the gateway's dispatcher), or after a deadline.
  std::map<std::string, int> received_events(const std::set<std::string>& expected) {
    const std::string file = dir_.str("events.jsonl");
    std::map<std::string, int> counts;
    eventually(
        [&] {
          counts.clear();
          for (const auto& line : event_file_lines(file)) {
            rapidjson::Document event;
            event.Parse(line.c_str());
            if (!event.IsObject() || !event.HasMember("type") || !event.HasMember("subject")) continue;
            if (std::string(event["type"].GetString()) != "referral.received") continue;
            const std::string subject = event["subject"].GetString();
            ++counts[subject.substr(subject.find('/') + 1)];
          }
          bool all = true;
          for (const auto& id : expected) all = all && counts.count(id) > 0;
          return all;
        },
        std::chrono::seconds(60));
    return counts;
  }

  temp_dir dir_;
  std::unique_ptr<child_process> gateway_;
};

TEST_F(crash_test, sigkill_under_load_loses_no_acknowledged_referral_and_duplicates_none) {
  const int rounds = crash_rounds();
  std::vector<acknowledged> all_created;
  start();
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round + 1) + " of " + std::to_string(rounds));
    load_result load = post_and_kill(round);
    ASSERT_GE(load.created.size(), 100u) << "the clients never got going";
    std::string statuses;
    for (const auto& [status, n] : load.other_statuses)
      statuses.append(" ").append(std::to_string(status)).append("x").append(std::to_string(n));
    std::printf(
        "[ crash    ] round %d: %zu referrals acknowledged (201) and %d repeats answered 200 before SIGKILL; %zu "
        "unanswered; other answers:%s\n",
        round + 1, load.created.size(), load.repeats, load.unanswered.size(), statuses.c_str());
    for (const auto& status : load.other_statuses) {
      EXPECT_TRUE(status.first == 0 || status.first == 429 || status.first == 503)
          << "unexpected status " << status.first << " before the kill";
    }
    for (const auto& e : load.repeat_errors) ADD_FAILURE() << e;
    EXPECT_GT(load.repeats, 0) << "duplicates were never tried";

    start();  // same storage path (and event file): dir_
    resend_unanswered(load);
    auto c = client();
    ASSERT_TRUE(c.connected()) << c.error();

    // Each acknowledged referral of this round reads back, under its own identifier.
    for (const auto& created : load.created) {
      ASSERT_FALSE(created.id.empty()) << "201 without a Location naming the ServiceRequest";
      const auto a = c.request("GET", "/fhir/ServiceRequest/" + created.id);
      ASSERT_EQ(a.status, 200) << "acknowledged referral " << created.number << " lost: " << a.body;
      EXPECT_NE(a.body.find("\"" + created.number + "\""), std::string::npos) << a.body;
    }
    all_created.insert(all_created.end(), load.created.begin(), load.created.end());

    // The whole store: every referral acknowledged in any round, none twice.
    const auto stored = stored_referrals(c);
    std::set<std::string> stored_ids;
    for (const auto& [number, id] : stored) {
      EXPECT_EQ(stored.count(number), 1u) << "referral " << number << " stored more than once";
      stored_ids.insert(id);
    }
    for (const auto& created : all_created) {
      const auto it = stored.find(created.number);
      ASSERT_NE(it, stored.end()) << "acknowledged referral " << created.number << " not found by search";
      EXPECT_EQ(it->second, created.id);
    }

    // Events: every stored referral (acknowledged or committed just before the kill) reaches the
    // JSON Lines file exactly once.
    EXPECT_TRUE(std::filesystem::exists(dir_.str("events.jsonl"))) << "platform.events_jsonl not written";
    const auto events = received_events(stored_ids);
    for (const auto& id : stored_ids) {
      const auto it = events.find(id);
      EXPECT_TRUE(it != events.end() && it->second == 1)
          << "ServiceRequest/" << id << " has " << (it == events.end() ? 0 : it->second) << " referral.received events";
    }
    for (const auto& [id, n] : events) {
      EXPECT_TRUE(stored_ids.count(id)) << "event for ServiceRequest/" << id << " which is not stored";
    }
    std::printf(
        "[ crash    ] round %d: after restart %zu referrals stored (%zu acknowledged in all rounds), %zu with "
        "their referral.received event\n",
        round + 1, stored_ids.size(), all_created.size(), events.size());
    if (HasFailure()) break;
  }
}

}  // namespace
}  // namespace rg::testing
