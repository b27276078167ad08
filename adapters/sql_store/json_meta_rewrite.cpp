#include "adapters/sql_store/json_meta.hpp"

#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace gateway::sql_store {
namespace {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// The general path of stamp_meta: parses the text (SAX) and writes it again.
// Forwards SAX events to a writer, dropping the members we own and adding ours: `id` right after
// `resourceType` (or at the end), our two `meta` members at the end of `meta` (or a new `meta`).
class meta_stamper {
 public:
  meta_stamper(json_writer& out, std::string_view id, std::string_view version, std::string_view updated)
      : out_(out), id_(id), version_(version), updated_(updated) {}

  bool Null() {
    return value([&] { return out_.Null(); });
  }
  bool Bool(bool b) {
    return value([&] { return out_.Bool(b); });
  }
  bool Int(int) { return false; }  // numbers arrive raw (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return false; }
  bool Int64(std::int64_t) { return false; }
  bool Uint64(std::uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return value([&] { return out_.RawValue(s, n, rapidjson::kNumberType); });
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    const bool after_type = depth_ == 1 && key_ == "resourceType" && skip_ == 0;
    const bool ok = value([&] { return out_.String(s, n); });
    if (ok && after_type && !id_written_) return write_id();
    return ok;
  }
  bool StartObject() {
    if (skip_ > 0 || starts_skip()) {
      ++skip_;
      return true;
    }
    ++depth_;
    if (depth_ == 2 && array_depth_ == 0 && key_path_top_ == "meta") in_meta_ = true;
    return out_.StartObject();
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (skip_ > 0) return true;
    key_.assign(s, n);
    if (depth_ == 1) key_path_top_ = key_;
    if (dropped(key_)) return true;  // its value is skipped by starts_skip()
    return out_.Key(s, n);
  }
  bool EndObject(rapidjson::SizeType) {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    if (depth_ == 2 && in_meta_) {
      write_meta_members();
      in_meta_ = false;
      meta_written_ = true;
    }
    if (depth_ == 1) {
      if (!id_written_ && !write_id()) return false;
      if (!meta_written_) {
        out_.Key("meta");
        out_.StartObject();
        write_meta_members();
        out_.EndObject();
      }
    }
    --depth_;
    key_.clear();
    return out_.EndObject();
  }
  bool StartArray() {
    if (skip_ > 0 || starts_skip()) {
      ++skip_;
      return true;
    }
    ++array_depth_;
    return depth_ >= 1 && out_.StartArray();
  }
  bool EndArray(rapidjson::SizeType) {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    --array_depth_;
    return out_.EndArray();
  }

 private:
  // A scalar value: skipped if it belongs to a dropped member; the top level must be an object.
  template <class Write>
  bool value(Write write) {
    if (skip_ > 0) return true;
    if (depth_ == 0) return false;
    if (starts_skip()) {
      key_.clear();
      return true;
    }
    return write();
  }
  // True when the value about to start is the value of a member we drop.
  bool starts_skip() const { return array_depth_ == 0 && dropped(key_) && depth_ >= 1; }
  bool dropped(const std::string& key) const {
    if (array_depth_ != 0) return false;
    if (depth_ == 1) return key == "id";
    if (depth_ == 2 && in_meta_) return key == "versionId" || key == "lastUpdated";
    return false;
  }
  bool write_id() {
    id_written_ = true;
    return out_.Key("id") && out_.String(id_.data(), static_cast<rapidjson::SizeType>(id_.size()));
  }
  void write_meta_members() {
    out_.Key("versionId");
    out_.String(version_.data(), static_cast<rapidjson::SizeType>(version_.size()));
    out_.Key("lastUpdated");
    out_.String(updated_.data(), static_cast<rapidjson::SizeType>(updated_.size()));
  }

  json_writer& out_;
  std::string_view id_, version_, updated_;
  std::string key_;           // the last key seen at the current object level
  std::string key_path_top_;  // the last top-level key
  int depth_ = 0;             // object nesting of what is written
  int array_depth_ = 0;       // arrays open inside the current written object chain
  int skip_ = 0;              // nesting inside a dropped value
  bool in_meta_ = false, id_written_ = false, meta_written_ = false;
};

}  // namespace

std::optional<std::string> stamp_meta_rewritten(std::string_view json, std::string_view id, std::string_view version,
                                                std::string_view last_updated) {
  rapidjson::StringBuffer buffer;
  buffer.Reserve(json.size() + 96);
  json_writer writer(buffer);
  meta_stamper stamper(writer, id, version, last_updated);
  rapidjson::MemoryStream raw(json.data(), json.size());
  rapidjson::Reader reader;
  constexpr unsigned flags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;
  if (reader.Parse<flags>(raw, stamper).IsError()) return std::nullopt;
  // Anything but whitespace after the object is malformed.
  for (std::size_t i = raw.Tell(); i < json.size(); ++i)
    if (json[i] != ' ' && json[i] != '\n' && json[i] != '\r' && json[i] != '\t') return std::nullopt;
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace gateway::sql_store
