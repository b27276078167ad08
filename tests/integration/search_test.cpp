// FHIR search through the real binary over mutual TLS: ServiceRequest and Task searches by their
// parameters, the caller's scope, keyset paging while referrals keep arriving, lenient and
// strict handling of unknown parameters, bad values, the platform's work queue by priority, and
// the platform's AuditEvent search.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/gateway_test.hpp"
#include "tests/support/https_client.hpp"

namespace rg::testing {
namespace {

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

constexpr const char* referral_system = "https://fhir.a81001.example.org/referral";

// The contained-Patient referral with its own number. Its PHQ-9 item 9 answer (2) makes triage
// urgent; `urgent = false` answers 0 instead, leaving the referral routine.
std::string referral(const std::string& number, bool urgent = false, const std::string& ods = "A81001") {
  std::string body = read_text(source_dir() + "/tests/data/core/servicerequest-contained.json");
  body = replace_once(body, "REF-2024-0001", number);
  if (!urgent) body = replace_once(body, "\"valueInteger\": 2", "\"valueInteger\": 0");
  if (ods != "A81001") body = replace_once(body, "\"value\": \"A81001\"", "\"value\": \"" + ods + "\"");
  return body;
}

struct bundle_view {
  int status = 0;
  std::int64_t total = -1;
  std::vector<std::string> ids;  // match entries' resource ids, in order
  std::vector<std::string> full_urls;
  std::string next;  // the next link's target (from /fhir), "" if none
  std::string self;
  std::string outcome;  // the outcome entry's diagnostics, joined
  std::string body;
};

std::string member_string(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject() || !v.HasMember(name) || !v[name].IsString()) return {};
  return v[name].GetString();
}

bundle_view view(const http_answer& a) {
  bundle_view b;
  b.status = a.status;
  b.body = a.body;
  rapidjson::Document d;
  d.Parse(a.body.c_str(), a.body.size());
  if (d.HasParseError() || !d.IsObject() || member_string(d, "resourceType") != "Bundle") return b;
  if (d.HasMember("total")) b.total = d["total"].GetInt64();
  if (d.HasMember("link")) {
    for (const auto& l : d["link"].GetArray()) {
      const std::string url = member_string(l, "url");
      const std::string target = url.substr(std::min(url.size(), url.find("/fhir/")));
      if (member_string(l, "relation") == "next") b.next = target;
      if (member_string(l, "relation") == "self") b.self = target;
    }
  }
  if (d.HasMember("entry")) {
    for (const auto& e : d["entry"].GetArray()) {
      const std::string mode = member_string(e["search"], "mode");
      if (mode == "match") {
        b.ids.push_back(member_string(e["resource"], "id"));
        b.full_urls.push_back(member_string(e, "fullUrl"));
      } else if (mode == "outcome") {
        for (const auto& i : e["resource"]["issue"].GetArray()) b.outcome += member_string(i, "diagnostics") + "\n";
      }
    }
  }
  return b;
}

std::string json_string(const std::string& body, const char* member) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc.IsObject() ? member_string(doc, member) : std::string();
}

class search_test : public gateway_test {
 protected:
  // Creates a referral as `who`; returns the stored ServiceRequest JSON.
  std::string create(https_client& c, const std::string& body) {
    const auto r = c.request("POST", "/fhir/ServiceRequest", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.body;
  }
  std::string create_id(https_client& c, const std::string& body) { return json_string(create(c, body), "id"); }
};

TEST_F(search_test, finds_referrals_by_identifier_patient_and_status) {
  auto a = client("practice-a");
  const std::string first = create(a, referral("REF-S1"));
  const std::string id1 = json_string(first, "id");
  const std::string id2 = create_id(a, referral("REF-S2"));
  const std::string subject = "\"subject\":{\"reference\":\"Patient/";
  const auto at = first.find(subject);
  ASSERT_NE(at, std::string::npos);
  const std::string patient =
      first.substr(at + subject.size(), first.find('"', at + subject.size()) - at - subject.size());

  auto by_system_value =
      view(a.request("GET", "/fhir/ServiceRequest?identifier=" + std::string(referral_system) + "%7CREF-S1"));
  ASSERT_EQ(by_system_value.status, 200) << by_system_value.body;
  EXPECT_EQ(by_system_value.total, 1);
  EXPECT_EQ(by_system_value.ids, std::vector<std::string>{id1});
  ASSERT_EQ(by_system_value.full_urls.size(), 1u);
  EXPECT_TRUE(by_system_value.full_urls[0].ends_with("/fhir/ServiceRequest/" + id1)) << by_system_value.full_urls[0];
  EXPECT_NE(by_system_value.body.find("\"search\":{\"mode\":\"match\"}"), std::string::npos);
  EXPECT_NE(by_system_value.body.find("\"type\":\"searchset\""), std::string::npos);

  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?identifier=REF-S2")).ids, std::vector<std::string>{id2});
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?identifier=REF-S1,REF-S2")).total, 2);
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?identifier=REF-NONE")).total, 0);

  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?patient=Patient/" + patient)).ids,
            (std::vector<std::string>{id1, id2}));
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?patient=" + patient)).total, 2);
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?patient=Patient/someone-else")).total, 0);

  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?status=active")).total, 2);
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?status=revoked")).total, 0);
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?status=active&identifier=REF-S1")).ids,
            std::vector<std::string>{id1});

  // Each referral's Task, by the referral it is based on and by status.
  const auto task = view(a.request("GET", "/fhir/Task?based-on=ServiceRequest/" + id1));
  ASSERT_EQ(task.total, 1) << task.body;
  EXPECT_NE(task.body.find("\"reference\":\"ServiceRequest/" + id1 + "\""), std::string::npos);
  EXPECT_EQ(view(a.request("GET", "/fhir/Task?based-on=" + id2 + "&status=requested")).total, 1);
  EXPECT_EQ(view(a.request("GET", "/fhir/Task?status=completed")).total, 0);
  EXPECT_EQ(view(a.request("GET", "/fhir/Task?owner=PLT01")).total, 2);

  // _lastUpdated: everything was written after 2020 and nothing before.
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?_lastUpdated=ge2020-01-01")).total, 2);
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest?_lastUpdated=lt2020-01-01T00:00:00Z")).total, 0);
}

TEST_F(search_test, finds_referrals_by_a_requester_named_by_ods_code) {
  auto b = client("practice-b");
  std::string logical = read_text(source_dir() + "/tests/data/core/servicerequest-logical.json");
  logical = replace_once(logical, R"(,
  "supportingInfo": [ { "reference": "urn:uuid:3f1c2a50-4c9e-4f55-9a58-1f0b8b0d7a10" } ])",
                         "");
  const std::string id = create_id(b, logical);
  EXPECT_EQ(view(b.request("GET", "/fhir/ServiceRequest?requester=B82002")).ids, std::vector<std::string>{id});
  EXPECT_EQ(
      view(b.request("GET", "/fhir/ServiceRequest?requester=https://fhir.nhs.uk/Id/ods-organization-code%7CB82002"))
          .ids,
      std::vector<std::string>{id});
  EXPECT_EQ(view(b.request("GET", "/fhir/ServiceRequest?requester=A81001")).total, 0);
  EXPECT_EQ(view(b.request("GET", "/fhir/Task?requester=B82002")).total, 1);
}

TEST_F(search_test, a_referrer_sees_only_its_own_organisations_referrals_and_the_platform_sees_all) {
  auto a = client("practice-a");
  auto b = client("practice-b");
  const std::string a_id = create_id(a, referral("REF-A1"));
  const std::string b_id = create_id(b, referral("REF-B1", false, "B82002"));

  const auto b_all = view(b.request("GET", "/fhir/ServiceRequest"));
  EXPECT_EQ(b_all.total, 1);
  EXPECT_EQ(b_all.ids, std::vector<std::string>{b_id});
  EXPECT_EQ(view(b.request("GET", "/fhir/ServiceRequest?identifier=REF-A1")).total, 0);
  EXPECT_EQ(view(b.request("GET", "/fhir/Task?based-on=ServiceRequest/" + a_id)).total, 0);
  EXPECT_EQ(view(b.request("GET", "/fhir/Task?status=requested")).total, 1);
  EXPECT_EQ(view(a.request("GET", "/fhir/ServiceRequest")).ids, std::vector<std::string>{a_id});

  auto platform = client("platform");
  EXPECT_EQ(view(platform.request("GET", "/fhir/ServiceRequest")).ids, (std::vector<std::string>{a_id, b_id}));
  EXPECT_EQ(view(platform.request("GET", "/fhir/Task?status=requested")).total, 2);
}

// Follows next links from `target`, calling `between` before each further page; returns every
// id seen, in order, and checks each page's size.
std::vector<std::string> page_through(https_client& c, std::string target, const std::function<void()>& between) {
  std::vector<std::string> seen;
  for (int pages = 0; !target.empty() && pages < 50; ++pages) {
    between();
    const auto page = view(c.request("GET", target));
    EXPECT_EQ(page.status, 200) << page.body;
    if (page.status != 200) break;
    EXPECT_LE(page.ids.size(), 2u);
    seen.insert(seen.end(), page.ids.begin(), page.ids.end());
    target = page.next;
  }
  return seen;
}

TEST_F(search_test, next_links_page_through_every_referral_exactly_once_while_new_ones_arrive) {
  auto a = client("practice-a");
  auto writer = client("practice-a");
  std::vector<std::string> old_ids;
  for (int i = 0; i < 5; ++i) old_ids.push_back(create_id(a, referral("REF-OLD-" + std::to_string(i))));
  int number = 0;
  int this_round = 0;
  // Two new referrals before each of the next three pages (then the pages can run out).
  const std::function<void()> arrive = [&] {
    if (this_round >= 6) return;
    for (int i = 0; i < 2; ++i, ++this_round) create(writer, referral("REF-NEW-" + std::to_string(++number)));
  };

  for (const char* sort : {"", "&_sort=-_lastUpdated", "&_sort=_lastUpdated"}) {
    SCOPED_TRACE(sort);
    this_round = 0;
    const auto first = view(a.request("GET", std::string("/fhir/ServiceRequest?status=active&_count=2") + sort));
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_GE(first.total, 5);
    EXPECT_EQ(first.ids.size(), 2u);
    ASSERT_FALSE(first.next.empty()) << first.body;
    EXPECT_NE(first.next.find("_cursor="), std::string::npos);
    EXPECT_NE(first.next.find("status=active"), std::string::npos) << "next keeps the search";
    EXPECT_NE(first.next.find("_count=2"), std::string::npos);

    std::vector<std::string> seen = first.ids;
    const auto rest = page_through(a, first.next, arrive);
    seen.insert(seen.end(), rest.begin(), rest.end());
    EXPECT_GE(seen.size(), 5u);
    std::map<std::string, int> times;
    for (const auto& id : seen) ++times[id];
    for (const auto& id : old_ids) EXPECT_EQ(times[id], 1) << id << " appears exactly once";
    for (const auto& [id, n] : times) EXPECT_EQ(n, 1) << id << " repeated";
  }
}

TEST_F(search_test, unknown_parameters_are_reported_leniently_and_refused_strictly) {
  auto a = client("practice-a");
  create(a, referral("REF-U1"));
  const auto lenient = view(a.request("GET", "/fhir/ServiceRequest?status=active&foo=bar&identifier:missing=true"));
  ASSERT_EQ(lenient.status, 200) << lenient.body;
  EXPECT_EQ(lenient.total, 1);
  EXPECT_NE(lenient.outcome.find("'foo'"), std::string::npos) << lenient.body;
  EXPECT_NE(lenient.outcome.find("'identifier:missing'"), std::string::npos) << lenient.body;
  EXPECT_NE(lenient.body.find("\"mode\":\"outcome\""), std::string::npos);
  EXPECT_EQ(lenient.self.find("foo"), std::string::npos) << "self shows what was applied: " << lenient.self;

  const auto strict =
      a.request("GET", "/fhir/ServiceRequest?status=active&foo=bar", {}, {{"Prefer", "handling=strict"}});
  EXPECT_EQ(strict.status, 400);
  EXPECT_NE(strict.body.find("OperationOutcome"), std::string::npos);
  EXPECT_NE(strict.body.find("'foo'"), std::string::npos) << strict.body;

  const auto known = view(a.request("GET", "/fhir/ServiceRequest?status=active", {}, {{"Prefer", "handling=strict"}}));
  EXPECT_EQ(known.status, 200);
  EXPECT_TRUE(known.outcome.empty());
}

TEST_F(search_test, bad_values_answer_400_naming_the_parameter) {
  auto a = client("practice-a");
  for (const auto& [query, param] :
       std::vector<std::pair<std::string, std::string>>{{"_count=lots", "_count"},
                                                        {"_count=-1", "_count"},
                                                        {"_lastUpdated=ge2024-13-01", "_lastUpdated"},
                                                        {"_lastUpdated=ne2024-01-01", "_lastUpdated"},
                                                        {"_sort=colour", "_sort"},
                                                        {"patient=Practitioner/1", "patient"},
                                                        {"identifier=%7CREF-1", "identifier"},
                                                        {"_cursor=not-a-cursor", "_cursor"}}) {
    const auto r = a.request("GET", "/fhir/ServiceRequest?" + query);
    EXPECT_EQ(r.status, 400) << query << " " << r.body;
    EXPECT_NE(r.body.find("\"diagnostics\":\"" + param + ":"), std::string::npos) << query << " " << r.body;
  }
}

TEST_F(search_test, a_large_count_is_clamped_to_100) {
  auto a = client("practice-a");
  create(a, referral("REF-C1"));
  const auto r = view(a.request("GET", "/fhir/ServiceRequest?_count=1000"));
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.self.find("_count=100"), std::string::npos) << r.self;
  EXPECT_NE(r.outcome.find("1000"), std::string::npos);
}

TEST_F(search_test, the_work_queue_gives_urgent_referrals_first) {
  auto a = client("practice-a");
  const std::string routine1 = create_id(a, referral("REF-Q1"));
  const std::string routine2 = create_id(a, referral("REF-Q2"));
  const std::string urgent = create_id(a, referral("REF-Q3", true));
  const std::string routine3 = create_id(a, referral("REF-Q4"));

  auto platform = client("platform");
  auto task_of = [&](const std::string& sr) {
    return view(platform.request("GET", "/fhir/Task?based-on=ServiceRequest/" + sr)).ids.at(0);
  };
  const auto urgent_task = platform.request("GET", "/fhir/Task/" + task_of(urgent));
  EXPECT_EQ(json_string(urgent_task.body, "priority"), "urgent") << "PHQ-9 item 9 > 0 raises the Task's priority";

  const auto by_time = view(platform.request("GET", "/fhir/Task?status=requested"));
  ASSERT_EQ(by_time.ids.size(), 4u);
  EXPECT_EQ(by_time.ids[2], task_of(urgent)) << "by default in arrival order";

  const auto queue = view(platform.request("GET", "/fhir/Task?status=requested&_sort=priority"));
  ASSERT_EQ(queue.ids.size(), 4u) << queue.body;
  EXPECT_EQ(queue.ids,
            (std::vector<std::string>{task_of(urgent), task_of(routine1), task_of(routine2), task_of(routine3)}));

  // The queue pages in the same order.
  const auto page1 = view(platform.request("GET", "/fhir/Task?status=requested&_sort=priority&_count=1"));
  ASSERT_EQ(page1.ids, std::vector<std::string>{task_of(urgent)});
  const auto page2 = view(platform.request("GET", page1.next));
  EXPECT_EQ(page2.ids, std::vector<std::string>{task_of(routine1)});
  // The first page carries the total; a later page only when asked for (the next link keeps it).
  EXPECT_EQ(page1.total, 4);
  EXPECT_EQ(page2.total, -1) << page2.body;
  const auto counted1 =
      view(platform.request("GET", "/fhir/Task?status=requested&_sort=priority&_count=1&_total=accurate"));
  const auto counted2 = view(platform.request("GET", counted1.next));
  EXPECT_EQ(counted2.ids, std::vector<std::string>{task_of(routine1)});
  EXPECT_EQ(counted2.total, 4) << counted2.body;
}

TEST_F(search_test, the_platform_finds_a_creates_audit_event_by_entity_and_a_referrer_gets_403) {
  auto a = client("practice-a");
  const std::string id = create_id(a, referral("REF-AU1"));
  auto platform = client("platform");
  const auto found = view(platform.request("GET", "/fhir/AuditEvent?entity=ServiceRequest/" + id));
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_GE(found.ids.size(), 1u) << found.body;
  EXPECT_NE(found.body.find("\"resourceType\":\"AuditEvent\""), std::string::npos);
  EXPECT_NE(found.body.find("\"action\":\"C\""), std::string::npos) << "the create's AuditEvent";
  EXPECT_NE(found.body.find("\"reference\":\"ServiceRequest/" + id + "\""), std::string::npos);
  EXPECT_TRUE(found.full_urls.at(0).ends_with("/fhir/AuditEvent/" + found.ids[0]));
  EXPECT_EQ(view(platform.request("GET", "/fhir/AuditEvent?entity=ServiceRequest/none")).ids.size(), 0u);

  const auto refused = a.request("GET", "/fhir/AuditEvent?entity=ServiceRequest/" + id);
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("OperationOutcome"), std::string::npos);
  EXPECT_EQ(platform.request("GET", "/fhir/AuditEvent?entity=" + id).status, 400) << "entity is Type/id";
}

TEST_F(search_test, searches_are_audited_and_audit_events_page_with_the_store_cursor) {
  auto b = client("practice-b");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(b.request("GET", "/fhir/ServiceRequest?status=active").status, 200);
  auto platform = client("platform");
  // Audits of reads are committed without delaying the answer: poll briefly for them.
  bundle_view searches;
  eventually(
      [&] {
        searches = view(platform.request("GET", "/fhir/AuditEvent?agent=B82002&_count=2"));
        return searches.ids.size() == 2 && !searches.next.empty();
      },
      std::chrono::seconds(10));
  ASSERT_EQ(searches.ids.size(), 2u) << searches.body;
  EXPECT_NE(searches.body.find("\"code\":\"search-type\""), std::string::npos) << searches.body;
  ASSERT_FALSE(searches.next.empty());
  const auto rest = view(platform.request("GET", searches.next));
  ASSERT_EQ(rest.status, 200) << rest.body;
  std::set<std::string> all(searches.ids.begin(), searches.ids.end());
  all.insert(rest.ids.begin(), rest.ids.end());
  EXPECT_EQ(all.size(), searches.ids.size() + rest.ids.size()) << "no AuditEvent twice";
  EXPECT_GE(all.size(), 3u);
}

TEST_F(search_test, metadata_lists_each_search_parameter) {
  auto a = client("practice-a");
  const auto r = a.request("GET", "/fhir/metadata");
  ASSERT_EQ(r.status, 200);
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  std::map<std::string, std::set<std::string>> params;
  for (const auto& res : d["rest"][0]["resource"].GetArray()) {
    if (!res.HasMember("searchParam")) continue;
    for (const auto& p : res["searchParam"].GetArray()) params[res["type"].GetString()].insert(p["name"].GetString());
  }
  for (const char* p : {"identifier", "patient", "status", "requester", "_lastUpdated", "_count", "_sort"})
    EXPECT_TRUE(params["ServiceRequest"].count(p)) << p;
  for (const char* p : {"based-on", "status", "business-status", "owner", "_lastUpdated", "_count", "_sort"})
    EXPECT_TRUE(params["Task"].count(p)) << p;
  for (const char* p : {"entity", "date", "agent"}) EXPECT_TRUE(params["AuditEvent"].count(p)) << p;
  EXPECT_TRUE(params["DocumentReference"].count("related"));
  EXPECT_TRUE(params["Observation"].count("based-on"));
  EXPECT_TRUE(params["QuestionnaireResponse"].count("based-on"));
  EXPECT_NE(r.body.find("\"code\":\"search-type\""), std::string::npos);
}

}  // namespace
}  // namespace rg::testing
