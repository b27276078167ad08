#include "adapters/sinks/jsonl_scan.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace gateway::sinks {

namespace {

// Reads one line (SAX, no document built: the sink checks every event it appends) and keeps the
// value of the object's first top-level "id" member, as a DOM's FindMember would find it.
class top_level_id {
 public:
  bool StartObject() { return open(); }
  bool StartArray() { return open(); }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool EndArray(rapidjson::SizeType) { return close(); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    next_is_id_ = depth_ == 1 && !seen_ && std::string_view(s, n) == "id";
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (taking()) id_.assign(s, n);
    return true;
  }
  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Int(int) { return scalar(); }
  bool Uint(unsigned) { return scalar(); }
  bool Int64(std::int64_t) { return scalar(); }
  bool Uint64(std::uint64_t) { return scalar(); }
  bool Double(double) { return scalar(); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return scalar(); }

  const std::string& id() const { return id_; }

 private:
  bool open() {
    taking();  // a container as the first "id" value: no string id
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }
  bool scalar() {
    taking();
    return true;
  }
  // Whether the value now starting is the first top-level "id"'s (marked seen).
  bool taking() {
    if (!next_is_id_) return false;
    next_is_id_ = false;
    seen_ = true;
    return true;
  }

  std::string id_;
  int depth_ = 0;
  bool next_is_id_ = false, seen_ = false;
};

}  // namespace

std::string event_id_of(std::string_view line) {
  // An object at the top (what parses after a '{' can be nothing else).
  const auto first = line.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || line[first] != '{') return {};
  top_level_id handler;
  rapidjson::Reader reader;
  rapidjson::MemoryStream in(line.data(), line.size());
  if (reader.Parse(in, handler).IsError()) return {};
  return handler.id();
}

std::variant<jsonl_scan_result, std::string> scan_jsonl(int fd, std::size_t max_line,
                                                        const std::function<void(std::string_view)>& on_id) {
  jsonl_scan_result result;
  std::vector<char> chunk(64 * 1024);
  std::string line;       // the line being assembled across chunks
  bool overlong = false;  // the current line passed max_line: count it, do not keep it
  std::uint64_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::string("read failed: ") + std::strerror(errno);
    }
    if (n == 0) break;
    std::string_view data(chunk.data(), static_cast<std::size_t>(n));
    while (!data.empty()) {
      const auto nl = data.find('\n');
      const std::string_view piece = data.substr(0, nl);
      if (!overlong) {
        if (line.size() + piece.size() > max_line) {
          overlong = true;
          line.clear();
        } else {
          line.append(piece);
        }
      }
      if (nl == std::string_view::npos) break;
      // A complete line ends here.
      result.good_size = offset + static_cast<std::uint64_t>(data.data() - chunk.data()) + nl + 1;
      ++result.lines;
      const std::string id = overlong ? std::string() : event_id_of(line);
      if (id.empty()) {
        ++result.unreadable;
      } else {
        on_id(id);
      }
      line.clear();
      overlong = false;
      data.remove_prefix(nl + 1);
    }
    offset += static_cast<std::uint64_t>(n);
  }
  result.file_size = offset;
  return result;
}

}  // namespace gateway::sinks
