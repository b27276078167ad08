#include "gateway/files/private_paths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace gateway::files {

std::string create_private_directories(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  // The missing ones, outermost first.
  std::vector<std::filesystem::path> missing;
  for (std::filesystem::path p = dir; !p.empty(); p = p.parent_path()) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return p.string() + ": not a folder";
      break;
    }
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST)
      return "cannot create folder " + it->string() + ": " + std::strerror(errno);
  }
  return {};
}

private_file_result make_file_private(const std::filesystem::path& file, bool create) {
  private_file_result r;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      r.error = "cannot inspect " + file.string() + ": " + std::strerror(errno);
    } else if (create) {
      const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd >= 0) {
        ::close(fd);
        r.created = true;
      } else if (errno != EEXIST) {  // another process made it meanwhile: fine, checked next time
        r.error = "cannot create " + file.string() + ": " + std::strerror(errno);
      }
    }
    return r;
  }
  if ((st.st_mode & S_IRWXO) != 0) {
    if (::chmod(file.c_str(), st.st_mode & 07770 & ~static_cast<mode_t>(S_IRWXO)) != 0) {
      r.error = "cannot make " + file.string() + " private: " + std::strerror(errno);
    } else {
      r.tightened = true;
    }
  }
  return r;
}

}  // namespace gateway::files
