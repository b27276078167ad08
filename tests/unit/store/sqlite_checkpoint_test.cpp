#include "adapters/sqlite/sqlite_store.hpp"

#include "tests/unit/store/store_fixture.hpp"

#include <atomic>
#include <thread>

namespace gateway::store_test {
namespace {

// The WAL checkpoint runs off the writer thread (checkpointer.hpp); the WAL must still stay
// bounded while commits never stop, and what was committed must survive a reopen.
class checkpoint_test : public store_test {
 protected:
  void SetUp() override {
    sqlite_.wal_checkpoint_pages = 16;
    sqlite_.wal_restart_pages = 64;
    store_test::SetUp();
  }
  std::uintmax_t wal_bytes() {
    std::error_code ec;
    const auto n = std::filesystem::file_size(sqlite_.path + "-wal", ec);
    return ec ? 0 : n;
  }
};

INSTANTIATE_TEST_SUITE_P(sqlite, checkpoint_test, ::testing::Values(engine::sqlite), engine_name);

TEST_P(checkpoint_test, the_wal_stays_bounded_under_continuous_commits_and_data_survives_reopen) {
  constexpr int threads_n = 4, per_thread = 300;
  const std::string padding(3000, 'x');  // ~1 page of JSON per resource
  std::atomic<int> failures{0};
  std::atomic<std::uintmax_t> largest_wal{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_n; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto w = create("Task", id, "ORG-A", {{"status", "requested"}, {"based-on", "ServiceRequest/" + id}});
        w.json = R"({"resourceType":"Task","note":")" + padding + R"("})";
        if (!commit(unit(std::move(w)))) ++failures;
        std::uintmax_t seen = largest_wal.load();
        const auto now = wal_bytes();
        while (now > seen && !largest_wal.compare_exchange_weak(seen, now)) {
        }
      }
    });
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  // Without a restart the WAL would hold every page written: > 1,200 pages here. Bounded: the
  // restart size, plus what was committed during one background pass, plus the safety margin.
  const std::uintmax_t frame = 4096 + 24;
  std::printf("[ measured ] largest WAL %ju frames\n", largest_wal.load() / frame);
  EXPECT_LT(largest_wal.load(), 4u * 64u * frame + 256u * frame);

  reopen();
  core::search_query q;
  q.type = "Task";
  q.criteria = {{"status", {"requested"}}};
  q.count = 0;
  auto page = search(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, threads_n * per_thread);
  EXPECT_TRUE(read("Task", "t3-299"));
}

}  // namespace
}  // namespace gateway::store_test
