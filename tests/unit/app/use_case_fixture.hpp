#pragma once
// What the use-case tests share: the services over an in-memory store (memory_store.hpp), the
// embedded triage rules, repeatable ids and time, three callers, the referral fixtures, and
// run(), which drives a use case to its end on the test's thread.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <coroutine>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "gateway/app/services.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/triage_rules.hpp"
#include "tests/unit/app/memory_store.hpp"

namespace gateway::app::testing {

// Resumes use cases on the test's thread, in order, when drained.
class queue_resumer final : public resumer {
 public:
  void resume_later(std::coroutine_handle<> handle) override { waiting_.push_back(handle); }
  void drain() {
    while (!waiting_.empty()) {
      const auto next = waiting_.front();
      waiting_.pop_front();
      next.resume();
    }
  }

 private:
  std::deque<std::coroutine_handle<>> waiting_;
};

template <class T>
struct keep_outcome {
  std::optional<T>* value;
  std::exception_ptr* error;
  void operator()(std::exception_ptr e, std::optional<T> v) {
    *error = e;
    *value = std::move(v);
  }
};

// Runs `work` to its end (every store answer in turn) and returns its result.
template <class T>
T run(task<T> work) {
  queue_resumer where;
  std::optional<T> value;
  std::exception_ptr error;
  start(std::move(work), where, keep_outcome<T>{&value, &error});
  where.drain();
  if (error) std::rethrow_exception(error);
  if (!value) throw std::runtime_error("the use case did not finish");
  return std::move(*value);
}

// The text of a test data file (tests/data/...).
std::string data_file(const std::string& relative);
rapidjson::Document parse(const std::string& json);
// tests/data/core/servicerequest-contained.json (practice A81001, NHS number 9434765919) with its
// referral number REF-2024-0001 replaced by `number`.
rapidjson::Document referral(const std::string& number);

class use_case_test : public ::testing::Test {
 protected:
  use_case_test();

  caller practice_a{"practice-a", core::caller_role::referrer, "A81001"};
  caller practice_b{"practice-b", core::caller_role::referrer, "B82002"};
  caller platform{"platform", core::caller_role::platform, "PLT01"};
  request_meta meta{"req-1", {}, front_door::fhir_rest, "https://gateway.test/fhir"};

  memory_store store;
  core::triage_rules rules;
  context ctx;
  std::unique_ptr<services> use_cases;

  // Creates `document` as practice A; fails the test unless it is stored.
  referral_created create_referral(const rapidjson::Value& document);
  // The referral's Task as stored.
  core::resource_record task_of(const std::string& service_request_id) const;
  std::size_t outbox_count(const std::string& channel) const;

 private:
  std::uint64_t next_id_ = 0;
};

}  // namespace gateway::app::testing
