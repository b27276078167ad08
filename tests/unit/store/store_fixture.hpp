#pragma once
// The store contract suite (issue 14): every test written against gateway::core::store runs on
// both engines, a fresh SQLite file in a temporary folder and a fresh schema on a real PostgreSQL
// 15 server started by the test process (tests/support/postgres_cluster.hpp). The PostgreSQL
// instances are skipped — and reported as skipped — only when RG_POSTGRES=0.
//
// Blocking wrappers around the callback API keep the tests readable top to bottom.

#include "adapters/postgres/postgres_store.hpp"
#include "adapters/sqlite/sqlite_store.hpp"
#include "tests/support/postgres_cluster.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace gateway::store_test {

namespace core = gateway::core;

enum class engine { sqlite, postgres };

inline std::string engine_name(const ::testing::TestParamInfo<engine>& info) {
  return info.param == engine::sqlite ? "sqlite" : "postgres";
}

// Starts an async call and waits for its one callback.
template <class Result, class Start>
Result wait_for(Start start) {
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  start(core::store_callback<Result>([promise](Result r) { promise->set_value(std::move(r)); }));
  return future.get();
}

inline std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rg-store-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// A fresh, empty PostgreSQL schema on the shared test cluster (its name in `name`), as a
// connection string.
inline std::string fresh_postgres_schema(std::string& name) {
  static std::atomic<int> counter{0};
  name = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  return rg::testing::shared_postgres().create_schema(name);
}

inline core::resource_write create(std::string type, std::string id, std::string owner = "ORG-A",
                                   std::vector<core::index_entry> index = {}) {
  core::resource_write w;
  w.kind = core::write_kind::create;
  w.type = type;
  w.id = id;
  w.owner_org = std::move(owner);
  w.json = R"({"resourceType":")" + type + R"(","status":"active"})";
  w.index = std::move(index);
  return w;
}

inline core::unit_of_work unit(core::resource_write w) {
  core::unit_of_work u;
  u.writes.push_back(std::move(w));
  return u;
}

class store_test : public ::testing::TestWithParam<engine> {
 protected:
  void SetUp() override {
    if (GetParam() == engine::postgres) {
      if (!rg::testing::postgres_enabled()) GTEST_SKIP() << "RG_POSTGRES=0: PostgreSQL tests skipped";
      postgres_.dsn = fresh_postgres_schema(schema_);
      postgres_.instance = "test-a";
    } else {
      dir_ = make_temp_dir();
      sqlite_.path = (dir_ / "store.db").string();
    }
    reopen();
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  // Another store on the same storage (PostgreSQL: a second instance named `instance`).
  std::unique_ptr<core::store> open_another(const std::string& instance) {
    auto options = postgres_;
    options.instance = instance;
    auto opened = postgres::postgres_store::open(options);
    EXPECT_TRUE(opened.has_value()) << opened.error().message;
    return opened ? std::unique_ptr<core::store>(std::move(*opened)) : nullptr;
  }

  // Closes and opens the same storage again, with the current options.
  void reopen() {
    store_.reset();
    sqlite_.max_queue = postgres_.max_queue = max_queue_;
    sqlite_.max_batch = postgres_.max_batch = max_batch_;
    if (GetParam() == engine::sqlite) {
      auto opened = sqlite::sqlite_store::open(sqlite_);
      ASSERT_TRUE(opened.has_value()) << opened.error().message;
      store_ = std::move(*opened);
    } else {
      auto opened = postgres::postgres_store::open(postgres_);
      ASSERT_TRUE(opened.has_value()) << opened.error().message;
      store_ = std::move(*opened);
    }
  }

  core::commit_outcome commit(core::unit_of_work u) {
    return wait_for<core::commit_outcome>([&](auto cb) { store_->commit(std::move(u), std::move(cb)); });
  }
  core::read_outcome read(const std::string& type, const std::string& id) {
    return wait_for<core::read_outcome>([&](auto cb) { store_->read(type, id, std::move(cb)); });
  }
  core::read_outcome vread(const std::string& type, const std::string& id, std::int64_t v) {
    return wait_for<core::read_outcome>([&](auto cb) { store_->vread(type, id, v, std::move(cb)); });
  }
  core::history_outcome history(const std::string& type, const std::string& id, std::size_t n = 100) {
    return wait_for<core::history_outcome>([&](auto cb) { store_->history(type, id, n, std::move(cb)); });
  }
  core::search_outcome search(core::search_query q) {
    return wait_for<core::search_outcome>([&](auto cb) { store_->search(std::move(q), std::move(cb)); });
  }
  core::audit_outcome search_audit(core::audit_query q) {
    return wait_for<core::audit_outcome>([&](auto cb) { store_->search_audit(std::move(q), std::move(cb)); });
  }

  std::size_t max_queue_ = 4096;
  std::size_t max_batch_ = 256;
  std::filesystem::path dir_;
  std::string schema_;  // PostgreSQL
  sqlite::sqlite_options sqlite_;
  postgres::postgres_options postgres_;
  std::unique_ptr<core::store> store_;
};

// Runs a contract suite (a fixture derived from store_test, or store_test itself) on both engines.
#define RG_STORE_CONTRACT(suite)                                                                        \
  INSTANTIATE_TEST_SUITE_P(sqlite, suite, ::testing::Values(::gateway::store_test::engine::sqlite),     \
                           ::gateway::store_test::engine_name);                                         \
  INSTANTIATE_TEST_SUITE_P(postgres, suite, ::testing::Values(::gateway::store_test::engine::postgres), \
                           ::gateway::store_test::engine_name)

}  // namespace gateway::store_test
