#include "gateway/core/bundle_references.hpp"

#include <vector>

namespace gateway::core {
namespace {

using rapidjson::Value;

bool is_reference_member(const Value::Member& m) {
  return m.value.IsString() && std::string_view(m.name.GetString(), m.name.GetStringLength()) == "reference";
}

std::string_view text_of(const Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// Depth-first; `path` holds the element names down to `v` (joined only when a result is found,
// so the clean walk allocates nothing per element).
class unresolved_finder {
 public:
  explicit unresolved_finder(const std::function<bool(std::string_view)>& known) : known_(known) {}

  bool walk(const Value& v) {
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        if (is_reference_member(m)) {
          const std::string_view ref = text_of(m.value);
          if (ref.starts_with(urn_uuid_prefix) && !known_(ref)) {
            path_.push_back({text_of(m.name), -1});
            return true;
          }
          continue;
        }
        path_.push_back({text_of(m.name), -1});
        if (walk(m.value)) return true;
        path_.pop_back();
      }
    } else if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        path_.back().index = static_cast<long>(i);
        if (walk(v[i])) return true;
      }
      if (!path_.empty()) path_.back().index = -1;
    }
    return false;
  }

  std::string path() const {
    std::string out;
    for (const auto& step : path_) {
      if (!out.empty()) out += '.';
      out += step.name;
      if (step.index >= 0) out += "[" + std::to_string(step.index) + "]";
    }
    return out;
  }

 private:
  struct step {
    std::string_view name;
    long index;
  };
  const std::function<bool(std::string_view)>& known_;
  std::vector<step> path_;
};

std::size_t rewrite(Value& v, const reference_map& map, rapidjson::Document::AllocatorType& a) {
  std::size_t count = 0;
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      if (is_reference_member(m)) {
        const auto it = map.find(std::string(text_of(m.value)));
        if (it != map.end()) {
          m.value.SetString(it->second.data(), static_cast<rapidjson::SizeType>(it->second.size()), a);
          ++count;
        }
        continue;
      }
      count += rewrite(m.value, map, a);
    }
  } else if (v.IsArray()) {
    for (auto& element : v.GetArray()) count += rewrite(element, map, a);
  }
  return count;
}

}  // namespace

std::optional<std::string> first_unresolved_urn(const Value& resource,
                                                const std::function<bool(std::string_view)>& known) {
  // A top-level array would have no step to index; resources are objects.
  if (!resource.IsObject()) return std::nullopt;
  unresolved_finder finder(known);
  if (finder.walk(resource)) return finder.path();
  return std::nullopt;
}

std::size_t rewrite_references(Value& resource, const reference_map& map,
                               rapidjson::Document::AllocatorType& allocator) {
  if (map.empty()) return 0;
  return rewrite(resource, map, allocator);
}

}  // namespace gateway::core
