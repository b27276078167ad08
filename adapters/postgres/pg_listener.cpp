#include "adapters/postgres/pg_listener.hpp"

#include "adapters/postgres/pg_writer.hpp"

#include <poll.h>

namespace gateway::postgres {

namespace {
constexpr int poll_ms = 200;  // how soon a stop is noticed
}

pg_listener::pg_listener(connection_factory connect) : connect_(std::move(connect)), thread_([this] { run(); }) {}

pg_listener::~pg_listener() {
  stopping_ = true;
  thread_.join();
}

void pg_listener::on_notify(std::function<void()> notify) {
  std::lock_guard lock(mutex_);
  notify_ = std::move(notify);
}

void pg_listener::wake() {
  std::function<void()> notify;
  {
    std::lock_guard lock(mutex_);
    notify = notify_;
  }
  if (notify) notify();
}

void pg_listener::run() {
  std::unique_ptr<pg_connection> db;
  auto next_connect = std::chrono::steady_clock::now();
  while (!stopping_) {
    if (!db) {
      if (std::chrono::steady_clock::now() < next_connect) {
        ::poll(nullptr, 0, poll_ms);
        continue;
      }
      std::string error;
      db = connect_(error);
      try {
        if (db) db->exec((std::string("LISTEN ") + outbox_channel).c_str());
      } catch (const pg_error&) {
        db.reset();
      }
      if (!db) {
        next_connect = std::chrono::steady_clock::now() + connection_slot::reconnect_interval;
        continue;
      }
      wake();  // whatever was notified while this connection was down
    }
    pollfd p{PQsocket(db->handle()), POLLIN, 0};
    if (::poll(&p, 1, poll_ms) <= 0) continue;
    if (PQconsumeInput(db->handle()) == 0 || !db->ok()) {
      db.reset();
      continue;
    }
    bool notified = false;
    while (PGnotify* n = PQnotifies(db->handle())) {
      notified = true;
      PQfreemem(n);
    }
    if (notified) wake();
  }
}

}  // namespace gateway::postgres
