#include "gateway/api/route_table.hpp"

#include <gtest/gtest.h>

namespace gateway::api {
namespace {
using boost::beast::http::verb;

route make(verb method, std::string pattern) {
  route r;
  r.method = method;
  r.pattern = std::move(pattern);
  r.kind = interaction::read;
  return r;
}

class route_table_test : public ::testing::Test {
 protected:
  void SetUp() override {
    table.add(make(verb::get, "/ServiceRequest/{id}"));
    table.add(make(verb::put, "/ServiceRequest/{id}"));
    table.add(make(verb::get, "/ServiceRequest/_history"));
    table.add(make(verb::post, "/ServiceRequest/$validate"));
    table.add(make(verb::get, "/ServiceRequest/{id}/_history/{vid}"));
    table.add(make(verb::get, "/metadata"));
  }
  route_table table;
};

TEST_F(route_table_test, placeholders_capture_segments) {
  const auto m = table.match(verb::get, "/ServiceRequest/abc/_history/3");
  ASSERT_EQ(m.result, route_match::outcome::found);
  EXPECT_EQ(m.matched->pattern, "/ServiceRequest/{id}/_history/{vid}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"abc", "3"}));
}

TEST_F(route_table_test, the_most_literal_route_wins_whatever_the_order) {
  const auto m = table.match(verb::get, "/ServiceRequest/_history");
  ASSERT_EQ(m.result, route_match::outcome::found);
  EXPECT_EQ(m.matched->pattern, "/ServiceRequest/_history");
}

TEST_F(route_table_test, known_path_with_another_method_is_wrong_method_with_allow) {
  const auto m = table.match(verb::delete_, "/ServiceRequest/abc");
  EXPECT_EQ(m.result, route_match::outcome::wrong_method);
  EXPECT_EQ(m.allow, "GET, PUT");
}

TEST_F(route_table_test, literal_operation_route_is_found_despite_placeholder_routes) {
  const auto m = table.match(verb::post, "/ServiceRequest/$validate");
  ASSERT_EQ(m.result, route_match::outcome::found);
  EXPECT_EQ(m.matched->pattern, "/ServiceRequest/$validate");
}

TEST_F(route_table_test, unknown_paths_are_not_found) {
  EXPECT_EQ(table.match(verb::get, "/Patient/1").result, route_match::outcome::not_found);
  EXPECT_EQ(table.match(verb::get, "/ServiceRequest/a/b").result, route_match::outcome::not_found);
  EXPECT_EQ(table.match(verb::get, "/ServiceRequest/%zz").result, route_match::outcome::not_found);
}

TEST_F(route_table_test, head_is_served_by_get_routes) {
  EXPECT_EQ(table.match(verb::head, "/metadata").result, route_match::outcome::found);
}

TEST_F(route_table_test, trailing_and_double_slashes_are_ignored_and_segments_decoded) {
  const auto m = table.match(verb::get, "//ServiceRequest/a%2Db/");
  ASSERT_EQ(m.result, route_match::outcome::found);
  EXPECT_EQ(m.params[0], "a-b");
}

TEST(parse_query, decodes_pairs_plus_and_percent) {
  const auto q = parse_query("identifier=https%3A%2F%2Fx%7C123&name=a+b&flag&=v&bad=%z");
  ASSERT_EQ(q.size(), 5u);
  EXPECT_EQ(q[0].name, "identifier");
  EXPECT_EQ(q[0].value, "https://x|123");
  EXPECT_EQ(q[1].value, "a b");
  EXPECT_EQ(q[2].name, "flag");
  EXPECT_EQ(q[2].value, "");
  EXPECT_EQ(q[4].value, "");
}

}  // namespace
}  // namespace gateway::api
