#include "adapters/hl7v2/er7_message.hpp"

#include <algorithm>

#include "adapters/hl7v2/er7_escape.hpp"

namespace gateway::hl7v2 {
namespace {

// The n-th (1-based) piece of `text` split on `sep`; "" when there are fewer pieces.
std::string_view nth(std::string_view text, char sep, std::size_t n) {
  std::size_t begin = 0;
  for (std::size_t k = 1; k < n; ++k) {
    const std::size_t next = text.find(sep, begin);
    if (next == std::string_view::npos) return {};
    begin = next + 1;
  }
  const std::size_t end = text.find(sep, begin);
  return text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
}

}  // namespace

presence presence_of(std::string_view raw) {
  if (raw.empty()) return presence::empty;
  if (raw == "\"\"") return presence::null;
  return presence::present;
}

location segment::where(std::size_t field, std::size_t repetition, std::size_t component,
                        std::size_t subcomponent) const {
  return location{std::string(id()), sequence_, field, repetition, component, subcomponent};
}

std::string_view segment::raw(std::size_t field, std::size_t repetition, std::size_t component,
                              std::size_t subcomponent) const {
  if (field == 0 || field >= fields_.size()) return {};
  const std::string_view whole = fields_[field];
  if (id() == "MSH" && field <= 2) return repetition <= 1 && component <= 1 && subcomponent <= 1 ? whole : "";
  if (repetition == 0) return whole;
  const std::string_view rep = nth(whole, delims_.repetition, repetition);
  if (component == 0) return rep;
  const std::string_view comp = nth(rep, delims_.component, component);
  if (subcomponent == 0) return comp;
  return nth(comp, delims_.subcomponent, subcomponent);
}

std::size_t segment::repetition_count(std::size_t field) const {
  const std::string_view whole = raw(field);
  if (whole.empty()) return 0;
  if (id() == "MSH" && field <= 2) return 1;
  return static_cast<std::size_t>(std::count(whole.begin(), whole.end(), delims_.repetition)) + 1;
}

std::size_t segment::component_count(std::size_t field, std::size_t repetition) const {
  const std::string_view rep = raw(field, repetition);
  if (rep.empty()) return 0;
  if (id() == "MSH" && field <= 2) return 1;
  return static_cast<std::size_t>(std::count(rep.begin(), rep.end(), delims_.component)) + 1;
}

const segment* message::find(std::string_view id, std::size_t occurrence) const {
  for (const segment& s : data_->segments) {
    if (s.id() == id && s.sequence() == occurrence) return &s;
  }
  return nullptr;
}

boost::system::result<std::string, er7_error> message::decode(std::string_view raw, const location& at) const {
  const std::string bytes = unescape(raw, data_->delims);
  if (auto text = to_utf8(bytes, data_->encoding)) return std::move(*text);
  const std::size_t offset = raw.data() >= data_->text.data() && raw.data() <= data_->text.data() + data_->text.size()
                                 ? static_cast<std::size_t>(raw.data() - data_->text.data())
                                 : 0;
  const bool utf8 = data_->encoding == charset::utf8;
  return er7_error{
      utf8 ? er7_errc::invalid_utf8 : er7_errc::outside_charset, at, offset,
      "a hexadecimal escape gives bytes that are not valid " + std::string(msh18_name(data_->encoding)) + " (MSH-18)"};
}

std::string message::serialise() const {
  std::string out;
  out.reserve(data_->text.size());
  if (data_->byte_order_mark) out += "\xEF\xBB\xBF";
  out.append(data_->leading);
  for (const segment& s : data_->segments) {
    out.append(s.id());
    const bool header = s.id() == "MSH";
    for (std::size_t f = 1; f < s.fields_.size(); ++f) {
      // MSH-1 is the field separator itself; MSH-2 follows it directly.
      if (!(header && f <= 2)) out += data_->delims.field;
      out.append(s.fields_[f]);
    }
    out.append(s.terminator());
  }
  return out;
}

}  // namespace gateway::hl7v2
