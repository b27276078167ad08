#pragma once
#include <string>

namespace gateway::api {

// A caller known to configuration, identified by its client certificate.
struct caller {
  std::string name;
  std::string role;          // "referrer" or "platform"
  std::string organization;  // ODS code
};

}  // namespace gateway::api
