#pragma once
// Awaiting the store port from a use case (task.hpp). The store answers on its own threads; the
// answer is kept in the awaiter (inside the suspended coroutine's frame) and the use case is
// resumed by its task's resumer, so it continues where its front door runs it.
//
//   auto op = store_read(*ctx.store, "ServiceRequest", id);   // a named local first (g++ 12)
//   core::read_outcome stored = co_await op;
//
// Thread safety: one await at a time per awaiter; the store's callback may run on any thread,
// also on the awaiting one before await_suspend returns (then the resumer runs it later).
#include <cassert>
#include <coroutine>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "gateway/app/task.hpp"
#include "gateway/core/store.hpp"

namespace gateway::app {

template <class T, class Start>
class store_call {
 public:
  explicit store_call(Start start) : start_(std::move(start)) {}

  bool await_ready() const noexcept { return false; }

  template <class Promise>
  void await_suspend(std::coroutine_handle<Promise> waiting) {
    resumer* where = waiting.promise().where;
    assert(where != nullptr && "a use case runs under app::start");
    // Nothing of *this is touched after start_ is called: the answer may resume us at once.
    std::move(start_)(core::store_callback<T>(answer{this, waiting, where}));
  }

  T await_resume() { return std::move(*result_); }

 private:
  struct answer {
    store_call* call;
    std::coroutine_handle<> waiting;
    resumer* where;
    void operator()(T value) {
      call->result_.emplace(std::move(value));
      where->resume_later(waiting);
    }
  };

  Start start_;
  std::optional<T> result_;
};

// `start` is called with a core::store_callback<T>; the use case resumes with its T.
template <class T, class Start>
store_call<T, Start> call_store(Start start) {
  return store_call<T, Start>(std::move(start));
}

inline auto store_read(core::store& store, std::string type, std::string id) {
  return call_store<core::read_outcome>(std::bind_front(&core::store::read, &store, std::move(type), std::move(id)));
}

inline auto store_vread(core::store& store, std::string type, std::string id, std::int64_t version) {
  return call_store<core::read_outcome>(
      std::bind_front(&core::store::vread, &store, std::move(type), std::move(id), version));
}

inline auto store_find_claim(core::store& store, std::string owner_org, std::string system, std::string value) {
  return call_store<core::claim_lookup_outcome>(
      std::bind_front(&core::store::find_claim, &store, std::move(owner_org), std::move(system), std::move(value)));
}

inline auto store_search(core::store& store, core::search_query query) {
  return call_store<core::search_outcome>(std::bind_front(&core::store::search, &store, std::move(query)));
}

inline auto store_commit(core::store& store, core::unit_of_work work) {
  return call_store<core::commit_outcome>(std::bind_front(&core::store::commit, &store, std::move(work)));
}

}  // namespace gateway::app
