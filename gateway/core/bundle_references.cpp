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
// so the clean walk allocates nothing per element). Stops once `limit` references are found.
class reference_finder {
 public:
  reference_finder(const std::function<bool(std::string_view)>& wanted, std::size_t limit)
      : wanted_(wanted), limit_(limit) {}

  // True when the limit is reached (stop walking).
  bool walk(const Value& v) {
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        if (is_reference_member(m)) {
          const std::string_view ref = text_of(m.value);
          if (wanted_(ref)) {
            path_.push_back({text_of(m.name), -1});
            found_.push_back({path(), std::string(ref)});
            path_.pop_back();
            if (found_.size() >= limit_) return true;
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

  std::vector<reference_at>& found() { return found_; }

 private:
  std::string path() const {
    std::string out;
    for (const auto& step : path_) {
      if (!out.empty()) out += '.';
      out += step.name;
      if (step.index >= 0) {
        out += '[';
        out += std::to_string(step.index);
        out += ']';
      }
    }
    return out;
  }

  struct step {
    std::string_view name;
    long index;
  };
  const std::function<bool(std::string_view)>& wanted_;
  std::size_t limit_;
  std::vector<step> path_;
  std::vector<reference_at> found_;
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

std::vector<reference_at> find_references(const Value& resource, const std::function<bool(std::string_view)>& wanted,
                                          std::size_t limit) {
  // A top-level array would have no step to index; resources are objects.
  if (!resource.IsObject() || limit == 0) return {};
  reference_finder finder(wanted, limit);
  finder.walk(resource);
  return std::move(finder.found());
}

std::optional<std::string> first_unresolved_urn(const Value& resource,
                                                const std::function<bool(std::string_view)>& known) {
  const std::function<bool(std::string_view)> unresolved = [&known](std::string_view ref) {
    return ref.starts_with(urn_uuid_prefix) && !known(ref);
  };
  auto found = find_references(resource, unresolved, 1);
  if (found.empty()) return std::nullopt;
  return std::move(found.front().path);
}

std::size_t rewrite_references(Value& resource, const reference_map& map,
                               rapidjson::Document::AllocatorType& allocator) {
  if (map.empty()) return 0;
  return rewrite(resource, map, allocator);
}

}  // namespace gateway::core
