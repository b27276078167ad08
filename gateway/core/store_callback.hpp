#pragma once
// A one-shot, move-only completion callback for the storage port. std::function needs copyable
// targets; Asio completion handlers (what the API layer bridges to coroutines) are move-only.

#include <concepts>
#include <memory>
#include <type_traits>
#include <utility>

namespace gateway::core {

// Holds any callable invocable with an Arg&&. Called at most once; calling an empty one is a no-op.
template <class Arg>
class store_callback {
 public:
  store_callback() = default;

  template <class F>
  requires(!std::same_as<std::remove_cvref_t<F>, store_callback> && std::invocable<std::decay_t<F>&, Arg&&>)
      store_callback(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly
      : target_(std::make_unique<holder<std::decay_t<F>>>(std::forward<F>(f))) {}

  store_callback(store_callback&&) noexcept = default;
  store_callback& operator=(store_callback&&) noexcept = default;

  explicit operator bool() const noexcept { return target_ != nullptr; }

  // Consumes the callback: the target is destroyed after it returns.
  void operator()(Arg arg) {
    if (auto target = std::move(target_)) target->call(std::move(arg));
  }

 private:
  struct base {
    virtual ~base() = default;
    virtual void call(Arg&& arg) = 0;
  };
  template <class F>
  struct holder final : base {
    explicit holder(F f) : f_(std::move(f)) {}
    void call(Arg&& arg) override { f_(std::move(arg)); }
    F f_;
  };

  std::unique_ptr<base> target_;
};

}  // namespace gateway::core
