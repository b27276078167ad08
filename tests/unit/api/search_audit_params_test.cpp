#include "gateway/api/search_audit_params.hpp"

#include <gtest/gtest.h>

namespace gateway::api {
namespace {

TEST(search_audit_params, entity_date_and_agent_become_the_audit_query) {
  const auto t = translate_audit_search({{"entity", "ServiceRequest/sr1"},
                                         {"date", "ge2024-05-01"},
                                         {"date", "le2024-05-01"},
                                         {"agent", "https://fhir.nhs.uk/Id/ods-organization-code|A81001"},
                                         {"_count", "5"}});
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_TRUE(t->query.entity);
  EXPECT_EQ(t->query.entity->type, "ServiceRequest");
  EXPECT_EQ(t->query.entity->id, "sr1");
  EXPECT_EQ(t->query.recorded_ge, "2024-05-01T00:00:00.000Z");
  EXPECT_EQ(t->query.recorded_le, "2024-05-01T23:59:59Z");
  EXPECT_EQ(t->query.caller_org, "A81001");
  EXPECT_EQ(t->query.count, 5u);
  EXPECT_FALSE(t->query.oldest_first);
  EXPECT_EQ(t->applied.size(), 5u);
}

TEST(search_audit_params, defaults_newest_first_twenty_a_page) {
  const auto t = translate_audit_search({});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->query.count, 20u);
  EXPECT_FALSE(t->query.oldest_first);
  EXPECT_FALSE(t->query.entity);
  EXPECT_TRUE(translate_audit_search({{"_sort", "date"}})->query.oldest_first);
}

TEST(search_audit_params, absolute_entity_urls_and_bare_agent_codes_are_accepted) {
  const auto t = translate_audit_search({{"entity", "https://gw/fhir/Task/t1/_history/3"}, {"agent", "PLT01"}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->query.entity->type, "Task");
  EXPECT_EQ(t->query.entity->id, "t1");
  EXPECT_EQ(t->query.caller_org, "PLT01");
}

TEST(search_audit_params, bad_values_are_refused_naming_the_parameter) {
  EXPECT_EQ(translate_audit_search({{"entity", "sr1"}}).error().param, "entity");
  EXPECT_EQ(translate_audit_search({{"entity", "ServiceRequest/a,ServiceRequest/b"}}).error().param, "entity");
  EXPECT_EQ(translate_audit_search({{"date", "ge2024-99"}}).error().param, "date");
  EXPECT_EQ(translate_audit_search({{"agent", "http://other|X"}}).error().param, "agent");
  EXPECT_EQ(translate_audit_search({{"_count", "x"}}).error().param, "_count");
  EXPECT_EQ(translate_audit_search({{"_sort", "entity"}}).error().param, "_sort");
}

TEST(search_audit_params, unknown_parameters_are_ignored_and_named) {
  const auto t = translate_audit_search({{"subtype", "read"}, {"entity", "Task/t1"}, {"_cursor", "17"}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ignored, (std::vector<std::string>{"subtype"}));
  EXPECT_EQ(t->query.cursor, "17");
  EXPECT_EQ(t->applied.size(), 1u);
}

}  // namespace
}  // namespace gateway::api
