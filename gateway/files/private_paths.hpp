#pragma once
// Files and folders that hold patient data (the database, the events file, var/) are the
// gateway's alone: folders it creates get mode 0700, files 0600, and an existing file that others
// may read or write loses those permissions (the owner's group keeps what it was given).
// Plain POSIX calls; any thread.
#include <filesystem>
#include <string>

namespace gateway::files {

// Creates `dir` and its missing parents with mode 0700; existing folders are left as they are.
// Returns why it failed (naming the folder), or an empty string.
std::string create_private_directories(const std::filesystem::path& dir);

struct private_file_result {
  bool created = false;    // it did not exist and now does, empty, mode 0600
  bool tightened = false;  // it existed with permissions for others, which were removed
  std::string error;       // why it failed (naming the file); empty on success
};

// Makes `file` private: when missing and `create` is set, creates it empty with mode 0600; when it
// exists, removes every permission bit for others.
private_file_result make_file_private(const std::filesystem::path& file, bool create);

}  // namespace gateway::files
