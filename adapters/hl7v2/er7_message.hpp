#pragma once
// An HL7 v2 message in ER7 ("pipe and hat") encoding, as parsed by parse_er7 (er7_parser.hpp).
//
// The message keeps the bytes it was parsed from; segments and fields are views into them, so
// serialise() rebuilds exactly those bytes (byte order mark, each segment's own line end - CR, LF
// or CRLF - and a missing final one included). Values are read at four levels, all 1-based:
// field, repetition, component, subcomponent. raw() gives the text as sent (escapes intact);
// decode() resolves escapes and converts from the message's character set (MSH-18) to UTF-8.
// An empty value and the explicit null `""` stay apart (presence_of).
//
// Thread safety: immutable after parsing; read from any thread. Not copyable (views point into
// the message's own buffer); moving keeps every view valid.
#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/er7_charset.hpp"
#include "adapters/hl7v2/er7_delimiters.hpp"
#include "adapters/hl7v2/er7_error.hpp"

namespace gateway::hl7v2 {

// What a value holds: nothing (empty: "no change"/"not sent"), the explicit null `""` ("delete
// this value" in HL7), or a value.
enum class presence { empty, null, present };

presence presence_of(std::string_view raw);

class segment {
 public:
  std::string_view id() const { return fields_.front(); }
  // Which occurrence of this id (1 for the first OBX, 2 for the second ...) and the position of
  // the segment in the message (1 = MSH).
  std::size_t sequence() const { return sequence_; }
  std::size_t index() const { return index_; }
  location where(std::size_t field = 0, std::size_t repetition = 0, std::size_t component = 0,
                 std::size_t subcomponent = 0) const;

  // The highest field number present. For MSH, field 1 is the field separator itself and field 2
  // the encoding characters, as HL7 numbers them.
  std::size_t field_count() const { return fields_.size() - 1; }

  // Raw text (escapes intact); "" for anything not present. repetition 0 = the whole field,
  // component 0 = the whole repetition, subcomponent 0 = the whole component.
  std::string_view raw(std::size_t field, std::size_t repetition = 0, std::size_t component = 0,
                       std::size_t subcomponent = 0) const;

  // 0 for an empty field; MSH-1 and MSH-2 count as one.
  std::size_t repetition_count(std::size_t field) const;
  std::size_t component_count(std::size_t field, std::size_t repetition) const;

  // The line end that followed this segment as received ("\r", "\n", "\r\n", or "" at the end).
  std::string_view terminator() const { return terminator_; }
  std::size_t offset() const { return offset_; }  // byte offset of the segment id in the message

 private:
  friend class er7_parser;
  friend class message;
  std::vector<std::string_view> fields_;  // [0] = id; [n] = field n
  delimiters delims_;
  std::string_view terminator_;
  std::size_t sequence_ = 1;
  std::size_t index_ = 1;
  std::size_t offset_ = 0;
};

class message {
 public:
  message(message&&) noexcept = default;
  message& operator=(message&&) noexcept = default;
  message(const message&) = delete;
  message& operator=(const message&) = delete;

  const delimiters& delims() const { return data_->delims; }
  charset encoding() const { return data_->encoding; }
  std::span<const segment> segments() const { return data_->segments; }
  const segment& header() const { return data_->segments.front(); }  // MSH

  // The `occurrence`th segment with this id, or nullptr.
  const segment* find(std::string_view id, std::size_t occurrence = 1) const;

  // Escapes resolved (\F\ \S\ \T\ \R\ \E\ \P\, \Xhh..\, \.br\ as a line feed) and the text
  // converted to UTF-8. Fails only when \X..\ bytes are not valid in the message's character set.
  boost::system::result<std::string, er7_error> decode(std::string_view raw, const location& at = {}) const;

  // The bytes as received (byte order mark included).
  std::string_view bytes() const { return data_->text; }
  // The message written again from its segments and fields: bytes() exactly.
  std::string serialise() const;

 private:
  friend class er7_parser;
  struct data {
    std::string text;
    bool byte_order_mark = false;
    std::string_view leading;  // line ends before MSH (tolerated, kept)
    delimiters delims;
    charset encoding = charset::ascii;
    std::vector<segment> segments;
  };
  explicit message(std::unique_ptr<data> d) : data_(std::move(d)) {}
  std::unique_ptr<data> data_;
};

}  // namespace gateway::hl7v2
