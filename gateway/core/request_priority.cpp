#include "gateway/core/request_priority.hpp"

namespace gateway::core {

std::optional<request_priority> parse_request_priority(std::string_view code) {
  if (code == "routine") return request_priority::routine;
  if (code == "urgent") return request_priority::urgent;
  if (code == "asap") return request_priority::asap;
  if (code == "stat") return request_priority::stat;
  return std::nullopt;
}

std::string_view to_string(request_priority p) {
  switch (p) {
    case request_priority::routine:
      return "routine";
    case request_priority::urgent:
      return "urgent";
    case request_priority::asap:
      return "asap";
    case request_priority::stat:
      return "stat";
  }
  return "routine";
}

int priority_rank(request_priority p) {
  return 3 - static_cast<int>(p);
}

}  // namespace gateway::core
