#pragma once
// A per-connection deadline: when it expires it runs a cancel action (cancel the socket's
// pending operations) instead of closing the socket, so the session can still write a 408.
//
// Use from the connection's strand only. A generation counter makes a stale expiry (one already
// queued when the deadline was re-armed or disarmed) do nothing.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace gateway::net {

class deadline {
 public:
  explicit deadline(const boost::asio::any_io_executor& executor) : state_(std::make_shared<state>(executor)) {}
  ~deadline() { disarm(); }
  deadline(const deadline&) = delete;
  deadline& operator=(const deadline&) = delete;

  void arm(std::chrono::steady_clock::duration after, std::function<void()> on_expiry) {
    const std::uint64_t generation = ++state_->generation;
    state_->fired = false;
    state_->timer.expires_after(after);
    state_->timer.async_wait(
        [s = state_, generation, action = std::move(on_expiry)](const boost::system::error_code& ec) {
          if (ec || s->generation != generation) return;
          s->fired = true;
          action();
        });
  }

  void disarm() {
    ++state_->generation;
    state_->timer.cancel();
  }

  // True when the last armed deadline expired (and its action ran).
  bool fired() const { return state_->fired; }

 private:
  struct state {
    explicit state(const boost::asio::any_io_executor& ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    std::uint64_t generation = 0;
    bool fired = false;
  };
  std::shared_ptr<state> state_;
};

}  // namespace gateway::net
