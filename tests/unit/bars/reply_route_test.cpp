#include "adapters/bars/reply_route.hpp"

#include <gtest/gtest.h>

namespace gateway::bars {
namespace {

const referrer_routing referrer{
    "https://rnd.example.org/fhir/$process-message",
    {"https://rnd.example.org/other/$process-message", "https://fhir.nhs.uk/Id/dos-service-id|2222222222"},
    "https://fhir.nhs.uk/Id/dos-service-id|3333333333"};

TEST(reply_route, the_configured_endpoint_by_default) {
  const auto r = route_reply(referrer, "[ODSCode]:[DoSId]");
  EXPECT_EQ(r.url, referrer.endpoint);
  ASSERT_TRUE(r.target);
  EXPECT_EQ(r.target->value, "3333333333");  // the configured default
  EXPECT_FALSE(r.source_endpoint_used);
}

TEST(reply_route, an_allowed_source_url_is_used) {
  const auto r = route_reply(referrer, "https://rnd.example.org/other/$process-message");
  EXPECT_EQ(r.url, "https://rnd.example.org/other/$process-message");
  EXPECT_TRUE(r.source_endpoint_used);
}

TEST(reply_route, a_source_url_the_configuration_does_not_list_is_never_addressed) {
  const auto r = route_reply(referrer, "https://attacker.example.org/$process-message");
  EXPECT_EQ(r.url, referrer.endpoint);
  EXPECT_FALSE(r.source_endpoint_used);
}

TEST(reply_route, an_allowed_source_target_identifier_addresses_the_reply_even_spelt_as_the_examples) {
  const auto r = route_reply(referrer, "http://fhir.nhs.uk/Id/dos-service-id|2222222222");
  EXPECT_EQ(r.url, referrer.endpoint);
  ASSERT_TRUE(r.target);
  EXPECT_EQ(r.target->value, "2222222222");
  EXPECT_TRUE(r.source_endpoint_used);
  const auto other = route_reply(referrer, "https://fhir.nhs.uk/Id/dos-service-id|9999999999");
  ASSERT_TRUE(other.target);
  EXPECT_EQ(other.target->value, "3333333333");
}

TEST(reply_route, no_target_identifier_without_one_allowed_or_configured) {
  const referrer_routing plain{"https://a.example/fhir/$process-message", {}, ""};
  EXPECT_FALSE(route_reply(plain, "https://fhir.nhs.uk/Id/dos-service-id|2222222222").target);
}

TEST(reply_route, urls_allowed_now) {
  EXPECT_TRUE(url_allowed(referrer, referrer.endpoint));
  EXPECT_TRUE(url_allowed(referrer, "https://rnd.example.org/other/$process-message"));
  EXPECT_FALSE(url_allowed(referrer, "https://fhir.nhs.uk/Id/dos-service-id|2222222222"));
  EXPECT_FALSE(url_allowed(referrer, "https://elsewhere.example/$process-message"));
  EXPECT_FALSE(url_allowed(referrer, ""));
}

}  // namespace
}  // namespace gateway::bars
