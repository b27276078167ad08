#include "tools/gatewayctl/migrate_command.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "adapters/postgres/pg_connection.hpp"
#include "adapters/postgres/postgres_store.hpp"
#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/sqlite_store.hpp"

namespace rg::gatewayctl {
namespace {

namespace pg = gateway::postgres;
namespace lite = gateway::sqlite;

struct table {
  const char* name;
  const char* columns;     // the same in both schemas
  const char* order_by;    // the source's read order (write order where there is one)
  const char* seq_column;  // an identity column whose sequence must move past the copied rows
};

// Every table of the store, each in write order.
constexpr table tables[] = {
    {"resource_history", "seq, type, id, version, last_updated, owner_org, deleted, json", "seq", "seq"},
    {"resources", "type, id, version, last_updated, seq, owner_org, deleted, rkey", "rkey", nullptr},
    {"search_keys", "type, param, value, rkey", "rkey, param, value", nullptr},
    {"identifier_claims", "owner_org, system, value, resource_type, resource_id", "owner_org, system, value", nullptr},
    {"outbox",
     "seq, id, channel, destination, ordering_key, content_type, payload, state, attempts, created_at, "
     "next_attempt_at, delivered_at, last_error",
     "seq", "seq"},
    {"audit", "seq, id, recorded, caller_org, caller_role, action, entity_type, entity_id, outcome, request_id, json",
     "seq", "seq"},
};

std::int64_t count_source(lite::connection& db, const char* name) {
  auto s = db.prepare(std::string("SELECT count(*) FROM ") + name);
  return s->step() ? s->int64(0) : 0;
}

std::int64_t count_target(pg::pg_connection& db, const char* name) {
  return db.run_once(std::string("SELECT count(*) FROM ") + name).int64(0, 0);
}

int copy_all(const std::string& file, const std::string& dsn, std::ostream& out, std::ostream& err) {
  // Open both as the gateway does: each is migrated to this build's schema.
  {
    lite::sqlite_options o;
    o.path = file;
    if (auto s = lite::sqlite_store::open(o); !s) {
      err << "gatewayctl migrate: " << file << ": " << s.error().message << "\n";
      return 1;
    }
    pg::postgres_options p;
    p.dsn = dsn;
    p.read_connections = 1;
    if (auto s = pg::postgres_store::open(p); !s) {
      err << "gatewayctl migrate: postgres: " << s.error().message << "\n";
      return 1;
    }
  }
  std::string error;
  auto source = lite::connection::open(file, true, 5000, error);
  if (!source) {
    err << "gatewayctl migrate: " << error << "\n";
    return 1;
  }
  auto target = pg::pg_connection::open(dsn, pg::pg_session{0, 5000}, error);
  if (!target) {
    err << "gatewayctl migrate: postgres: " << error << "\n";
    return 1;
  }
  try {
    source->exec("BEGIN");  // one snapshot of the source
    target->exec("BEGIN");
    for (const auto& t : tables) {
      if (count_target(*target, t.name) != 0) {
        err << "gatewayctl migrate: the target already holds data (table " << t.name
            << "); migrate only into an empty database\n";
        target->rollback_quietly();
        return 1;
      }
    }
    for (const auto& t : tables) {
      const std::string columns = t.columns;
      const int width = static_cast<int>(std::count(columns.begin(), columns.end(), ',')) + 1;
      auto rows = source->prepare("SELECT " + columns + " FROM " + t.name + " ORDER BY " + t.order_by);
      const std::int64_t copied = target->copy_in(
          "COPY " + std::string(t.name) + " (" + columns + ") FROM STDIN",
          [&](std::vector<std::optional<std::string>>& fields) {
            if (!rows->step()) return false;
            fields.clear();
            for (int c = 0; c < width; ++c)
              fields.push_back(rows->is_null(c) ? std::nullopt : std::optional<std::string>(rows->text(c)));
            return true;
          });
      const std::int64_t in_source = count_source(*source, t.name), in_target = count_target(*target, t.name);
      if (copied != in_source || in_target != in_source) {
        target->rollback_quietly();
        err << "gatewayctl migrate: " << t.name << ": " << in_source << " rows in the source, " << in_target
            << " in the target; nothing was committed\n";
        return 1;
      }
      if (t.seq_column != nullptr) {
        target->run_once(std::string("SELECT setval(pg_get_serial_sequence('") + t.name + "', '" + t.seq_column +
                         "'), coalesce(max(" + t.seq_column + "), 0) + 1, false) FROM " + t.name);
      }
      out << t.name << ": " << in_source << " rows copied, counts verified\n";
    }
    // Commit times go on from the latest copied one (never backwards).
    target->run_once(
        "UPDATE store_clock SET last_ms = greatest(last_ms, coalesce((SELECT (extract(epoch FROM "
        "max(last_updated)::timestamptz) * 1000)::bigint FROM resource_history), 0))");
    target->exec("COMMIT");
    source->exec("COMMIT");
    out << "migrated " << file << " to PostgreSQL\n";
    return 0;
  } catch (const std::exception& e) {
    target->rollback_quietly();
    err << "gatewayctl migrate: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int run_migrate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string from, to;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "--from" || args[i] == "--to") && i + 1 < args.size()) {
      (args[i] == "--from" ? from : to) = args[i + 1];
      ++i;
    } else {
      err << "gatewayctl migrate: unknown argument " << args[i] << "\n";
      return 2;
    }
  }
  if (from.rfind("sqlite:", 0) != 0 || to.rfind("postgres:", 0) != 0) {
    err << "usage: gatewayctl migrate --from sqlite:FILE --to postgres:DSN\n";
    return 2;
  }
  return copy_all(from.substr(7), to.substr(9), out, err);
}

}  // namespace rg::gatewayctl
