#include "adapters/sinks/jsonl_segments.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "adapters/sinks/jsonl_scan.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::sinks {
namespace {

constexpr char magic[8] = {'R', 'G', 'I', 'D', 'S', '1', '\n', '\0'};
constexpr std::size_t header_size = 32;  // magic + three uint64
constexpr std::size_t key_size = sizeof(event_id_set::key);

struct header {
  std::int64_t newest_created_ms = 0;
  std::uint64_t uuid_count = 0;
  std::uint64_t other_count = 0;
};

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

bool pread_all(int fd, void* out, std::size_t size, std::uint64_t offset) {
  auto* p = static_cast<char*>(out);
  while (size > 0) {
    const ssize_t n = ::pread(fd, p, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

template <class T>
void append_raw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

bool read_header(int fd, header& h) {
  char raw[header_size];
  if (!pread_all(fd, raw, sizeof raw, 0) || std::memcmp(raw, magic, sizeof magic) != 0) return false;
  std::memcpy(&h.newest_created_ms, raw + 8, 8);
  std::memcpy(&h.uuid_count, raw + 16, 8);
  std::memcpy(&h.other_count, raw + 24, 8);
  return true;
}

void sync_directory(const std::filesystem::path& dir) {
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return;
  (void)::fsync(dfd);
  ::close(dfd);
}

// Binary search over the sorted 16-byte keys of an index file.
bool index_has_uuid(int fd, const header& h, const event_id_set::key& wanted) {
  std::uint64_t lo = 0;
  std::uint64_t hi = h.uuid_count;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    event_id_set::key k{};
    if (!pread_all(fd, k.data(), key_size, header_size + mid * key_size)) return false;
    if (k == wanted) return true;
    if (k < wanted) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return false;
}

// The other (non-UUID) ids are rare: read them in order until past the wanted one.
bool index_has_other(int fd, const header& h, std::string_view wanted) {
  std::uint64_t offset = header_size + h.uuid_count * key_size;
  std::string id;
  for (std::uint64_t i = 0; i < h.other_count; ++i) {
    std::uint32_t length = 0;
    if (!pread_all(fd, &length, sizeof length, offset)) return false;
    id.resize(length);
    if (length > 0 && !pread_all(fd, id.data(), length, offset + sizeof length)) return false;
    if (id == wanted) return true;
    if (wanted < id) return false;
    offset += sizeof length + length;
  }
  return false;
}

// The N of "<name>.<N>" or "<name>.<N>.ids" (six or more digits); 0 when `entry` is neither.
std::uint64_t number_of(const std::string& entry, const std::string& name, bool& is_index) {
  if (entry.size() <= name.size() + 1 || entry.compare(0, name.size(), name) != 0 || entry[name.size()] != '.')
    return 0;
  std::string rest = entry.substr(name.size() + 1);
  is_index = rest.size() > 4 && rest.compare(rest.size() - 4, 4, ".ids") == 0;
  if (is_index) rest.resize(rest.size() - 4);
  if (rest.size() < 6 || rest.find_first_not_of("0123456789") != std::string::npos) return 0;
  return std::stoull(rest);
}

}  // namespace

std::filesystem::path jsonl_segments::segment_path(const std::filesystem::path& events_path, std::uint64_t number) {
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%06llu", static_cast<unsigned long long>(number));
  std::filesystem::path p = events_path;
  p += suffix;
  return p;
}

std::filesystem::path jsonl_segments::index_path(const std::filesystem::path& events_path, std::uint64_t number) {
  std::filesystem::path p = segment_path(events_path, number);
  p += ".ids";
  return p;
}

std::string jsonl_segments::write_index(const std::filesystem::path& file, const event_id_set& ids,
                                        std::int64_t newest_created_ms) {
  const auto keys = ids.sorted_uuid_keys();
  const auto others = ids.sorted_others();
  std::string bytes(magic, sizeof magic);
  append_raw(bytes, newest_created_ms);
  append_raw(bytes, static_cast<std::uint64_t>(keys.size()));
  append_raw(bytes, static_cast<std::uint64_t>(others.size()));
  for (const auto& k : keys) bytes.append(reinterpret_cast<const char*>(k.data()), key_size);
  for (const auto& id : others) {
    append_raw(bytes, static_cast<std::uint32_t>(id.size()));
    bytes += id;
  }
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_text("cannot create " + tmp.string());
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const std::string why = written ? std::string() : errno_text("cannot write " + tmp.string());
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), file.c_str()) != 0) {
    const std::string failure = written ? errno_text("cannot rename " + tmp.string()) : why;
    ::unlink(tmp.c_str());
    return failure;
  }
  sync_directory(file.parent_path());
  return {};
}

std::variant<jsonl_segments, std::string> jsonl_segments::open(const std::filesystem::path& events_path,
                                                               std::int64_t inherited_bound_ms, std::size_t max_line) {
  jsonl_segments out(events_path);
  const std::filesystem::path dir = events_path.has_parent_path() ? events_path.parent_path() : ".";
  const std::string name = events_path.filename().string();
  std::vector<std::uint64_t> data;
  std::vector<std::uint64_t> indexes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > 4 && file.compare(file.size() - 4, 4, ".tmp") == 0 && file.compare(0, name.size(), name) == 0) {
      std::filesystem::remove(entry.path(), ec);  // an index write a crash interrupted
      continue;
    }
    bool is_index = false;
    const std::uint64_t n = number_of(file, name, is_index);
    if (n == 0) continue;
    (is_index ? indexes : data).push_back(n);
    out.next_ = std::max(out.next_, n + 1);
  }
  if (ec) return dir.string() + ": cannot list: " + ec.message();

  // A segment without its index (a crash between rename and index, or a deleted index): rebuild
  // it from the segment, bounded as inherited (its events' creation times are unknown).
  for (const std::uint64_t n : data) {
    if (std::find(indexes.begin(), indexes.end(), n) != indexes.end()) continue;
    const auto segment = segment_path(events_path, n);
    const int fd = ::open(segment.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_text("cannot open " + segment.string());
    event_id_set ids;
    auto scanned = scan_jsonl(fd, max_line, [&ids](std::string_view id) { ids.insert(id); });
    ::close(fd);
    if (auto* e = std::get_if<std::string>(&scanned)) return segment.string() + ": " + *e;
    if (auto failed = write_index(index_path(events_path, n), ids, inherited_bound_ms); !failed.empty()) return failed;
    telemetry::warn("events file: rebuilt the index of a rotated segment", {{"segment", segment.string()}});
    indexes.push_back(n);
  }

  std::sort(indexes.begin(), indexes.end());
  for (const std::uint64_t n : indexes) {
    const auto index = index_path(events_path, n);
    const int fd = ::open(index.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_text("cannot open " + index.string());
    header h;
    const bool ok = read_header(fd, h);
    ::close(fd);
    if (!ok) return index.string() + ": not an events index";
    out.segments_.push_back({n, h.newest_created_ms, index});
  }
  return out;
}

bool jsonl_segments::contains(std::string_view id, std::int64_t created_ms) const {
  const auto key = event_id_set::uuid_key(id);
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if (it->newest_created_ms < created_ms) continue;  // finished before the event existed
    const int fd = ::open(it->index.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      // Unreadable now: better a duplicate line than a lost event.
      telemetry::error("events file: cannot read a segment index", {{"index", it->index.string()}});
      continue;
    }
    header h;
    const bool found = read_header(fd, h) && (key ? index_has_uuid(fd, h, *key) : index_has_other(fd, h, id));
    ::close(fd);
    if (found) return true;
  }
  return false;
}

std::string jsonl_segments::rotate(const event_id_set& ids, std::int64_t newest_created_ms) {
  const std::uint64_t n = next_;
  const auto index = index_path(path_, n);
  // Index first: a crash after it leaves an index whose ids are also in the active file (harmless);
  // a crash after the rename leaves a complete segment and its index.
  if (auto failed = write_index(index, ids, newest_created_ms); !failed.empty()) return failed;
  const auto segment = segment_path(path_, n);
  if (::rename(path_.c_str(), segment.c_str()) != 0) {
    const std::string failed = errno_text("cannot rename " + path_.string() + " to " + segment.string());
    ::unlink(index.c_str());
    return failed;
  }
  sync_directory(path_.has_parent_path() ? path_.parent_path() : std::filesystem::path("."));
  segments_.push_back({n, newest_created_ms, index});
  next_ = n + 1;
  return {};
}

}  // namespace gateway::sinks
