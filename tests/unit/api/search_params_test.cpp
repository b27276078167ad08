#include "gateway/api/search_params.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace gateway::api {
namespace {

const search_definition& definition(std::string_view type) {
  const auto& defs = resource_search_definitions();
  const auto it = std::find_if(defs.begin(), defs.end(), [&](const search_definition& d) { return d.type == type; });
  EXPECT_NE(it, defs.end()) << type;
  return *it;
}

translated_search ok(std::string_view type, std::vector<query_param> params, std::optional<std::string> scope = {}) {
  auto t = translate_search(definition(type), params, std::move(scope));
  EXPECT_TRUE(t) << (t ? "" : t.error().message);
  return t ? *t : translated_search{};
}

search_param_error refused(std::string_view type, std::vector<query_param> params) {
  auto t = translate_search(definition(type), params, {});
  EXPECT_FALSE(t);
  return t ? search_param_error{} : t.error();
}

const core::search_criterion* criterion(const translated_search& t, std::string_view param) {
  for (const auto& c : t.query.criteria)
    if (c.param == param) return &c;
  return nullptr;
}

using values = std::vector<std::string>;

TEST(search_params, tokens_match_the_indexed_system_value_and_value_forms_and_commas_are_or) {
  const auto t = ok("ServiceRequest", {{"identifier", "https://x.example/ref|REF-1,REF-2"}});
  ASSERT_EQ(t.query.criteria.size(), 1u);
  EXPECT_EQ(t.query.criteria[0].param, "identifier");
  EXPECT_EQ(t.query.criteria[0].any_of, (values{"https://x.example/ref|REF-1", "REF-2"}));
  EXPECT_EQ(t.query.type, "ServiceRequest");
}

TEST(search_params, escaped_commas_and_bars_are_literal) {
  const auto t = ok("ServiceRequest", {{"identifier", "sys|a\\,b,c\\|d"}});
  EXPECT_EQ(t.query.criteria[0].any_of, (values{"sys|a,b", "c|d"}));
}

TEST(search_params, tokens_without_a_system_or_a_value_are_refused_naming_the_parameter) {
  EXPECT_EQ(refused("ServiceRequest", {{"identifier", "|REF-1"}}).param, "identifier");
  EXPECT_EQ(refused("Task", {{"business-status", "https://x|"}}).param, "business-status");
  EXPECT_EQ(refused("Task", {{"business-status", "https://x|"}}).message.rfind("business-status: ", 0), 0u);
}

TEST(search_params, codes_ignore_a_system) {
  const auto t = ok("Task", {{"status", "requested,http://hl7.org/fhir/task-status|received"}});
  EXPECT_EQ(t.query.criteria[0].any_of, (values{"requested", "received"}));
}

TEST(search_params, references_accept_type_and_id_a_bare_id_or_an_absolute_url) {
  EXPECT_EQ(criterion(ok("ServiceRequest", {{"patient", "Patient/p1"}}), "patient")->any_of, (values{"Patient/p1"}));
  EXPECT_EQ(criterion(ok("ServiceRequest", {{"patient", "p1"}}), "patient")->any_of, (values{"Patient/p1"}));
  EXPECT_EQ(criterion(ok("ServiceRequest", {{"patient", "https://gw/fhir/Patient/p1/_history/2"}}), "patient")->any_of,
            (values{"Patient/p1"}));
  EXPECT_EQ(criterion(ok("ServiceRequest", {{"patient:Patient", "p1"}}), "patient")->any_of, (values{"Patient/p1"}));
  EXPECT_EQ(criterion(ok("Task", {{"based-on", "sr1,ServiceRequest/sr2"}}), "based-on")->any_of,
            (values{"ServiceRequest/sr1", "ServiceRequest/sr2"}));
}

TEST(search_params, references_of_the_wrong_type_are_refused) {
  const auto e = refused("ServiceRequest", {{"patient", "Practitioner/1"}});
  EXPECT_EQ(e.param, "patient");
  EXPECT_NE(e.message.find("Patient"), std::string::npos);
  EXPECT_EQ(refused("Task", {{"based-on", "a/b/c"}}).param, "based-on");
}

TEST(search_params, organisations_match_ods_codes_and_references) {
  const auto bare = ok("ServiceRequest", {{"requester", "A81001"}});
  // The index holds an ODS code as its token only (search_index.hpp); the bare form matches older rows.
  EXPECT_EQ(criterion(bare, "requester")->any_of,
            (values{"A81001", "https://fhir.nhs.uk/Id/ods-organization-code|A81001", "Organization/A81001",
                    "PractitionerRole/A81001", "Practitioner/A81001"}));
  const auto token = ok("Task", {{"owner", "https://fhir.nhs.uk/Id/ods-organization-code|PLT01"}});
  EXPECT_EQ(criterion(token, "owner")->any_of, (values{"https://fhir.nhs.uk/Id/ods-organization-code|PLT01"}));
  const auto identifier = ok("Task", {{"requester:identifier", "https://fhir.nhs.uk/Id/ods-organization-code|A81001"}});
  EXPECT_EQ(criterion(identifier, "requester")->any_of,
            (values{"https://fhir.nhs.uk/Id/ods-organization-code|A81001"}));
  EXPECT_EQ(criterion(ok("Task", {{"owner", "Organization/o1"}}), "owner")->any_of, (values{"Organization/o1"}));
}

TEST(search_params, business_status_and_priority_ask_for_the_forms_the_index_holds) {
  const std::string bs = "https://referral-gateway.example.org/fhir/CodeSystem/business-status";
  EXPECT_EQ(criterion(ok("Task", {{"business-status", "received"}}), "business-status")->any_of,
            (values{"received", bs + "|received"}));
  EXPECT_EQ(criterion(ok("Task", {{"business-status", bs + "|received"}}), "business-status")->any_of,
            (values{bs + "|received"}));
  EXPECT_EQ(criterion(ok("Task", {{"priority", "urgent,stat"}}), "priority-rank")->any_of, (values{"2", "0"}));
}

TEST(search_params, document_reference_related_searches_the_referral_link) {
  const auto t = ok("DocumentReference", {{"related", "ServiceRequest/sr1"}});
  EXPECT_EQ(criterion(t, "based-on")->any_of, (values{"ServiceRequest/sr1"}));
  EXPECT_EQ(criterion(ok("Observation", {{"based-on", "sr1"}}), "based-on")->any_of, (values{"ServiceRequest/sr1"}));
  EXPECT_EQ(criterion(ok("QuestionnaireResponse", {{"based-on", "sr1"}}), "based-on")->any_of,
            (values{"ServiceRequest/sr1"}));
}

TEST(search_params, repeated_parameters_are_anded) {
  const auto t = ok("Task", {{"status", "requested"}, {"status", "received"}});
  ASSERT_EQ(t.query.criteria.size(), 2u);
  EXPECT_EQ(t.query.criteria[0].any_of, (values{"requested"}));
  EXPECT_EQ(t.query.criteria[1].any_of, (values{"received"}));
}

TEST(search_params, the_scope_is_carried_into_the_query) {
  EXPECT_EQ(ok("ServiceRequest", {}, "A81001").query.owner_org, "A81001");
  EXPECT_FALSE(ok("ServiceRequest", {}, std::nullopt).query.owner_org);
}

TEST(search_params, count_defaults_to_20_and_is_clamped_at_100) {
  EXPECT_EQ(ok("Task", {}).query.count, 20u);
  const auto big = ok("Task", {{"_count", "500"}});
  EXPECT_EQ(big.query.count, 100u);
  EXPECT_EQ(big.requested_count, 500u);
  EXPECT_EQ(big.applied.back().value, "100") << "links carry the effective page size";
  const auto huge = ok("Task", {{"_count", "99999999999999999999999"}});
  EXPECT_EQ(huge.query.count, 100u);
  EXPECT_EQ(ok("Task", {{"_count", "0"}}).query.count, 0u);
  EXPECT_FALSE(ok("Task", {{"_count", "5"}}).requested_count);
}

TEST(search_params, bad_counts_are_refused_naming_count) {
  for (const char* bad : {"-1", "ten", "1.5", " 3"}) {
    const auto e = refused("Task", {{"_count", bad}});
    EXPECT_EQ(e.param, "_count") << bad;
  }
}

TEST(search_params, sort_by_priority_ranks_then_keeps_creation_order) {
  const auto t = ok("Task", {{"_sort", "priority"}});
  ASSERT_EQ(t.query.sort.size(), 2u);
  EXPECT_EQ(t.query.sort[0].param, "priority-rank");
  EXPECT_FALSE(t.query.sort[0].descending);
  EXPECT_EQ(t.query.sort[1].param, core::sort_created);
  EXPECT_FALSE(t.query.sort[1].descending);

  const auto both = ok("Task", {{"_sort", "priority,-_lastUpdated"}});
  ASSERT_EQ(both.query.sort.size(), 2u);
  EXPECT_TRUE(both.query.sort[1].descending);
}

TEST(search_params, sort_by_last_updated_either_way_and_the_default) {
  const auto down = ok("ServiceRequest", {{"_sort", "-_lastUpdated"}});
  ASSERT_EQ(down.query.sort.size(), 1u);
  EXPECT_EQ(down.query.sort[0].param, core::sort_last_updated);
  EXPECT_TRUE(down.query.sort[0].descending);
  const auto up = ok("ServiceRequest", {{"_sort", "_lastUpdated"}});
  ASSERT_EQ(up.query.sort.size(), 1u);
  EXPECT_FALSE(up.query.sort[0].descending);
  const auto plain = ok("ServiceRequest", {});
  ASSERT_EQ(plain.query.sort.size(), 1u);
  EXPECT_EQ(plain.query.sort[0].param, core::sort_last_updated);
}

TEST(search_params, unsupported_sorts_are_refused_naming_sort) {
  const auto e = refused("ServiceRequest", {{"_sort", "priority"}});
  EXPECT_EQ(e.param, "_sort");
  EXPECT_NE(e.message.find("supported"), std::string::npos);
}

TEST(search_params, last_updated_becomes_store_instant_bounds) {
  const auto t =
      ok("ServiceRequest", {{"_lastUpdated", "ge2024-05-01"}, {"_lastUpdated", "lt2024-05-02T10:00:00+01:00"}});
  EXPECT_EQ(t.query.last_updated_ge, "2024-05-01T00:00:00.000Z");
  EXPECT_EQ(t.query.last_updated_le, "2024-05-02T08:59:59Z");
  EXPECT_EQ(refused("ServiceRequest", {{"_lastUpdated", "ge2024-5"}}).param, "_lastUpdated");
  EXPECT_EQ(refused("ServiceRequest", {{"_lastUpdated", "ne2024-05-01"}}).param, "_lastUpdated");
  EXPECT_EQ(refused("ServiceRequest", {{"_lastUpdated", "2024,2025"}}).param, "_lastUpdated");
}

TEST(search_params, unknown_parameters_modifiers_and_empty_values_are_ignored_and_named) {
  const auto t =
      ok("ServiceRequest",
         {{"foo", "1"}, {"identifier:missing", "true"}, {"status", ""}, {"_include", "x"}, {"status", "active"}});
  EXPECT_EQ(t.ignored, (values{"foo", "identifier:missing", "status", "_include"}));
  ASSERT_EQ(t.query.criteria.size(), 1u);
  ASSERT_EQ(t.applied.size(), 1u);
  EXPECT_EQ(t.applied[0].name, "status");
}

TEST(search_params, cursor_is_passed_through_and_not_applied_twice) {
  const auto t = ok("Task", {{"status", "requested"}, {"_cursor", "c1.abc.1"}, {"_count", "2"}});
  EXPECT_EQ(t.query.cursor, "c1.abc.1");
  ASSERT_EQ(t.applied.size(), 2u);
  EXPECT_EQ(t.applied[0].name, "status");
  EXPECT_EQ(t.applied[1].name, "_count");
}

TEST(search_params, total_none_skips_the_count) {
  EXPECT_FALSE(ok("Task", {{"_total", "none"}}).query.include_total);
  EXPECT_TRUE(ok("Task", {{"_total", "accurate"}}).query.include_total);
  EXPECT_EQ(refused("Task", {{"_total", "lots"}}).param, "_total");
}

// The first page carries the total; a later page counts again only when asked (the next link
// keeps an explicit _total, see search_bundle).
TEST(search_params, a_later_page_counts_only_when_asked) {
  EXPECT_TRUE(ok("Task", {{"status", "requested"}}).query.include_total);
  EXPECT_FALSE(ok("Task", {{"status", "requested"}, {"_cursor", "c1.abc.1"}}).query.include_total);
  EXPECT_TRUE(ok("Task", {{"_total", "accurate"}, {"_cursor", "c1.abc.1"}}).query.include_total);
  EXPECT_TRUE(ok("Task", {{"_cursor", "c1.abc.1"}, {"_total", "estimate"}}).query.include_total);
  EXPECT_FALSE(ok("Task", {{"_cursor", "c1.abc.1"}, {"_total", "none"}}).query.include_total);
}

TEST(search_params, strict_handling_is_read_from_prefer) {
  EXPECT_TRUE(prefers_strict_handling("handling=strict"));
  EXPECT_TRUE(prefers_strict_handling("return=minimal, handling=strict"));
  EXPECT_TRUE(prefers_strict_handling("return=minimal;handling=strict"));
  EXPECT_FALSE(prefers_strict_handling("handling=lenient"));
  EXPECT_FALSE(prefers_strict_handling(""));
  EXPECT_FALSE(prefers_strict_handling("handling=strictest"));
}

TEST(search_params, capability_entries_list_every_parameter_and_the_common_ones) {
  const auto specs = capability_search_params(definition("Task"));
  auto has = [&](std::string_view name, std::string_view type) {
    return std::any_of(specs.begin(), specs.end(),
                       [&](const search_param_spec& s) { return s.name == name && s.type == type; });
  };
  EXPECT_TRUE(has("based-on", "reference"));
  EXPECT_TRUE(has("status", "token"));
  EXPECT_TRUE(has("business-status", "token"));
  EXPECT_TRUE(has("owner", "reference"));
  EXPECT_TRUE(has("_lastUpdated", "date"));
  EXPECT_TRUE(has("_count", "number"));
  EXPECT_TRUE(has("_sort", "special"));
}

}  // namespace
}  // namespace gateway::api
