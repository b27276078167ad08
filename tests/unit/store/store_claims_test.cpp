
#include "tests/unit/store/store_fixture.hpp"

#include <atomic>
#include <thread>

namespace gateway::store_test {
namespace {

using core::store_errc;

core::unit_of_work referral(const std::string& id, const std::string& value = "REF-1") {
  auto u = unit(create("ServiceRequest", id, "ORG-A", {{"identifier", "urn:ref|" + value}}));
  u.claims.push_back({"ORG-A", "urn:ref", value, "ServiceRequest", id});
  u.outbox.push_back({"msg-" + id, "events", "jsonl", id, "application/cloudevents+json", "{}"});
  return u;
}

TEST_P(store_test, repeat_claim_is_identifier_taken_naming_the_stored_resource) {
  ASSERT_TRUE(commit(referral("sr1")));
  auto again = commit(referral("sr2"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, store_errc::identifier_taken);
  ASSERT_TRUE(again.error().existing);
  EXPECT_EQ(*again.error().existing, (core::resource_ref{"ServiceRequest", "sr1"}));
  EXPECT_EQ(read("ServiceRequest", "sr2").error(), store_errc::not_found);
  auto outbox = wait_for<core::outbox_entry_outcome>([&](auto cb) { store_->show_outbox("msg-sr2", std::move(cb)); });
  EXPECT_EQ(outbox.error(), store_errc::not_found);  // the rejected unit's outbox item is gone too

  auto found = wait_for<core::claim_lookup_outcome>(
      [&](auto cb) { store_->find_claim("ORG-A", "urn:ref", "REF-1", std::move(cb)); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, "sr1");
}

TEST_P(store_test, same_identifier_under_another_owner_is_a_separate_claim) {
  ASSERT_TRUE(commit(referral("sr1")));
  auto u = referral("sr2");
  u.claims[0].owner_org = "ORG-B";
  EXPECT_TRUE(commit(u));
}

TEST_P(store_test, fifty_concurrent_identical_creates_store_exactly_one) {
  constexpr int n = 50;
  std::atomic<int> go{0};
  std::vector<std::thread> threads;
  std::vector<core::commit_outcome> results(n, core::commit_failure{});
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      while (go.load() == 0) {
      }
      results[i] = commit(referral("sr" + std::to_string(i)));
    });
  go = 1;
  for (auto& t : threads) t.join();

  int created = 0;
  std::string winner;
  for (const auto& r : results)
    if (r) {
      ++created;
      winner = r->written[0].id;
    }
  ASSERT_EQ(created, 1);
  for (const auto& r : results)
    if (!r) {
      EXPECT_EQ(r.error().code, store_errc::identifier_taken);
      EXPECT_EQ(r.error().existing->id, winner);
    }
  core::search_query q;
  q.type = "ServiceRequest";
  q.criteria.push_back({"identifier", {"urn:ref|REF-1"}});
  EXPECT_EQ(search(q)->total, 1);
}

TEST_P(store_test, duplicate_claims_within_one_batch_let_only_the_first_through) {
  // Submitted back to back without waiting, so they share batches.
  std::vector<std::future<core::commit_outcome>> futures;
  for (int i = 0; i < 20; ++i) {
    auto p = std::make_shared<std::promise<core::commit_outcome>>();
    futures.push_back(p->get_future());
    store_->commit(referral("sr" + std::to_string(i), i % 2 == 0 ? "EVEN" : "ODD"),
                   [p](core::commit_outcome r) { p->set_value(std::move(r)); });
  }
  int ok = 0;
  for (auto& f : futures) ok += f.get().has_value() ? 1 : 0;
  EXPECT_EQ(ok, 2);
  EXPECT_TRUE(read("ServiceRequest", "sr0"));
  EXPECT_TRUE(read("ServiceRequest", "sr1"));
}

}  // namespace
}  // namespace gateway::store_test
