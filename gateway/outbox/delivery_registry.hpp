#pragma once
// Which delivery port takes the items of a (channel, destination), and how many of them may be in
// flight at once. Built once from configuration (outbox_service.cpp), read-only afterwards, so the
// dispatcher thread reads it without locks. A pair with no route (and no channel default) is
// dead-lettered by the dispatcher with a message saying so: visible and replayable, never dropped.
#include <map>
#include <string>
#include <utility>

#include "gateway/core/delivery_port.hpp"

namespace gateway::outbox {

struct delivery_route {
  core::delivery_port* port = nullptr;  // owned elsewhere; outlives the dispatcher
  unsigned max_in_flight = 4;
  std::string name;  // for logs: "jsonl", "none", "fhir-message", ...
};

class delivery_registry {
 public:
  void add(std::string channel, std::string destination, delivery_route route) {
    routes_[key(channel, destination)] = std::move(route);
  }
  // For the destinations of `channel` that have no route of their own.
  void set_default(std::string channel, delivery_route route) { defaults_[std::move(channel)] = std::move(route); }

  const delivery_route* find(const std::string& channel, const std::string& destination) const {
    if (const auto it = routes_.find(key(channel, destination)); it != routes_.end()) return &it->second;
    if (const auto it = defaults_.find(channel); it != defaults_.end()) return &it->second;
    return nullptr;
  }

 private:
  static std::string key(const std::string& channel, const std::string& destination) {
    return channel + '\n' + destination;
  }
  std::map<std::string, delivery_route> routes_;
  std::map<std::string, delivery_route> defaults_;
};

}  // namespace gateway::outbox
