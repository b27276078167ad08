// The gateway's ids: version-7 UUIDs (RFC 9562) that sort by the time they were made.
#include "gateway/app/time_ordered_uuid.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace gateway::app {
namespace {

TEST(TimeOrderedUuid, FormatsTheTimeFirstThenVersionVariantAndRandomBits) {
  const unsigned char random[10] = {0xff, 0xff, 0xff, 0xff, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab};
  // RFC 9562 appendix A.6: unix_ts_ms 0x017F22E279B0 is Tuesday, February 22, 2022 2:22:22.00 PM GMT-05:00.
  EXPECT_EQ(format_uuid_v7(0x017F22E279B0ULL, random), "017f22e2-79b0-7fff-bfff-0123456789ab");
  const unsigned char zeros[10] = {};
  EXPECT_EQ(format_uuid_v7(0, zeros), "00000000-0000-7000-8000-000000000000");
}

TEST(TimeOrderedUuid, IsAVersion7UuidThatFhirAcceptsAsAnId) {
  const std::regex v7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::regex fhir_id("[A-Za-z0-9\\-\\.]{1,64}");
  for (int i = 0; i < 100; ++i) {
    const std::string id = time_ordered_uuid();
    EXPECT_TRUE(std::regex_match(id, v7)) << id;
    EXPECT_TRUE(std::regex_match(id, fhir_id)) << id;
  }
}

TEST(TimeOrderedUuid, CarriesTheCurrentTimeSoLaterIdsSortAfterEarlierOnes) {
  using namespace std::chrono;
  const auto before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const std::string first = time_ordered_uuid();
  const auto after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  const auto stamped = static_cast<long long>(std::stoull(first.substr(0, 8) + first.substr(9, 4), nullptr, 16));
  EXPECT_GE(stamped, before);
  EXPECT_LE(stamped, after);
  // Waiting on the clock (not sleeping a guess): the next millisecond's id sorts after.
  while (duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() <= after)
    std::this_thread::yield();
  EXPECT_LT(first, time_ordered_uuid());
}

TEST(TimeOrderedUuid, IdsMadeInTheSameMillisecondOnManyThreadsAreStillUnique) {
  std::vector<std::vector<std::string>> made(4);
  std::vector<std::thread> threads;
  for (auto& out : made)
    threads.emplace_back([&out] {
      for (int i = 0; i < 5000; ++i) out.push_back(time_ordered_uuid());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : made) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 20000u);
}

}  // namespace
}  // namespace gateway::app
