#include "gateway/store_opening.hpp"

#include <filesystem>

#include "adapters/postgres/postgres_store.hpp"
#include "adapters/sqlite/sqlite_store.hpp"
#include "gateway/config/gateway_config.hpp"
#include "gateway/files/private_paths.hpp"

namespace gateway {

std::variant<std::unique_ptr<core::store>, std::string> open_store(const config::storage_settings& storage) {
  if (storage.engine == config::storage_engine::postgres) {
    postgres::postgres_options options;
    options.dsn = storage.dsn;
    options.instance = storage.instance;
    options.read_connections = static_cast<int>(storage.read_connections);
    options.max_batch = storage.max_batch;
    options.max_queue = storage.max_queue;
    options.lock_timeout_ms = static_cast<int>(storage.busy_timeout.count());
    auto store = postgres::postgres_store::open(options);
    if (!store) return "storage.dsn: " + store.error().message;
    return std::unique_ptr<core::store>(std::move(*store));
  }
  // The folder of the database file: 0700, it holds patient data.
  const std::filesystem::path db(storage.path);
  if (auto failed = files::create_private_directories(db.parent_path()); !failed.empty())
    return "storage.path: " + failed;
  sqlite::sqlite_options options;
  options.path = storage.path;
  options.read_connections = static_cast<int>(storage.read_connections);
  options.max_batch = storage.max_batch;
  options.max_queue = storage.max_queue;
  options.busy_timeout_ms = static_cast<int>(storage.busy_timeout.count());
  auto store = sqlite::sqlite_store::open(options);
  if (!store) return "storage.path: " + store.error().message;
  return std::unique_ptr<core::store>(std::move(*store));
}

}  // namespace gateway
