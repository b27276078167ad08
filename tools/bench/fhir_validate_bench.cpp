// Validation budgets (issue 3): a typical 3 KB ServiceRequest under 20 us on one core, a
// transaction Bundle with six entries, and the start-up model load.
// Run: tools/bench/... see BENCHMARKS.md "## Validation".

#include <fstream>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "fhir/json_parse.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"

namespace {

std::string read(const std::string& rel) {
  std::ifstream in(std::string(RG_SOURCE_DIR) + "/tests/data/fhir/" + rel, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

rapidjson::Document must_parse(const std::string& body) {
  auto d = fhir::parse_json(body);
  if (!d) {
    std::fprintf(stderr, "bench input does not parse: %s\n", d.error().message.c_str());
    std::abort();
  }
  return std::move(*d);
}

void check_valid(const fhir::outcome& o, const char* what) {
  if (!o.ok()) {
    std::fprintf(stderr, "bench input %s is not valid: %s %s\n", what, o.issues[0].expression.c_str(),
                 o.issues[0].diagnostics.c_str());
    std::abort();
  }
}

void bm_validate_service_request(benchmark::State& state) {
  const std::string body = read("referral-servicerequest.json");
  const rapidjson::Document d = must_parse(body);
  const fhir::validator v;
  check_valid(v.validate(d), "ServiceRequest");
  for (auto _ : state) benchmark::DoNotOptimize(v.validate(d));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(bm_validate_service_request);

void bm_validate_referral_profile(benchmark::State& state) {
  const rapidjson::Document d = must_parse(read("referral-servicerequest.json"));
  check_valid(fhir::validate_referral(d), "referral");
  for (auto _ : state) benchmark::DoNotOptimize(fhir::validate_referral(d));
}
BENCHMARK(bm_validate_referral_profile);

void bm_parse_and_validate_service_request(benchmark::State& state) {
  const std::string body = read("referral-servicerequest.json");
  const fhir::validator v;
  for (auto _ : state) benchmark::DoNotOptimize(v.validate_json(body));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(bm_parse_and_validate_service_request);

void bm_validate_transaction_bundle(benchmark::State& state) {
  const std::string body = read("transaction-bundle-six-entries.json");
  const rapidjson::Document d = must_parse(body);
  const fhir::validator v;
  check_valid(v.validate(d), "transaction Bundle");
  for (auto _ : state) benchmark::DoNotOptimize(v.validate(d));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(bm_validate_transaction_bundle);

void bm_load_r4_model(benchmark::State& state) {
  for (auto _ : state) {
    auto m = fhir::load_model(fhir::embedded_r4_sources());
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(bm_load_r4_model)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
