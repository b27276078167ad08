#include "adapters/hl7v2/er7_parser.hpp"

#include <cctype>
#include <optional>
#include <set>

#include "adapters/hl7v2/er7_escape.hpp"

namespace gateway::hl7v2 {

// Builds a message in one pass; friend of message and segment.
class er7_parser {
 public:
  er7_parser(std::string_view bytes, const parse_limits& limits)
      : limits_(limits), data_(std::make_unique<message::data>()) {
    data_->text.assign(bytes.data(), bytes.size());
    text_ = data_->text;
  }

  parse_result run() {
    if (text_.size() > limits_.max_bytes) {
      return fail(er7_errc::message_too_large, {}, limits_.max_bytes,
                  "the message is larger than " + std::to_string(limits_.max_bytes) + " bytes");
    }
    std::size_t pos = 0;
    if (text_.starts_with("\xEF\xBB\xBF")) {
      data_->byte_order_mark = true;
      pos = 3;
    }
    const std::size_t lead_end = skip_line_ends(pos);
    data_->leading = text_.substr(pos, lead_end - pos);
    pos = lead_end;
    if (pos == text_.size()) return fail(er7_errc::empty_message, {}, pos, "the message is empty");
    if (auto e = read_delimiters(pos)) return *e;

    std::set<std::string_view, std::less<>> seen_ids;
    while (pos < text_.size()) {
      if (data_->segments.size() == limits_.max_segments) {
        return fail(er7_errc::too_many_segments, {}, pos,
                    "the message has more than " + std::to_string(limits_.max_segments) + " segments");
      }
      std::size_t end = pos;
      while (end < text_.size() && text_[end] != '\r' && text_[end] != '\n') ++end;
      const std::size_t next = skip_line_ends(end);
      if (auto e = read_segment(pos, end, next)) return *e;
      pos = next;
    }
    if (auto e = choose_charset()) return *e;
    return message(std::move(data_));
  }

 private:
  std::size_t skip_line_ends(std::size_t pos) const {
    while (pos < text_.size() && (text_[pos] == '\r' || text_[pos] == '\n')) ++pos;
    return pos;
  }

  er7_error fail(er7_errc code, location at, std::size_t offset, std::string problem) const {
    return er7_error{code, std::move(at), offset, std::move(problem)};
  }

  static bool usable_delimiter(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b > 0x20 && b < 0x7F && std::isalnum(b) == 0;
  }

  std::optional<er7_error> read_delimiters(std::size_t pos) {
    const std::string_view head = text_.substr(pos, 3);
    if (head == "FHS" || head == "BHS") {
      return fail(er7_errc::not_a_message, {std::string(head)}, pos,
                  "batches (FHS/BHS) are not accepted: send one message per frame");
    }
    if (head != "MSH") return fail(er7_errc::not_a_message, {}, pos, "a message starts with an MSH segment");
    const location msh1{"MSH", 1, 1};
    const location msh2{"MSH", 1, 2};
    if (pos + 3 >= text_.size() || !usable_delimiter(text_[pos + 3])) {
      return fail(er7_errc::bad_delimiters, msh1, pos + 3, "MSH-1 must be a field separator character");
    }
    delimiters& d = data_->delims;
    d.field = text_[pos + 3];
    std::size_t end = pos + 4;
    while (end < text_.size() && text_[end] != d.field && text_[end] != '\r' && text_[end] != '\n') ++end;
    const std::string_view chars = text_.substr(pos + 4, end - pos - 4);
    if (chars.size() != 4 && chars.size() != 5) {
      return fail(er7_errc::bad_delimiters, msh2, pos + 4, "MSH-2 must hold four (or five) encoding characters");
    }
    std::set<char> distinct{d.field};
    for (const char c : chars) {
      if (!usable_delimiter(c) || !distinct.insert(c).second) {
        return fail(er7_errc::bad_delimiters, msh2, pos + 4,
                    "MSH-2 encoding characters must differ from each other and from MSH-1, and not be letters, "
                    "digits or blanks");
      }
    }
    d.component = chars[0];
    d.repetition = chars[1];
    d.escape = chars[2];
    d.subcomponent = chars[3];
    d.truncation = chars.size() == 5 ? chars[4] : '\0';
    return std::nullopt;
  }

  std::optional<er7_error> read_segment(std::size_t begin, std::size_t end, std::size_t next) {
    const std::string_view line = text_.substr(begin, end - begin);
    const delimiters& d = data_->delims;
    segment s;
    s.delims_ = d;
    s.offset_ = begin;
    s.index_ = data_->segments.size() + 1;
    s.terminator_ = text_.substr(end, next - end);

    const std::size_t id_end = std::min(line.find(d.field), line.size());
    const std::string_view id = line.substr(0, id_end);
    const bool valid_id = id.size() == 3 && std::all_of(id.begin(), id.end(), [](char c) {
                            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                          });
    if (!valid_id) {
      return fail(er7_errc::bad_segment_id, {}, begin,
                  "segment " + std::to_string(s.index_) + " does not start with a three-character segment id");
    }
    const bool header = s.index_ == 1;
    if (!header && id == "MSH") {
      return fail(er7_errc::not_a_message, {"MSH", 2}, begin, "a second MSH segment: send one message per frame");
    }
    std::size_t same = 0;
    for (const segment& other : data_->segments) same += other.id() == id ? 1 : 0;
    s.sequence_ = same + 1;
    s.fields_.push_back(id);

    std::size_t pos = id_end;
    if (header) {
      s.fields_.push_back(line.substr(3, 1));
      const std::size_t chars_end = std::min(line.find(d.field, 4), line.size());
      s.fields_.push_back(line.substr(4, chars_end - 4));
      pos = chars_end;
    }
    while (pos < line.size()) {  // line[pos] is a field separator
      if (s.fields_.size() - 1 == limits_.max_fields) {
        return fail(er7_errc::too_many_fields, s.where(), begin + pos,
                    "more than " + std::to_string(limits_.max_fields) + " fields in one segment");
      }
      const std::size_t field_end = std::min(line.find(d.field, pos + 1), line.size());
      s.fields_.push_back(line.substr(pos + 1, field_end - pos - 1));
      if (auto e = check_field(s, s.fields_.size() - 1, begin + pos + 1)) return e;
      pos = field_end;
    }
    data_->segments.push_back(std::move(s));
    return std::nullopt;
  }

  std::optional<er7_error> check_field(const segment& s, std::size_t n, std::size_t offset) const {
    const std::string_view f = s.fields_[n];
    const delimiters& d = data_->delims;
    std::size_t reps = 1, comps = 1, subs = 1, rep = 1, comp = 1;
    for (std::size_t i = 0; i < f.size(); ++i) {
      const char c = f[i];
      if (c == d.repetition) {
        comps = subs = 1;
        comp = 1;
        if (++reps > limits_.max_repetitions)
          return fail(er7_errc::too_many_repetitions, s.where(n), offset + i,
                      "more than " + std::to_string(limits_.max_repetitions) + " repetitions");
        rep = reps;
      } else if (c == d.component) {
        subs = 1;
        if (++comps > limits_.max_components)
          return fail(er7_errc::too_many_components, s.where(n, rep), offset + i,
                      "more than " + std::to_string(limits_.max_components) + " components");
        comp = comps;
      } else if (c == d.subcomponent) {
        if (++subs > limits_.max_subcomponents)
          return fail(er7_errc::too_many_subcomponents, s.where(n, rep, comp), offset + i,
                      "more than " + std::to_string(limits_.max_subcomponents) + " subcomponents");
      } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
        return fail(er7_errc::control_character, s.where(n, rep > 1 ? rep : 0, comps > 1 ? comp : 0), offset + i,
                    "control character " + std::to_string(static_cast<int>(c)) + " inside a field");
      }
    }
    if (auto p = check_escapes(f, d)) return fail(p->code, s.where(n), offset + p->offset, p->problem);
    return std::nullopt;
  }

  // MSH-18 (first repetition) names the character set; then every byte must be valid in it.
  std::optional<er7_error> choose_charset() {
    const segment& msh = data_->segments.front();
    const std::string_view name = msh.raw(18, 1, 1);
    const location msh18{"MSH", 1, 18};
    if (name.empty()) {
      data_->encoding = data_->byte_order_mark ? charset::utf8 : charset::ascii;
    } else if (auto cs = charset_from_msh18(name)) {
      data_->encoding = *cs;
    } else {
      return fail(er7_errc::unknown_charset, msh18, msh.offset(),
                  "MSH-18 character set is not one of ASCII, 8859/1, UNICODE UTF-8");
    }
    if (data_->byte_order_mark && data_->encoding != charset::utf8) {
      return fail(er7_errc::outside_charset, msh18, 0,
                  "the message starts with a UTF-8 byte order mark but MSH-18 "
                  "declares another character set");
    }
    for (const segment& s : data_->segments) {
      const std::size_t line_size = s.fields_.back().data() + s.fields_.back().size() - text_.data() - s.offset();
      const std::string_view line = text_.substr(s.offset(), line_size);
      const auto bad = first_invalid_byte(line, data_->encoding);
      if (!bad) continue;
      std::size_t field = 0;
      for (std::size_t f = 1; f < s.fields_.size(); ++f) {
        if (static_cast<std::size_t>(s.fields_[f].data() - line.data()) <= *bad) field = f;
      }
      const bool utf8 = data_->encoding == charset::utf8;
      return fail(utf8 ? er7_errc::invalid_utf8 : er7_errc::outside_charset, s.where(field), s.offset() + *bad,
                  utf8 ? std::string("bytes that are not valid UTF-8, which MSH-18 declares")
                       : "a byte outside " + std::string(msh18_name(data_->encoding)) +
                             (name.empty() ? " (MSH-18 is empty, so the message must be ASCII)" : " (MSH-18)"));
    }
    return std::nullopt;
  }

  const parse_limits& limits_;
  std::unique_ptr<message::data> data_;
  std::string_view text_;
};

parse_result parse_er7(std::string_view bytes, const parse_limits& limits) {
  return er7_parser(bytes, limits).run();
}

}  // namespace gateway::hl7v2
