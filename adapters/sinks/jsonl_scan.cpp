#include "adapters/sinks/jsonl_scan.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace gateway::sinks {

std::string event_id_of(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return {};
  const auto it = doc.FindMember("id");
  if (it == doc.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
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
