// The referral-create use case with a message id (HL7 v2: MSH-10), over the in-memory store: the
// id is claimed with the referral in the same unit of work, per organisation, and a message sent
// again - afterwards or racing the first - finds the referral it created.
#include "gateway/app/referral_create.hpp"
#include "gateway/core/transaction_bundle.hpp"
#include "tests/unit/app/use_case_fixture.hpp"

namespace gateway::app::testing {
namespace {

class referral_message : public use_case_test {
 protected:
  referral_message() : bundle(parse(data_file("api/transaction-referral.json"))) {
    auto read = core::read_transaction_referral(bundle);
    if (!read) throw std::runtime_error(read.error().text());
    entries = std::move(*read);
  }

  result<referral_created> submit(const std::string& message_id) {
    referral_create_command command{practice_a, meta, bundled_referral{&bundle, &entries}, {}};
    command.message_id = core::identifier{system, message_id};
    return run(use_cases->referral_create.create(std::move(command)));
  }
  std::optional<stored_message> find(const std::string& organisation, const std::string& message_id) {
    auto found = run(use_cases->referral_create.find_message(organisation, {system, message_id}));
    if (!found) throw std::runtime_error(found.error().message());
    return *found;
  }

  const std::string system = "urn:test:msh-10";
  rapidjson::Document bundle;
  core::transaction_referral entries;
};

TEST_F(referral_message, the_message_id_is_claimed_with_the_referral_for_the_senders_organisation) {
  auto done = submit("MSG-1");
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_TRUE(done->created);
  EXPECT_FALSE(done->message);
  EXPECT_EQ(store.commits(), 1u) << "one unit of work: the referral and the claim of its message";
  const auto found = find("A81001", "MSG-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->service_request_id, done->service_request.id);
  EXPECT_EQ(found->first_committed, done->service_request.last_updated) << "the time of the first answer";
  EXPECT_FALSE(find("B82002", "MSG-1")) << "control ids are per sender";
  EXPECT_FALSE(find("A81001", "MSG-2"));
}

TEST_F(referral_message, the_first_commit_time_stays_when_the_referral_changes_later) {
  auto done = submit("MSG-3");
  ASSERT_TRUE(done && done->created);
  core::resource_write update;
  update.kind = core::write_kind::update;
  update.type = "ServiceRequest";
  update.id = done->service_request.id;
  update.owner_org = "A81001";
  update.json = done->service_request.json;
  core::unit_of_work change;
  change.writes.push_back(std::move(update));
  bool changed = false;
  store.commit(std::move(change), [&changed](core::commit_outcome r) { changed = r.has_value(); });
  ASSERT_TRUE(changed) << "the in-memory store answers at once";
  const auto found = find("A81001", "MSG-3");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->first_committed, done->service_request.last_updated);
}

TEST_F(referral_message, the_same_message_racing_itself_makes_one_referral_and_names_the_message) {
  store.before_next_commit = [&] {
    auto other = submit("MSG-4");
    ASSERT_TRUE(other && other->created);
  };
  auto done = submit("MSG-4");
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_FALSE(done->created);
  ASSERT_TRUE(done->message);
  EXPECT_EQ(done->message->service_request_id, done->service_request.id);
  EXPECT_EQ(store.resource_count("ServiceRequest"), 1u);
  EXPECT_EQ(store.resource_count("Task"), 1u);
}

TEST_F(referral_message, the_same_referral_in_another_message_is_a_repeat_of_the_referral_not_of_the_message) {
  ASSERT_TRUE(submit("MSG-5"));
  auto again = submit("MSG-6");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_FALSE(again->created);
  EXPECT_FALSE(again->message);
  EXPECT_FALSE(find("A81001", "MSG-6")) << "nothing was stored for the repeat";
}

}  // namespace
}  // namespace gateway::app::testing
