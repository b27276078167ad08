#pragma once
// A real SQLite store in a fresh temporary directory, with blocking wrappers around the
// callback API so tests read top to bottom.

#include "adapters/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

namespace gateway::sqlite::test {

namespace core = gateway::core;

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

class store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    options_.path = (dir_ / "store.db").string();
    options_.read_connections = 2;
    reopen();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void reopen() {
    store_.reset();
    auto opened = sqlite_store::open(options_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
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

  std::filesystem::path dir_;
  sqlite_options options_;
  std::unique_ptr<sqlite_store> store_;
};

}  // namespace gateway::sqlite::test
