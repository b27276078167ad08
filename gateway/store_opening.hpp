#pragma once
// Opens the store the configuration names (storage.engine): the embedded SQLite file at
// storage.path (its folder created if missing), or the PostgreSQL database at storage.dsn shared
// with other instances (this one named storage.instance). Migrates either to the current schema.
#include <memory>
#include <string>
#include <variant>

namespace gateway::config {
struct storage_settings;
}
namespace gateway::core {
class store;
}

namespace gateway {

// The open store, or a start-up message naming the configuration key.
std::variant<std::unique_ptr<core::store>, std::string> open_store(const config::storage_settings& storage);

}  // namespace gateway
