#pragma once
#include <string>
#include <vector>

namespace gateway::config {

// A configuration problem, named by the path of the key it concerns
// (e.g. "listen.tls.cert: file not found").
struct config_error {
  std::string path;
  std::string message;

  std::string to_string() const { return path.empty() ? message : path + ": " + message; }
};

using config_errors = std::vector<config_error>;

}  // namespace gateway::config
