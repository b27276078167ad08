#pragma once
// The ids of the events already in the JSON Lines file, kept compactly: a canonical lower-case
// UUID (what the gateway generates) takes 16 bytes plus the hash table's overhead, so a file of a
// million events costs tens of MiB, not the hundreds that strings would. Any other id is kept as
// text. Exact: no hashing of ids into fewer bits, so two different ids never collide.
//
// Thread safety: none; the sink's writer thread owns it.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace gateway::sinks {

class event_id_set {
 public:
  bool contains(std::string_view id) const {
    if (const auto k = uuid_key(id)) return uuids_.contains(*k);
    return others_.contains(std::string(id));
  }
  // False when the id was already there.
  bool insert(std::string_view id) {
    if (const auto k = uuid_key(id)) return uuids_.insert(*k).second;
    return others_.emplace(id).second;
  }
  std::size_t size() const { return uuids_.size() + others_.size(); }
  void clear() {
    uuids_.clear();
    others_.clear();
  }

  using key = std::array<std::uint64_t, 2>;

  // "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower-case hex only, as two 64-bit halves; nullopt for
  // anything else.
  static std::optional<key> uuid_key(std::string_view id) {
    if (id.size() != 36) return std::nullopt;
    key k{0, 0};
    int nibbles = 0;
    for (std::size_t i = 0; i < id.size(); ++i) {
      const char c = id[i];
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') return std::nullopt;
        continue;
      }
      std::uint64_t v = 0;
      if (c >= '0' && c <= '9') {
        v = static_cast<std::uint64_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v = static_cast<std::uint64_t>(c - 'a' + 10);
      } else {
        return std::nullopt;
      }
      auto& half = k[nibbles < 16 ? 0 : 1];
      half = (half << 4) | v;
      ++nibbles;
    }
    return k;
  }

  // Every id, sorted: the UUID keys, and the other ids as text (for the segment index).
  std::vector<key> sorted_uuid_keys() const {
    std::vector<key> out(uuids_.begin(), uuids_.end());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> sorted_others() const {
    std::vector<std::string> out(others_.begin(), others_.end());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      return static_cast<std::size_t>(k[0] ^ (k[1] * 0x9e3779b97f4a7c15ULL));
    }
  };

  std::unordered_set<key, key_hash> uuids_;
  std::unordered_set<std::string> others_;
};

}  // namespace gateway::sinks
