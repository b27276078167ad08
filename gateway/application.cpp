#include "gateway/application.hpp"

#include <fstream>
#include <sstream>
#include <variant>

#include "adapters/bars/target_identifier.hpp"
#include "fhir/model.hpp"
#include "gateway/api/bundle_route.hpp"
#include "gateway/api/ops_outbox_routes.hpp"
#include "gateway/api/ops_page_routes.hpp"
#include "gateway/api/ops_pathway_routes.hpp"
#include "gateway/api/outcome_routes.hpp"
#include "gateway/api/process_message_route.hpp"
#include "gateway/api/referral_create_route.hpp"
#include "gateway/api/referral_update_route.hpp"
#include "gateway/api/resource_read_routes.hpp"
#include "gateway/api/search_routes.hpp"
#include "gateway/api/task_update_route.hpp"
#include "gateway/api/validate_route.hpp"
#include "gateway/app/audit_path.hpp"
#include "gateway/app/services.hpp"
#include "gateway/app/time_ordered_uuid.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/store.hpp"
#include "gateway/core/triage_rules.hpp"
#include "gateway/net/server.hpp"
#include "gateway/outbox_service.hpp"
#include "gateway/retention/purger.hpp"
#include "gateway/service_level_timer.hpp"
#include "gateway/store_opening.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway {

struct application::parts {
  std::unique_ptr<core::store> store;
  std::unique_ptr<core::triage_rules> rules;
  std::unique_ptr<app::audit_path> audit;
  app::context context;
  std::unique_ptr<app::services> services;
  api::app_context api_context;
  std::unique_ptr<retention::purger> purger;           // declared after the store: goes first
  std::unique_ptr<outbox_service> outbox;              // likewise
  std::unique_ptr<service_level_timer> service_level;  // likewise (needs the services and the store)
};

application::application(const config::gateway_config& config, api::route_table& routes,
                         api::ops_route_table& ops_routes, api::ops_api& ops, telemetry::metrics& metrics)
    : config_(config),
      routes_(routes),
      ops_routes_(ops_routes),
      ops_(ops),
      metrics_(metrics),
      parts_(std::make_unique<parts>()) {}

application::~application() = default;

const app::services& application::services() const {
  return *parts_->services;
}

const app::context& application::use_case_context() const {
  return parts_->context;
}

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

retention::retention_policy retention_policy_from(const config::retention_settings& r) {
  retention::retention_policy p;
  p.outbox_delivered = std::chrono::hours(24) * r.outbox_delivered_days;
  p.audit = std::chrono::hours(24) * r.audit_days;
  p.batch_rows = r.purge_batch;
  p.interval = r.purge_interval;
  return p;
}

void collect_retention_metrics(const retention::purger& purger, std::string& out) {
  const retention::purge_totals t = purger.totals();
  out += "# HELP gateway_retention_purged_total Rows deleted by the retention purger, by kind.\n";
  out += "# TYPE gateway_retention_purged_total counter\n";
  out += "gateway_retention_purged_total{kind=\"outbox\"} " + std::to_string(t.outbox_deleted) + "\n";
  out += "gateway_retention_purged_total{kind=\"audit\"} " + std::to_string(t.audit_deleted) + "\n";
  out += "# HELP gateway_retention_failures_total Purge passes that ended on a storage error.\n";
  out += "# TYPE gateway_retention_failures_total counter\n";
  out += "gateway_retention_failures_total " + std::to_string(t.failures) + "\n";
}

void collect_store_metrics(const core::store& store, std::string& out) {
  const core::store_metrics m = store.metrics();
  out += "# HELP gateway_store_transactions_total Group-commit transactions made durable (one fsync each).\n";
  out += "# TYPE gateway_store_transactions_total counter\n";
  out += "gateway_store_transactions_total " + std::to_string(m.transactions_committed) + "\n";
  out += "# HELP gateway_store_units_committed_total Units of work committed.\n";
  out += "# TYPE gateway_store_units_committed_total counter\n";
  out += "gateway_store_units_committed_total " + std::to_string(m.units_committed) + "\n";
  out += "# HELP gateway_store_too_busy_total Requests refused because the store queue was full.\n";
  out += "# TYPE gateway_store_too_busy_total counter\n";
  out += "gateway_store_too_busy_total " + std::to_string(m.too_busy) + "\n";
  out += "# HELP gateway_store_write_queue_depth Units of work waiting for the writer.\n";
  out += "# TYPE gateway_store_write_queue_depth gauge\n";
  out += "gateway_store_write_queue_depth " + std::to_string(m.write_queue_depth) + "\n";
  out += "# HELP gateway_store_consecutive_failures Storage transactions failed since the last one that committed.\n";
  out += "# TYPE gateway_store_consecutive_failures gauge\n";
  out += "gateway_store_consecutive_failures " + std::to_string(m.consecutive_failures) + "\n";
}

}  // namespace

std::string application::start(net::server& server) {
  // Compile the FHIR definitions now rather than on the first request.
  (void)fhir::r4_model();
  // Triage rules: the configured file, else the embedded default.
  const std::string rules_text =
      config_.triage.rules.empty() ? std::string(core::embedded::triage_rules_json()) : read_text(config_.triage.rules);
  auto rules = core::load_triage_rules(rules_text);
  if (!rules) return "configuration: triage.rules: " + rules.error().text();
  parts_->rules = std::make_unique<core::triage_rules>(std::move(*rules));

  // Storage: open and migrate the configured engine.
  auto store = open_store(config_.storage);
  if (auto* problem = std::get_if<std::string>(&store)) return *problem;
  parts_->store = std::move(std::get<std::unique_ptr<core::store>>(store));

  // Access audits may hold at most half the store's queue, so reads never crowd out writes.
  parts_->audit = std::make_unique<app::audit_path>(std::max<std::size_t>(1, config_.storage.max_queue / 2));
  app::audit_path* audit = parts_->audit.get();
  metrics_.add_collector([audit](std::string& out) { audit->collect(out); });

  app::context& use_cases = parts_->context;
  use_cases.store = parts_->store.get();
  use_cases.audit = audit;
  use_cases.triage_rules = parts_->rules.get();
  use_cases.platform_org = config_.platform.organization;
  use_cases.event_source = config_.platform.event_source;
  for (const auto& r : config_.referrers) {
    // An HL7 v2 receiver gets the ServiceRequest (RF1-6: its own referral id) and the Patient (PID);
    // a BaRS reply carries the ServiceRequest (bars/reply_message.hpp).
    const bool v2 = r.delivery == config::delivery_mode::hl7v2;
    const bool bars = r.delivery == config::delivery_mode::bars;
    use_cases.referrers.push_back(
        {r.organization, r.endpoint, v2 || bars || r.service_request == config::service_request_form::resource, v2});
  }
  use_cases.new_id = &app::time_ordered_uuid;
  use_cases.now = [] { return std::chrono::system_clock::now(); };
  use_cases.urgent_accept_within = config_.triage.urgent_accept;
  parts_->services = std::make_unique<app::services>(use_cases);

  auto& ctx = parts_->api_context;
  ctx.store = parts_->store.get();
  ctx.app = &use_cases;
  ctx.services = parts_->services.get();
  ctx.json_limits.max_bytes = config_.limits.body_bytes;

  api::register_referral_create_route(routes_, ctx);
  api::register_bundle_route(routes_, ctx);
  for (const char* type : {"ServiceRequest", "Task", "Patient"}) api::register_resource_read_routes(routes_, ctx, type);
  // What a transaction stores beside the referral (outcome types are read by the outcome routes).
  for (const char* type : {"Practitioner", "PractitionerRole", "Organization", "Condition"})
    api::register_resource_read_routes(routes_, ctx, type);
  api::register_validate_routes(routes_, ctx);
  api::register_search_routes(routes_, ctx);
  api::register_referral_update_route(routes_, ctx);
  api::register_task_update_route(routes_, ctx);
  api::register_outcome_routes(routes_, ctx);
  std::vector<bars::target_identifier> bars_services;
  for (const auto& text : config_.bars.service_identifiers) {
    if (auto id = bars::parse_endpoint_identifier(text)) bars_services.push_back(std::move(*id));  // checked at load
  }
  api::register_process_message_route(routes_, ctx, std::move(bars_services));

  core::store* store_ptr = parts_->store.get();
  metrics_.add_collector([store_ptr](std::string& out) { collect_store_metrics(*store_ptr, out); });
  // Not ready while the storage cannot be reached or its latest transactions fail, whatever
  // succeeded before.
  ops_.add_readiness_check("storage", [store_ptr] {
    const auto m = store_ptr->metrics();
    if (!m.available) return std::string("storage unreachable");
    return m.consecutive_failures > 0
               ? "the last " + std::to_string(m.consecutive_failures) + " storage transactions failed"
               : std::string();
  });
  std::string problem;
  parts_->outbox = outbox_service::start(config_, *parts_->store, metrics_, server, problem);
  if (!parts_->outbox) return problem;
  api::register_outbox_routes(ops_routes_, *parts_->store);
  api::register_pathway_routes(ops_routes_, *parts_->store, config_.triage.urgent_accept);
  api::register_page_routes(ops_routes_);

  // Retention: delivered outbox items and old audit records are purged in the background.
  parts_->purger = std::make_unique<retention::purger>(*parts_->store, retention_policy_from(config_.retention));
  retention::purger* purger = parts_->purger.get();
  metrics_.add_collector([purger](std::string& out) { collect_retention_metrics(*purger, out); });
  parts_->purger->start();

  // Service level: urgent referrals not accepted in time raise referral.overdue (always on).
  parts_->service_level = service_level_timer::start(*parts_->services, config_.triage.overdue_check, metrics_);
  return {};
}

void application::stop() {
  parts_->service_level.reset();
  parts_->outbox.reset();
  parts_->purger.reset();
  parts_->store.reset();
}

}  // namespace gateway
