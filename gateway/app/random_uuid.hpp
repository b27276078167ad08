#pragma once
// A new random UUID (version 4, lower case, 36 characters) from OpenSSL's CSPRNG: ids of new
// resources, AuditEvents, outbox items, and request ids the gateway makes up. Thread-safe.
#include <string>

namespace gateway::app {

std::string random_uuid();

}  // namespace gateway::app
