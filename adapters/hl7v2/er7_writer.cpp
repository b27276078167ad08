#include "adapters/hl7v2/er7_writer.hpp"

#include "adapters/hl7v2/er7_escape.hpp"

namespace gateway::hl7v2 {
namespace {

template <class T>
T& grow(std::vector<T>& v, std::size_t one_based) {
  if (v.size() < one_based) v.resize(one_based);
  return v[one_based - 1];
}

// Drops trailing elements that `empty` says hold nothing.
template <class T, class Empty>
std::size_t used(const std::vector<T>& v, Empty empty) {
  std::size_t n = v.size();
  while (n > 0 && empty(v[n - 1])) --n;
  return n;
}

}  // namespace

segment_builder& segment_builder::set(std::size_t field, std::size_t repetition, std::size_t component,
                                      std::size_t subcomponent, std::string_view text) {
  if (field == 0 || repetition == 0 || component == 0 || subcomponent == 0) return *this;
  auto& f = grow(fields_, field);
  auto& r = grow(f, repetition);
  auto& c = grow(r, component);
  auto& l = grow(c, subcomponent);
  l.text.assign(text);
  l.null = false;
  return *this;
}

segment_builder& segment_builder::set_null(std::size_t field) {
  if (field == 0) return *this;
  auto& f = grow(fields_, field);
  f.assign(1, repetition{component{leaf{{}, true}}});
  return *this;
}

void segment_builder::write(std::string& out, const delimiters& d) const {
  const auto leaf_empty = [](const leaf& l) { return l.text.empty() && !l.null; };
  const auto comp_empty = [&](const component& c) { return used(c, leaf_empty) == 0; };
  const auto rep_empty = [&](const repetition& r) { return used(r, comp_empty) == 0; };
  const auto field_empty = [&](const field& f) { return used(f, rep_empty) == 0; };

  out += id_;
  const bool header = id_ == "MSH";
  std::size_t first = 1;
  if (header) {
    out += d.field;
    out += d.encoding_characters();
    first = 3;  // MSH-1 and MSH-2 are the delimiters
  }
  const std::size_t n_fields = used(fields_, field_empty);
  for (std::size_t fi = first; fi <= n_fields; ++fi) {
    out += d.field;
    const field& f = fields_[fi - 1];
    const std::size_t n_reps = used(f, rep_empty);
    for (std::size_t ri = 0; ri < n_reps; ++ri) {
      if (ri > 0) out += d.repetition;
      const std::size_t n_comps = used(f[ri], comp_empty);
      for (std::size_t ci = 0; ci < n_comps; ++ci) {
        if (ci > 0) out += d.component;
        const component& c = f[ri][ci];
        const std::size_t n_subs = used(c, leaf_empty);
        for (std::size_t si = 0; si < n_subs; ++si) {
          if (si > 0) out += d.subcomponent;
          if (c[si].null) {
            out += "\"\"";
          } else if (c[si].text == "\"\"") {
            // The text of two quotes, not the null: written as hex so a reader keeps them apart.
            out += d.escape;
            out += "X2222";
            out += d.escape;
          } else {
            out += escape(c[si].text, d);
          }
        }
      }
    }
  }
  out += '\r';
}

segment_builder& message_builder::add(std::string id) {
  segments_.emplace_back(std::move(id));
  return segments_.back();
}

std::string message_builder::write() const {
  std::string out;
  for (const auto& s : segments_) s.write(out, delims_);
  return out;
}

}  // namespace gateway::hl7v2
