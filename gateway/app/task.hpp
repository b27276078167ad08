#pragma once
// The use cases' coroutine type. A use case makes several store calls in sequence (find a claim,
// read, commit, retry on a conflict); written as a coroutine it reads top to bottom, without Asio:
// the store port is callback-based, and the front door decides where the use case runs.
//
// - app::task<T> is lazy: nothing runs until it is awaited by another task or started with
//   app::start(). Awaiting a task runs it to completion and yields its T (or rethrows).
// - Store calls are awaited through store_call (store_call.hpp). The store answers on its own
//   threads; the answer is handed to the task's `resumer`, which resumes the use case where the
//   front door wants it (the FHIR API: the connection's strand). A use case therefore never runs
//   on a store thread and never blocks one.
// - A task started with a resumer passes it on to every task it awaits.
//
// Rules (g++ 12, STYLE.md): write use cases as named member or free functions taking their
// parameters by value; no lambda coroutines; build an awaited operation in its own statement.
//
// Thread safety: a task is driven by one thread at a time (the resumer serialises); it may move
// between threads at each store call.
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

namespace gateway::app {

// Resumes a suspended use case later, never inside the call (the store may answer on the
// calling thread before the use case has finished suspending). Thread-safe.
class resumer {
 public:
  virtual void resume_later(std::coroutine_handle<> handle) = 0;

 protected:
  ~resumer() = default;
};

namespace task_detail {

struct promise_base {
  resumer* where = nullptr;
  std::coroutine_handle<> continuation;  // the awaiting coroutine; null for a started root
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct final_awaiter {
    bool await_ready() noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) noexcept {
      const std::coroutine_handle<> next = done.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  final_awaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

}  // namespace task_detail

template <class T>
class [[nodiscard]] task {
 public:
  struct promise_type : task_detail::promise_base {
    std::optional<T> value;
    task get_return_object() { return task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    template <class U>
    void return_value(U&& v) {
      value.emplace(std::forward<U>(v));
    }
  };
  using handle_type = std::coroutine_handle<promise_type>;

  task(task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() {
    if (handle_) handle_.destroy();
  }

  struct awaiter {
    handle_type child;
    bool await_ready() noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> parent) noexcept {
      child.promise().where = parent.promise().where;
      child.promise().continuation = parent;
      return child;
    }
    T await_resume() {
      if (child.promise().error) std::rethrow_exception(child.promise().error);
      return std::move(*child.promise().value);
    }
  };
  awaiter operator co_await() && noexcept { return awaiter{handle_}; }

 private:
  explicit task(handle_type h) : handle_(h) {}
  handle_type handle_;
};

namespace task_detail {

// The coroutine app::start runs: awaits the task, hands its outcome to `done`, destroys itself.
struct root {
  struct promise_type : promise_base {
    root get_return_object() { return root{std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
  };
  std::coroutine_handle<promise_type> handle;
};

template <class T, class Done>
root run_root(task<T> work, Done done) {
  std::exception_ptr error;
  std::optional<T> value;
  try {
    value.emplace(co_await std::move(work));
  } catch (...) {
    error = std::current_exception();
  }
  std::move(done)(error, std::move(value));
}

}  // namespace task_detail

// Runs `work` now, on the calling thread, until its first store call; afterwards on `where`.
// `done(std::exception_ptr, std::optional<T>)` is called once, on the thread that finishes the
// task (the value is set unless the exception is). `where` must outlive the call of `done`.
template <class T, class Done>
void start(task<T> work, resumer& where, Done done) {
  task_detail::root r = task_detail::run_root(std::move(work), std::move(done));
  r.handle.promise().where = &where;
  r.handle.resume();
}

}  // namespace gateway::app
