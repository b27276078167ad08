#pragma once
// What each JSON property name means inside one type: a small open-addressing hash table from
// name to member_slot, built at model load and only read afterwards. It replaces an
// std::unordered_map, whose lookup in libstdc++ 12 for tables of up to 20 entries is a linear
// walk of a linked list comparing strings (most FHIR types have fewer than 20 members, and this
// lookup runs once per JSON property validated). Entries keep their insertion order for
// iteration; the index holds positions into them.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "fhir/type_index.hpp"

namespace fhir {

struct member_slot {
  std::uint32_t element = 0;         // index into type_def::elements
  type_index type = no_type;         // the concrete type (for choices, the one the name selects)
  bool primitive_extension = false;  // "_name": the id/extension part of a primitive
};

class member_table {
 public:
  struct entry {
    std::string_view name;
    member_slot slot;
    std::uint32_t hash = 0;
  };

  // FNV-1a: property names are short, so hashing every byte costs a few instructions each.
  static std::uint32_t hash_of(std::string_view s) {
    std::uint32_t h = 2166136261u;
    for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h;
  }

  const member_slot* find(std::string_view name) const {
    const std::size_t at = position(name);
    return at == npos ? nullptr : &entries_[at].slot;
  }

  // Load time only: adds `name`, or replaces its slot when it is already there.
  void insert_or_assign(std::string_view name, member_slot slot) {
    if (const std::size_t at = position(name); at != npos) {
      entries_[at].slot = slot;
      return;
    }
    entries_.push_back(entry{name, slot, hash_of(name)});
    if (entries_.size() * 2 > index_.size()) {
      rehash();
    } else {
      place(entries_.size() - 1);
    }
  }

  std::size_t size() const { return entries_.size(); }
  // In insertion order. Slots may be changed in place (profiles retarget copied types); names not.
  std::vector<entry>& entries() { return entries_; }
  const std::vector<entry>& entries() const { return entries_; }

 private:
  static constexpr std::size_t npos = SIZE_MAX;

  std::size_t position(std::string_view name) const {
    if (index_.empty()) return npos;
    const std::uint32_t h = hash_of(name);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint32_t at = index_[i];
      if (at == 0) return npos;
      const entry& e = entries_[at - 1];
      if (e.hash == h && e.name.size() == name.size() && std::memcmp(e.name.data(), name.data(), name.size()) == 0) {
        return at - 1;
      }
    }
  }
  void place(std::size_t k) {
    for (std::size_t i = entries_[k].hash & mask_;; i = (i + 1) & mask_) {
      if (index_[i] == 0) {
        index_[i] = static_cast<std::uint32_t>(k + 1);
        return;
      }
    }
  }
  void rehash() {
    std::size_t cap = 8;
    while (cap < entries_.size() * 2) cap *= 2;
    index_.assign(cap, 0);
    mask_ = cap - 1;
    for (std::size_t k = 0; k < entries_.size(); ++k) place(k);
  }

  std::vector<entry> entries_;
  std::vector<std::uint32_t> index_;  // entry position + 1; 0 is empty
  std::size_t mask_ = 0;
};

}  // namespace fhir
