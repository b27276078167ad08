#include "fhir/json_parse.hpp"

#include "fhir/diagnostic_text.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace fhir {
namespace {

using input_stream = rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>;

// Iterative parsing keeps the call stack flat whatever the input; the depth limit is ours.
constexpr unsigned parse_flags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;

// A SAX filter in front of the Document: counts depth and remembers each object's keys so a
// duplicate is found with its offset. Keys live in one arena that grows and shrinks with the
// object stack, so memory stays proportional to the input.
class limited_handler {
 public:
  limited_handler(rapidjson::Document& doc, const input_stream& in, const json_limits& limits)
      : doc_(doc), in_(in), limits_(limits) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return no_surrogate(s, n) && doc_.String(s, n, copy); }

  bool StartObject() {
    if (!enter()) return false;
    frames_.push_back(keys_.size());
    return doc_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (!no_surrogate(s, n)) return false;
    keys_.push_back(key_entry{arena_.size(), n, in_.Tell()});
    arena_.append(s, n);
    return doc_.Key(s, n, copy);
  }
  bool EndObject(rapidjson::SizeType members) {
    const std::size_t first = frames_.back();
    frames_.pop_back();
    const bool unique = keys_unique(first);
    if (unique) {
      arena_.resize(first < keys_.size() ? keys_[first].arena_offset : arena_.size());
      keys_.resize(first);
    }
    --depth_;
    return unique && doc_.EndObject(members);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }

  // Set when this handler (not the grammar) stopped the parse.
  bool failed() const { return failure_.has_value(); }
  const json_error& failure() const { return *failure_; }

 private:
  struct key_entry {
    std::size_t arena_offset;
    std::size_t length;
    std::size_t source_offset;  // just after the key in the body
  };

  // RapidJSON decodes a lone surrogate escape ("\udc00", or "\ud800" not followed by a low
  // one) into the bytes ED A0..BF xx, which are not UTF-8 and would be served back as such.
  bool no_surrogate(const char* s, rapidjson::SizeType n) {
    for (rapidjson::SizeType i = 0; i + 1 < n; ++i) {
      if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) {
        fail(json_errc::invalid_utf8, in_.Tell(),
             "a string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair), which is not a "
             "Unicode character; the string ends just before this offset");
        return false;
      }
    }
    return true;
  }

  bool enter() {
    if (++depth_ > limits_.max_depth) {
      fail(json_errc::too_deep, in_.Tell(),
           "JSON nesting is deeper than " + std::to_string(limits_.max_depth) + " levels");
      return false;
    }
    return true;
  }

  std::string_view key_text(const key_entry& k) const {
    return std::string_view(arena_).substr(k.arena_offset, k.length);
  }

  // Small objects are compared pairwise; large ones sorted, so a hostile object with many keys
  // costs n log n, not n squared.
  bool keys_unique(std::size_t first) {
    const std::size_t n = keys_.size() - first;
    if (n < 2) return true;
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = first + i;
    std::stable_sort(order.begin(), order.end(),
                     [this](std::size_t a, std::size_t b) { return key_text(keys_[a]) < key_text(keys_[b]); });
    for (std::size_t i = 1; i < n; ++i) {
      const key_entry& a = keys_[order[i - 1]];
      const key_entry& b = keys_[order[i]];
      if (key_text(a) == key_text(b)) {
        const key_entry& later = a.source_offset > b.source_offset ? a : b;
        fail(json_errc::duplicate_key, later.source_offset,
             "duplicate key " + quote_value(key_text(later), 64) + " in one JSON object");
        return false;
      }
    }
    return true;
  }

  void fail(json_errc code, std::size_t offset, std::string what) {
    if (failure_) return;
    failure_ = json_error{code, offset, std::move(what) + " (at byte " + std::to_string(offset) + ")"};
  }

  rapidjson::Document& doc_;
  const input_stream& in_;
  const json_limits& limits_;
  std::size_t depth_ = 0;
  std::string arena_;
  std::vector<key_entry> keys_;
  std::vector<std::size_t> frames_;
  std::optional<json_error> failure_;
};

json_error grammar_error(rapidjson::ParseErrorCode code, std::size_t offset) {
  json_errc kind = json_errc::syntax;
  std::string what = rapidjson::GetParseError_En(code);
  switch (code) {
    case rapidjson::kParseErrorDocumentEmpty:
      kind = json_errc::empty;
      what = "the body is empty, JSON was expected";
      break;
    case rapidjson::kParseErrorDocumentRootNotSingular:
      kind = json_errc::trailing_content;
      what = "unexpected content after the end of the JSON value";
      break;
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid:
      kind = json_errc::invalid_utf8;
      what =
          "a string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair), which is not a "
          "Unicode character";
      break;
    case rapidjson::kParseErrorStringInvalidEncoding:
      kind = json_errc::invalid_utf8;
      what = "a string is not valid UTF-8";
      break;
    default:
      what = "invalid JSON: " + what;
      break;
  }
  return json_error{kind, offset, what + " (at byte " + std::to_string(offset) + ")"};
}

}  // namespace

boost::system::result<rapidjson::Document, json_error> parse_json(std::string_view body, const json_limits& limits) {
  if (body.size() > limits.max_bytes) {
    return json_error{json_errc::too_large, limits.max_bytes,
                      "the body is " + std::to_string(body.size()) + " bytes, more than the limit of " +
                          std::to_string(limits.max_bytes) + " (at byte " + std::to_string(limits.max_bytes) + ")"};
  }
  rapidjson::MemoryStream memory(body.data(), body.size());
  input_stream in(memory);
  rapidjson::Document doc;
  limited_handler handler(doc, in, limits);
  rapidjson::Reader reader;
  rapidjson::ParseResult parsed;
  auto generate = [&](rapidjson::Document&) {
    parsed = reader.Parse<parse_flags>(in, handler);
    return !parsed.IsError();
  };
  doc.Populate(generate);
  if (handler.failed()) return handler.failure();
  if (parsed.IsError()) return grammar_error(parsed.Code(), parsed.Offset());
  return doc;
}

outcome to_outcome(const json_error& e) {
  return make_outcome(severity::error, e.code == json_errc::too_large ? issue_code::too_costly : issue_code::structure,
                      e.message);
}

void throw_exception_from_error(const json_error& e, const boost::source_location&) {
  throw std::invalid_argument("fhir::parse_json result read as a value but holds an error: " + e.message);
}

}  // namespace fhir
