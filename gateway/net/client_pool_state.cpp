#include "gateway/net/client_pool_state.hpp"

#include <algorithm>

namespace gateway::net {

client_pool_state::client_pool_state(limits l) : limits_(l) {
  if (limits_.max_connections == 0) limits_.max_connections = 1;
  limits_.max_idle = std::min(limits_.max_idle, limits_.max_connections);
}

client_pool_state::grant client_pool_state::open_slot() {
  const connection_id id = next_id_++;
  busy_.insert(id);
  opening_.insert(id);
  return grant{grant::kind::open, id};
}

std::vector<client_pool_state::connection_id> client_pool_state::expire_idle(clock::time_point now) {
  std::vector<connection_id> expired;
  // Oldest first: the expired ones form a prefix.
  auto it = idle_.begin();
  while (it != idle_.end() && now - it->since >= limits_.idle_timeout) {
    expired.push_back(it->id);
    ++it;
  }
  idle_.erase(idle_.begin(), it);
  return expired;
}

std::vector<client_pool_state::connection_id> client_pool_state::close_idle() {
  std::vector<connection_id> all;
  for (const auto& c : idle_) all.push_back(c.id);
  idle_.clear();
  return all;
}

client_pool_state::checkout_result client_pool_state::checkout(clock::time_point now) {
  checkout_result result;
  result.close = expire_idle(now);
  if (!idle_.empty()) {
    const connection_id id = idle_.back().id;
    idle_.pop_back();
    busy_.insert(id);
    result.now = grant{grant::kind::reuse, id};
  } else if (busy_.size() < limits_.max_connections && waiters_.empty()) {
    result.now = open_slot();
  } else {
    result.waiting = next_ticket_++;
    waiters_.push_back(result.waiting);
  }
  return result;
}

void client_pool_state::open_succeeded(connection_id id) {
  if (opening_.erase(id) != 0) ++opened_;
}

std::optional<client_pool_state::wake> client_pool_state::hand_to_waiter(grant g) {
  if (waiters_.empty()) return std::nullopt;
  const ticket t = waiters_.front();
  waiters_.pop_front();
  granted_[t] = g;
  return wake{t};
}

std::optional<client_pool_state::wake> client_pool_state::open_failed(connection_id id) {
  opening_.erase(id);
  if (busy_.erase(id) == 0) return std::nullopt;
  if (waiters_.empty()) return std::nullopt;
  return hand_to_waiter(open_slot());
}

client_pool_state::release_result client_pool_state::release(connection_id id, bool reusable, clock::time_point now) {
  release_result result;
  if (busy_.find(id) == busy_.end()) return result;  // unknown or already released
  const bool was_opening = opening_.erase(id) != 0;
  if (reusable && !was_opening) {
    if (!waiters_.empty()) {
      // Stays busy: it changes hands without going idle.
      result.woken = hand_to_waiter(grant{grant::kind::reuse, id});
      return result;
    }
    busy_.erase(id);
    idle_.push_back(idle_connection{id, now});
    if (idle_.size() > limits_.max_idle) {
      result.close.push_back(idle_.front().id);
      idle_.erase(idle_.begin());
    }
    return result;
  }
  busy_.erase(id);
  result.close.push_back(id);
  if (!waiters_.empty()) result.woken = hand_to_waiter(open_slot());
  return result;
}

std::optional<client_pool_state::grant> client_pool_state::take_grant(ticket waiter) {
  const auto it = granted_.find(waiter);
  if (it == granted_.end()) return std::nullopt;
  const grant g = it->second;
  granted_.erase(it);
  return g;
}

std::optional<client_pool_state::grant> client_pool_state::cancel_wait(ticket waiter) {
  const auto it = std::find(waiters_.begin(), waiters_.end(), waiter);
  if (it != waiters_.end()) {
    waiters_.erase(it);
    return std::nullopt;
  }
  return take_grant(waiter);
}

}  // namespace gateway::net
