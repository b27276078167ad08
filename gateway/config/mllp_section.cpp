#include "gateway/config/mllp_section.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace gateway::config {
namespace {

bool ip_literal(const std::string& text) {
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

void read_senders(json_object_reader& section, std::vector<mllp_sender>& senders) {
  const auto* array = section.array("senders");
  if (array == nullptr) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
    json_object_reader r(&(*array)[i], section.path_of("senders") + "[" + std::to_string(i) + "]", section.errors());
    mllp_sender s;
    r.read("facility", s.facility, true);
    r.read("addresses", s.addresses, true);
    r.read("caller", s.caller, true);
    r.finish();
    for (std::size_t k = 0; k < s.addresses.size(); ++k) {
      if (!ip_literal(s.addresses[k]))
        r.errors().push_back({r.path_of("addresses") + "[" + std::to_string(k) + "]",
                              "must be an IP address (\"" + s.addresses[k] + "\" is not)"});
    }
    senders.push_back(std::move(s));
  }
}

}  // namespace

void read_mllp(json_object_reader r, mllp_listener& out) {
  r.read("enabled", out.enabled);
  r.read("address", out.address);
  r.read("port", out.port);
  r.read("tls", out.tls);
  r.read("max_frame_bytes", out.max_frame_bytes, 1024);
  r.read("read_timeout_ms", out.read_timeout);
  r.read("idle_timeout_ms", out.idle_timeout);
  r.read("write_timeout_ms", out.write_timeout);
  read_senders(r, out.senders);
  r.finish();
}

void check_mllp(const gateway_config& config, config_errors& errors) {
  const mllp_listener& m = config.mllp;
  for (std::size_t i = 0; i < m.senders.size(); ++i) {
    const std::string path = "mllp.senders[" + std::to_string(i) + "].caller";
    const auto it = std::find_if(config.callers.begin(), config.callers.end(),
                                 [&](const caller& c) { return c.name == m.senders[i].caller; });
    if (it == config.callers.end())
      errors.push_back({path, "names no caller (callers[].name)"});
    else if (it->role != caller_role::referrer)
      errors.push_back({path, "must name a referrer: only referrers send referrals"});
  }
  if (!m.enabled) return;
  if (!m.tls && m.senders.empty())
    errors.push_back({"mllp.senders", "must name at least one sender when mllp.tls is false"});
  if (m.port != 0 && m.address == config.listen.address && m.port == config.listen.port)
    errors.push_back({"mllp.port", "must differ from listen.port"});
  if (m.port != 0 && config.ops.enabled && m.address == config.ops.address && m.port == config.ops.port)
    errors.push_back({"mllp.port", "must differ from ops.port"});
}

}  // namespace gateway::config
