#include "tests/unit/app/use_case_fixture.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "fhir/json_view.hpp"

namespace gateway::app::testing {

std::string data_file(const std::string& relative) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/tests/data/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open tests/data/" + relative);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) throw std::runtime_error("bad JSON in a test");
  return doc;
}

rapidjson::Document referral(const std::string& number) {
  std::string text = data_file("core/servicerequest-contained.json");
  const std::string from = "REF-2024-0001";
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("the referral fixture changed");
  text.replace(at, from.size(), number);
  return parse(text);
}

use_case_test::use_case_test() : rules(core::load_triage_rules(core::embedded::triage_rules_json()).value()) {
  ctx.store = &store;
  ctx.triage_rules = &rules;
  ctx.platform_org = "PLT01";
  ctx.event_source = "urn:referral-gateway:test";
  ctx.referrers = {{"A81001", "https://practice-a.test/fhir/$process-message", false}};
  ctx.new_id = [this] {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012llu", static_cast<unsigned long long>(++next_id_));
    return std::string(id);
  };
  ctx.now = [] {
    using namespace std::chrono;
    return sys_days{year{2024} / June / 3} + hours{9};
  };
  use_cases = std::make_unique<services>(ctx);
}

referral_created use_case_test::create_referral(const rapidjson::Value& document) {
  auto done = run(use_cases->referral_create.create({practice_a, meta, standalone_referral{&document}, {}}));
  if (!done) throw std::runtime_error("the referral was refused: " + done.error().message());
  return std::move(*done);
}

core::resource_record use_case_test::task_of(const std::string& service_request_id) const {
  for (const auto& t : store.current("Task")) {
    const rapidjson::Document task = parse(t.json);
    for (const auto& ref : fhir::json::each(task, "basedOn")) {
      if (fhir::json::string_member(ref, "reference") == "ServiceRequest/" + service_request_id) return t;
    }
  }
  throw std::runtime_error("no Task for ServiceRequest/" + service_request_id);
}

std::size_t use_case_test::outbox_count(const std::string& channel) const {
  std::size_t n = 0;
  for (const auto& item : store.outbox()) n += item.channel == channel ? 1 : 0;
  return n;
}

}  // namespace gateway::app::testing
