#include "gateway/core/dispatch_state.hpp"

#include <algorithm>
#include <utility>

namespace gateway::core {

namespace {

std::string destination_key(const outbox_item& item) {
  return item.channel + '\n' + item.destination;
}

}  // namespace

dispatch_state::dispatch_state(dispatch_limits limits, limit_fn limit) : limits_(limits), limit_(std::move(limit)) {
  limits_.batch = std::max<std::size_t>(limits_.batch, 1);
  limits_.max_held = std::max<std::size_t>(limits_.max_held, 1);
  limits_.per_destination = std::max<std::size_t>(limits_.per_destination, 1);
}

std::size_t dispatch_state::fetch_size(time_point now) const {
  if (stopping_ || fetching_ || now < backoff_until_) return 0;
  const bool retry_due = !retries_.empty() && *retries_.begin() <= now;
  if (!dirty_ && !retry_due && now < poll_at_) return 0;
  if (held_ >= limits_.max_held) return 0;
  return std::min(limits_.batch, limits_.max_held - held_);
}

outbox_fetch_scope dispatch_state::fetch_started(time_point now, std::size_t size) {
  fetching_ = true;
  dirty_ = false;
  asked_ = size;
  // This fetch sees every retry due by now.
  retries_.erase(retries_.begin(), retries_.upper_bound(now));
  outbox_fetch_scope scope;
  scope.per_destination = limits_.per_destination;
  scope.shares.reserve(destinations_.size());
  offered_.clear();
  for (const auto& [key, q] : destinations_) {
    const std::size_t holds = q.in_flight + q.waiting.size();
    const std::size_t window = 2 * static_cast<std::size_t>(q.limit);
    const std::size_t share = holds >= window ? 0 : window - holds;
    scope.shares.push_back({q.channel, q.destination, share});
    offered_[key] = share;
  }
  return scope;
}

std::vector<outbox_entry> dispatch_state::fetch_done(std::vector<outbox_entry> items, time_point now) {
  fetching_ = false;
  poll_at_ = now + limits_.idle_poll;
  // A full batch: more may be due already.
  if (items.size() >= asked_) dirty_ = true;
  std::vector<std::pair<std::string, std::size_t>> touched;  // key, items taken
  for (auto& item : items) {
    if (stopping_ || !held_ids_.insert(item.item.id).second) {
      ++ignored_;  // the same item again after its lease ran out while we still hold it
      continue;
    }
    ++held_;
    std::string key = destination_key(item.item);
    auto& q = destinations_[key];
    if (q.channel.empty()) {
      q.channel = item.item.channel;
      q.destination = item.item.destination;
      q.limit = std::max(1u, limit_ ? limit_(q.channel, q.destination) : 1u);
    }
    q.waiting.push_back(std::move(item));
    const auto t = std::find_if(touched.begin(), touched.end(), [&](const auto& k) { return k.first == key; });
    if (t == touched.end()) {
      touched.emplace_back(std::move(key), 1);
    } else {
      ++t->second;
    }
  }
  // A destination that took its whole share may have more due: look again at once if it still has
  // room (one seen for the first time, whose window is larger than per_destination).
  for (const auto& [key, taken] : touched) {
    const auto& q = destinations_[key];
    const auto offer = offered_.find(key);
    const std::size_t share = offer == offered_.end() ? limits_.per_destination : offer->second;
    if (taken >= share && q.in_flight + q.waiting.size() < 2 * static_cast<std::size_t>(q.limit)) dirty_ = true;
  }
  std::vector<outbox_entry> start;
  for (const auto& t : touched) {
    auto more = start_from(t.first, destinations_[t.first]);
    std::move(more.begin(), more.end(), std::back_inserter(start));
  }
  return start;
}

void dispatch_state::fetch_failed(time_point now) {
  fetching_ = false;
  dirty_ = true;  // what was due is still due once the store answers again
  backoff_until_ = now + limits_.fetch_retry;
}

std::vector<outbox_entry> dispatch_state::answered(const std::string& id) {
  const auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return {};
  const std::string key = std::move(it->second);
  in_flight_.erase(it);
  recording_.insert(id);
  auto& q = destinations_[key];
  --q.in_flight;
  auto start = start_from(key, q);
  if (q.in_flight == 0 && q.waiting.empty()) destinations_.erase(key);
  return start;
}

void dispatch_state::recorded(const std::string& id) {
  if (recording_.erase(id) == 0) return;
  held_ids_.erase(id);
  --held_;
  // The key's next item may be eligible now, and there is room to fetch.
  dirty_ = true;
}

std::vector<outbox_entry> dispatch_state::start_from(const std::string& key, destination_queue& q) {
  std::vector<outbox_entry> start;
  if (stopping_) return start;
  while (!q.waiting.empty() && q.in_flight < q.limit) {
    in_flight_.emplace(q.waiting.front().item.id, key);
    ++q.in_flight;
    start.push_back(std::move(q.waiting.front()));
    q.waiting.pop_front();
  }
  return start;
}

void dispatch_state::retry_at(time_point at) {
  if (retries_.size() >= limits_.max_tracked_retries) {
    // Keep the earliest; the idle poll finds the rest.
    if (at >= *std::prev(retries_.end())) return;
    retries_.erase(std::prev(retries_.end()));
  }
  retries_.insert(at);
}

dispatch_state::time_point dispatch_state::next_look(time_point now) const {
  // An outstanding fetch or a full house: the fetch's answer or a finished item comes first.
  if (stopping_ || fetching_ || held_ >= limits_.max_held) return time_point::max();
  time_point at = poll_at_;
  if (!retries_.empty()) at = std::min(at, *retries_.begin());
  if (dirty_) at = now;
  return std::max({at, backoff_until_, now});
}

void dispatch_state::stop() {
  stopping_ = true;
  for (auto it = destinations_.begin(); it != destinations_.end();) {
    for (const auto& e : it->second.waiting) held_ids_.erase(e.item.id);
    held_ -= it->second.waiting.size();
    it->second.waiting.clear();
    it = it->second.in_flight == 0 ? destinations_.erase(it) : std::next(it);
  }
}

}  // namespace gateway::core
