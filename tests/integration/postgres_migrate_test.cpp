// gatewayctl migrate --from sqlite:FILE --to postgres:DSN (issue 14): a populated SQLite store —
// resources with several versions and a delete, search keys, identifier claims, outbox items in
// every state, audit records — moves to an empty PostgreSQL database, and everything reads back
// the same through the store port; a second run into the now filled database is refused, and the
// PostgreSQL store then goes on writing after the copied rows.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "adapters/postgres/postgres_store.hpp"
#include "adapters/sqlite/sqlite_store.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/postgres_cluster.hpp"
#include "tests/unit/store/store_fixture.hpp"

namespace rg::testing {
namespace {

namespace core = gateway::core;
using namespace std::chrono_literals;

using gateway::store_test::wait_for;

core::resource_write write(core::write_kind kind, const std::string& type, const std::string& id,
                           const std::string& status, const std::string& owner = "A81001") {
  core::resource_write w;
  w.kind = kind;
  w.type = type;
  w.id = id;
  w.owner_org = owner;
  w.json = R"({"resourceType":")" + type + R"(","status":")" + status + R"(","note":"tab\there, quote \" and \\"})";
  w.index = {{"status", status}, {"based-on", "ServiceRequest/" + id}};
  return w;
}

void commit(core::store& s, core::unit_of_work u) {
  auto r = wait_for<core::commit_outcome>([&](auto cb) { s.commit(std::move(u), std::move(cb)); });
  ASSERT_TRUE(r) << r.error().detail;
}

void populate(core::store& s) {
  for (int i = 0; i < 30; ++i) {
    const std::string id = "sr" + std::to_string(i);
    core::unit_of_work u;
    u.writes.push_back(write(core::write_kind::create, "ServiceRequest", id, "active", i % 3 ? "A81001" : "B82002"));
    u.writes.push_back(write(core::write_kind::create, "Task", "task-" + id, "requested"));
    u.claims.push_back(
        {"A81001", "https://fhir.a81001.example.org/referral", "REF-" + std::to_string(i), "ServiceRequest", id});
    u.outbox.push_back(
        {"msg-" + id, "feedback", "A81001", id, "application/fhir+json", "{\"n\":" + std::to_string(i) + "}"});
    u.audits.push_back({"audit-" + id, "", "A81001", "referrer", core::audit_action::create, "ServiceRequest", id, "0",
                        "req-" + std::to_string(i), "{\"resourceType\":\"AuditEvent\"}"});
    ASSERT_NO_FATAL_FAILURE(commit(s, std::move(u)));
  }
  for (int i = 0; i < 10; ++i) {  // later versions, and one delete
    core::unit_of_work u;
    u.writes.push_back(write(core::write_kind::update, "Task", "task-sr" + std::to_string(i), "accepted"));
    ASSERT_NO_FATAL_FAILURE(commit(s, std::move(u)));
  }
  core::unit_of_work gone;
  gone.writes.push_back(write(core::write_kind::remove, "Task", "task-sr29", ""));
  ASSERT_NO_FATAL_FAILURE(commit(s, std::move(gone)));
  // Outbox states: delivered, dead with an error, failed (pending with an error), pending.
  const auto now = std::chrono::system_clock::now() + 1s;
  ASSERT_TRUE(wait_for<core::outbox_entries_outcome>([&](auto cb) { s.fetch_due(now, 3, 30s, {}, std::move(cb)); }));
  EXPECT_FALSE(wait_for<boost::system::error_code>([&](auto cb) { s.mark_delivered("msg-sr0", now, std::move(cb)); }));
  EXPECT_FALSE(
      wait_for<boost::system::error_code>([&](auto cb) { s.park_dead("msg-sr1", "HTTP 400", std::move(cb)); }));
  EXPECT_FALSE(wait_for<boost::system::error_code>(
      [&](auto cb) { s.mark_failed("msg-sr2", now + 1h, "HTTP 503", std::move(cb)); }));
}

// Everything the port can read, as text, for comparing two stores.
std::string snapshot(core::store& s) {
  std::string out;
  auto add_record = [&](const core::resource_record& r) {
    out += r.type + "/" + r.id + " v" + std::to_string(r.version) + " " + r.last_updated + " " + r.owner_org +
           (r.deleted ? " deleted " : " ") + r.json + "\n";
  };
  for (const char* type : {"ServiceRequest", "Task"}) {
    for (const bool descending : {false, true}) {  // every page, both ways
      core::search_query q;
      q.type = type;
      q.count = 7;
      q.sort = {{core::sort_last_updated, descending}};
      for (int page = 0; page < 20; ++page) {
        auto r = wait_for<core::search_outcome>([&](auto cb) { s.search(q, std::move(cb)); });
        if (!r) return "search failed";
        out += "total " + std::to_string(r->total) + "\n";
        for (const auto& item : r->items) add_record(item);
        if (!r->next_cursor) break;
        q.cursor = r->next_cursor;
      }
    }
  }
  for (int i = 0; i < 30; ++i) {
    const std::string id = "task-sr" + std::to_string(i);
    auto h = wait_for<core::history_outcome>([&](auto cb) { s.history("Task", id, 10, std::move(cb)); });
    if (h)
      for (const auto& r : *h) add_record(r);
    core::search_query q;
    q.type = "Task";
    q.criteria = {{"based-on", {"ServiceRequest/sr" + std::to_string(i)}}, {"status", {"accepted"}}};
    const auto accepted = wait_for<core::search_outcome>([&](auto cb) { s.search(q, std::move(cb)); });
    out += "accepted " + std::to_string(accepted ? accepted->total : -1);
    auto claim = wait_for<core::claim_lookup_outcome>([&](auto cb) {
      s.find_claim("A81001", "https://fhir.a81001.example.org/referral", "REF-" + std::to_string(i), std::move(cb));
    });
    out += " claim " + (claim && *claim ? (*claim)->id : std::string("none")) + "\n";
  }
  core::outbox_list_query all;
  all.count = 1000;
  const auto items = wait_for<core::outbox_entries_outcome>([&](auto cb) { s.list_outbox(all, std::move(cb)); });
  if (!items) return "list_outbox failed";
  for (const auto& e : *items)
    out += e.item.id + " " + e.item.ordering_key + " " + e.item.payload + " state " +
           std::to_string(static_cast<int>(e.state)) + " attempts " + std::to_string(e.attempts) + " " + e.last_error +
           " due " + std::to_string(e.next_attempt_at.time_since_epoch().count()) + "\n";
  core::audit_query aq;
  aq.count = 1000;
  const auto audits = wait_for<core::audit_outcome>([&](auto cb) { s.search_audit(aq, std::move(cb)); });
  if (!audits) return "search_audit failed";
  for (const auto& a : audits->items) out += a.id + " " + a.recorded + " " + a.entity_id + " " + a.request_id + "\n";
  return out;
}

TEST(postgres_migrate, a_populated_sqlite_store_moves_to_postgres_and_reads_back_the_same) {
  if (!postgres_enabled()) GTEST_SKIP() << "RG_POSTGRES=0: PostgreSQL tests skipped";
  temp_dir dir;
  const std::string file = dir.str("gateway.db");
  std::string before;
  {
    gateway::sqlite::sqlite_options o;
    o.path = file;
    auto s = gateway::sqlite::sqlite_store::open(o);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_NO_FATAL_FAILURE(populate(**s));
    before = snapshot(**s);
  }
  const std::string dsn = shared_postgres().create_database("migrated");
  const auto run = run_command({gatewayctl_binary(), "migrate", "--from", "sqlite:" + file, "--to", "postgres:" + dsn});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const char* table : {"resource_history: 71 rows", "resources: 60 rows", "identifier_claims: 30 rows",
                            "outbox: 30 rows", "audit: 30 rows"})
    EXPECT_NE(run.out.find(table), std::string::npos) << table << " in:\n" << run.out;

  gateway::postgres::postgres_options o;
  o.dsn = dsn;
  auto pg = gateway::postgres::postgres_store::open(o);
  ASSERT_TRUE(pg) << pg.error().message;
  EXPECT_EQ(snapshot(**pg), before);

  // Into a database that holds data: refused, nothing changed.
  const auto again =
      run_command({gatewayctl_binary(), "migrate", "--from", "sqlite:" + file, "--to", "postgres:" + dsn});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already holds data"), std::string::npos) << again.err;
  EXPECT_EQ(snapshot(**pg), before);

  // The PostgreSQL store writes on after the copied rows: a new version sorts last.
  core::unit_of_work u;
  u.writes.push_back(write(core::write_kind::update, "Task", "task-sr3", "completed"));
  u.outbox.push_back({"msg-new", "feedback", "A81001", "sr3", "application/fhir+json", "{}"});
  ASSERT_NO_FATAL_FAILURE(commit(**pg, std::move(u)));
  core::search_query newest;
  newest.type = "Task";
  newest.count = 1;
  newest.sort = {{core::sort_last_updated, true}};
  auto top = wait_for<core::search_outcome>([&](auto cb) { (*pg)->search(newest, std::move(cb)); });
  ASSERT_TRUE(top && !top->items.empty());
  EXPECT_EQ(top->items[0].id, "task-sr3");
  EXPECT_EQ(top->items[0].version, 3);
}

}  // namespace
}  // namespace rg::testing
