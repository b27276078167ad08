#include "gateway/config/config_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace gateway::config {
namespace {

// Every rejection names the key (path) it concerns.
std::string first_error(std::string_view json, std::vector<override_setting> overrides = {}) {
  auto r = load_config_text(json, "test.json", overrides);
  auto* errors = std::get_if<config_errors>(&r);
  if (errors == nullptr || errors->empty()) return "(no error)";
  return errors->front().to_string();
}

std::vector<std::string> all_errors(std::string_view json) {
  auto r = load_config_text(json, "test.json", {});
  std::vector<std::string> out;
  if (auto* errors = std::get_if<config_errors>(&r)) {
    for (const auto& e : *errors) out.push_back(e.to_string());
  }
  return out;
}

// A configuration whose TLS files exist (this test file itself stands in for them).
std::string minimal(const std::string& extra = {}) {
  const std::string f = std::string(RG_SOURCE_DIR) + "/config/gateway.json";
  return R"({"listen":{"tls":{"cert":")" + f + R"(","key":")" + f + R"(","client_ca":")" + f + R"("}})" + extra + "}";
}

TEST(config_loader, minimal_configuration_takes_safe_defaults) {
  auto r = load_config_text(minimal(), "t", {});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r)) << first_error(minimal());
  const auto& c = *std::get<std::shared_ptr<const gateway_config>>(r);
  EXPECT_EQ(c.listen.port, 8443);
  EXPECT_EQ(c.limits.header_bytes, 16u * 1024);
  EXPECT_EQ(c.limits.body_bytes, 1024u * 1024);
  EXPECT_EQ(c.limits.header_timeout.count(), 10'000);
  EXPECT_EQ(c.limits.idle_timeout.count(), 60'000);
  EXPECT_EQ(c.listen.tls.client_auth, client_auth_mode::require);
  EXPECT_EQ(c.ops.address, "127.0.0.1");
  EXPECT_EQ(c.ops.port, 9464);
}

struct rejection {
  const char* name;
  std::string json;
  std::string expected;
};

void PrintTo(const rejection& r, std::ostream* os) {
  *os << r.name;
}

class config_rejections : public ::testing::TestWithParam<rejection> {};

TEST_P(config_rejections, names_the_key) {
  EXPECT_EQ(first_error(GetParam().json), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    each_path, config_rejections,
    ::testing::Values(
        rejection{"bad_json", "{", "test.json: invalid JSON at byte 1: Missing a name for object member."},
        rejection{"not_object", "[]", "test.json: the configuration must be a JSON object"},
        rejection{"unknown_top_key", minimal(R"(,"colour":1)"), "colour: unknown key"},
        rejection{"unknown_nested_key", minimal(R"(,"limits":{"speed":1})"), "limits.speed: unknown key"},
        rejection{"section_not_object", minimal(R"(,"ops":3)"), "ops: must be an object"},
        rejection{"port_type", minimal(R"(,"ops":{"port":"x"})"), "ops.port: must be a port number 0-65535"},
        rejection{"port_range", minimal(R"(,"ops":{"port":70000})"), "ops.port: must be a port number 0-65535"},
        rejection{"bool_type", minimal(R"(,"ops":{"enabled":"yes"})"), "ops.enabled: must be true or false"},
        rejection{"timeout_zero", minimal(R"(,"limits":{"idle_timeout_ms":0})"),
                  "limits.idle_timeout_ms: must be a positive number of milliseconds"},
        rejection{"size_min", minimal(R"(,"limits":{"body_bytes":10})"), "limits.body_bytes: must be at least 1024"},
        rejection{"choice", minimal(R"(,"log":{"level":"loud"})"),
                  R"(log.level: "loud" is not one of "debug", "info", "warn", "error")"},
        rejection{"storage_engine", minimal(R"(,"storage":{"engine":"oracle","path":"x"})"),
                  R"(storage.engine: "oracle" is not one of "sqlite", "postgres")"},
        rejection{"postgres_without_dsn", minimal(R"(,"storage":{"engine":"postgres"})"),
                  R"(storage.dsn: required when engine is "postgres" (a libpq connection string))"},
        rejection{"lease_shorter_than_an_attempt",
                  minimal(R"(,"delivery":{"connect_timeout_ms":1000,"request_timeout_ms":2000,"lease_ms":2500})"),
                  "delivery.lease_ms: must be at least connect_timeout_ms + request_timeout_ms (one attempt)"},
        rejection{"mllp_unknown_key", minimal(R"(,"mllp":{"enabled":true,"colour":1})"), "mllp.colour: unknown key"},
        rejection{"mllp_without_tls_nobody", minimal(R"(,"mllp":{"enabled":true,"tls":false})"),
                  "mllp.senders: must name at least one sender when mllp.tls is false"},
        rejection{
            "mllp_sender_address",
            minimal(
                R"(,"callers":[{"name":"c","sha256":")" + std::string(64, 'a') +
                R"(","role":"referrer","organization":"RXX01"}],"mllp":{"senders":[{"facility":"RXX01","addresses":["clinic.example"],"caller":"c"}]})"),
            R"(mllp.senders[0].addresses[0]: must be an IP address ("clinic.example" is not))"},
        rejection{"mllp_sender_caller",
                  minimal(R"(,"mllp":{"senders":[{"facility":"RXX01","addresses":["127.0.0.1"],"caller":"nobody"}]})"),
                  "mllp.senders[0].caller: names no caller (callers[].name)"},
        rejection{
            "mllp_sender_is_the_platform",
            minimal(
                R"(,"callers":[{"name":"p","sha256":")" + std::string(64, 'a') +
                R"(","role":"platform","organization":"PLT01"}],"mllp":{"senders":[{"facility":"P","addresses":["127.0.0.1"],"caller":"p"}]})"),
            "mllp.senders[0].caller: must name a referrer: only referrers send referrals"},
        rejection{"mllp_same_port_as_https", minimal(R"(,"mllp":{"enabled":true,"port":8443})"),
                  "mllp.port: must differ from listen.port"},
        rejection{"hl7v2_delivery_endpoint",
                  minimal(R"(,"referrers":[{"organization":"RXX01","delivery":"hl7v2","endpoint":"https://x"}])"),
                  R"(referrers[0].endpoint: must be an mllp:// or mllps:// URL when delivery is "hl7v2")"},
        rejection{"callers_type", minimal(R"(,"callers":{})"), "callers: must be an array"},
        rejection{
            "caller_role",
            minimal(R"(,"callers":[{"name":"a","subject":"CN=a","issuer":"CN=ca","role":"admin","organization":"X"}])"),
            R"(callers[0].role: "admin" is not one of "referrer", "platform", "operator")"},
        rejection{"caller_missing_org",
                  minimal(R"(,"callers":[{"name":"a","subject":"CN=a","issuer":"CN=ca","role":"platform"}])"),
                  "callers[0].organization: missing"},
        rejection{"caller_subject_without_issuer",
                  minimal(R"(,"callers":[{"name":"a","subject":"CN=a","role":"platform","organization":"X"}])"),
                  "callers[0].issuer: missing (a caller matched by name needs both its issuer and its subject)"},
        rejection{"caller_without_identity",
                  minimal(R"(,"callers":[{"name":"a","role":"platform","organization":"X"}])"),
                  R"(callers[0]: give "issuer" and "subject" (distinguished names), or "sha256")"},
        rejection{
            "caller_bad_subject",
            minimal(
                R"(,"callers":[{"name":"a","subject":"nonsense","issuer":"CN=ca","role":"platform","organization":"X"}])"),
            R"(callers[0].subject: "nonsense" has no '=' and value (RFC 4514, e.g. "CN=practice-a,OU=A81001,O=Example"))"},
        rejection{
            "caller_unknown_attribute_type",
            minimal(
                R"(,"callers":[{"name":"a","subject":"CN=a,Colour=blue","issuer":"CN=ca","role":"platform","organization":"X"}])"),
            R"(callers[0].subject: unknown attribute type "Colour" (use a dotted OID) (RFC 4514, e.g. "CN=practice-a,OU=A81001,O=Example"))"},
        rejection{"crl_not_found", minimal(R"(,"revocation":{"crl_files":["/nonexistent/ca.crl"]})"),
                  "revocation.crl_files[0]: file not found (/nonexistent/ca.crl)"},
        rejection{"crl_not_a_string", minimal(R"(,"revocation":{"crl_files":[3]})"),
                  "revocation.crl_files[0]: must be the path of a CRL file"},
        rejection{"audit_not_longer_than_outbox",
                  minimal(R"(,"retention":{"outbox_delivered_days":30,"audit_days":30})"),
                  "retention.audit_days: must be longer than retention.outbox_delivered_days (30): the audit trail "
                  "outlives the messages it records"},
        rejection{
            "rotate_too_small",
            minimal(
                R"(,"platform":{"organization":"P","event_source":"urn:x","events_jsonl":"e","events_rotate_bytes":100})"),
            "platform.events_rotate_bytes: must be at least 4096"},
        rejection{"overdue_check_too_often", minimal(R"(,"triage":{"overdue_check_ms":500})"),
                  "triage.overdue_check_ms: must be at least 1000"},
        rejection{"urgent_accept_off", minimal(R"(,"triage":{"urgent_accept_ms":0})"),
                  "triage.urgent_accept_ms: must be a positive number of milliseconds"},
        rejection{"caller_bad_sha",
                  minimal(R"(,"callers":[{"name":"a","sha256":"xyz","role":"platform","organization":"X"}])"),
                  "callers[0].sha256: must be 64 hex digits (SHA-256 of the DER certificate)"},
        rejection{
            "caller_unknown_key",
            minimal(
                R"(,"callers":[{"name":"a","subject":"CN=a","issuer":"CN=ca","role":"platform","organization":"X","x":1}])"),
            "callers[0].x: unknown key"},
        rejection{"missing_cert", R"({"listen":{"tls":{"key":"k","client_ca":"c"}}})", "listen.tls.cert: missing"},
        rejection{"cert_not_found",
                  R"({"listen":{"tls":{"cert":"/nonexistent/c.crt","key":")" RG_SOURCE_DIR
                  R"(/config/gateway.json","client_ca":")" RG_SOURCE_DIR R"(/config/gateway.json"}}})",
                  "listen.tls.cert: file not found (/nonexistent/c.crt)"},
        rejection{"base_path",
                  R"({"listen":{"base_path":"fhir/","tls":{"cert":")" RG_SOURCE_DIR
                  R"(/config/gateway.json","key":")" RG_SOURCE_DIR
                  R"(/config/gateway.json","client_ca":")" RG_SOURCE_DIR R"(/config/gateway.json"}}})",
                  "listen.base_path: must start with '/' and not end with '/'"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(config_loader, reports_every_problem_not_only_the_first) {
  const auto errors = all_errors(minimal(R"(,"ops":{"port":"x","enabled":3},"colour":1)"));
  EXPECT_EQ(errors.size(), 3u);
}

TEST(config_loader, duplicate_caller_names_are_refused) {
  EXPECT_EQ(first_error(minimal(
                R"(,"callers":[{"name":"a","subject":"CN=a","issuer":"CN=ca","role":"platform","organization":"X"},)"
                R"({"name":"a","subject":"CN=b","issuer":"CN=ca","role":"platform","organization":"Y"}])")),
            R"(callers[1].name: duplicate caller name "a")");
}

TEST(config_loader, the_ops_listener_binds_only_to_loopback) {
  for (const char* address : {"0.0.0.0", "::", "192.0.2.7", "gateway.example", "::ffff:10.0.0.1"}) {
    EXPECT_EQ(first_error(minimal(), {{"ops.address", address}}).rfind("ops.address: ", 0), 0u) << address;
  }
  for (const char* address : {"127.0.0.1", "127.3.4.5", "::1", "localhost", "::ffff:127.0.0.1"}) {
    EXPECT_EQ(first_error(minimal(), {{"ops.address", address}}), "(no error)") << address;
  }
  // Disabled, it binds nothing.
  EXPECT_EQ(first_error(minimal(), {{"ops.address", "0.0.0.0"}, {"ops.enabled", "false"}}), "(no error)");
}

TEST(config_loader, an_operator_is_a_caller_role) {
  auto r = load_config_text(
      minimal(R"(,"callers":[{"name":"op","subject":"CN=op","issuer":"CN=ca","role":"operator","organization":"X"}])"),
      "t", {});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r));
  EXPECT_EQ(std::get<std::shared_ptr<const gateway_config>>(r)->callers[0].role, caller_role::operator_);
}

TEST(config_loader, set_overrides_replace_values_and_create_objects) {
  auto r =
      load_config_text(minimal(), "t", {{"listen.port", "0"}, {"storage.path", "var/x.db"}, {"ops.enabled", "false"}});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r));
  const auto& c = *std::get<std::shared_ptr<const gateway_config>>(r);
  EXPECT_EQ(c.listen.port, 0);
  EXPECT_EQ(c.storage.path, "var/x.db");
  EXPECT_FALSE(c.ops.enabled);
}

TEST(config_loader, client_auth_mode_is_require_or_optional) {
  EXPECT_EQ(first_error(minimal(), {{"listen.tls.client_auth", "sometimes"}}),
            R"(listen.tls.client_auth: "sometimes" is not one of "require", "optional")");
}

TEST(config_loader, choices_are_read_into_their_enums) {
  const std::string f = std::string(RG_SOURCE_DIR) + "/config/gateway.json";  // stands in for PEM files
  const std::string json =
      minimal(R"(,"log":{"level":"warn"},"referrers":[{"organization":"A","delivery":"fhir-message",)"
              R"("endpoint":"https://a.test/fhir","service_request":"resource"},{"organization":"B"}],)"
              R"("callers":[{"name":"p","subject":"CN=p","issuer":"CN=ca","role":"platform","organization":"P"},)"
              R"({"name":"r","subject":"CN=r","issuer":"CN=ca","role":"referrer","organization":"A"}],)"
              R"("delivery":{"client_cert":")" +
              f + R"(","client_key":")" + f + R"(","server_ca":")" + f + R"("})");
  const std::vector<override_setting> tls13{{"listen.tls.min_version", "\"1.3\""}};  // "1.3" alone is a number
  auto r = load_config_text(json, "t", tls13);
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r)) << first_error(json, tls13);
  const auto& c = *std::get<std::shared_ptr<const gateway_config>>(r);
  EXPECT_EQ(c.listen.tls.min_version, tls_version::tls1_3);
  EXPECT_EQ(c.log_level, telemetry::level::warn);
  EXPECT_EQ(c.storage.engine, storage_engine::sqlite);
  EXPECT_EQ(c.referrers[0].delivery, delivery_mode::fhir_message);
  EXPECT_EQ(c.referrers[0].service_request, service_request_form::resource);
  EXPECT_EQ(c.referrers[1].delivery, delivery_mode::none) << "the default";
  EXPECT_EQ(c.referrers[1].service_request, service_request_form::reference) << "the default";
  EXPECT_EQ(c.callers[0].role, caller_role::platform);
  EXPECT_EQ(c.callers[1].role, caller_role::referrer);
  EXPECT_EQ(first_error(minimal(R"(,"callers":[{"name":"a","subject":"CN=a","issuer":"CN=ca","organization":"X"}])")),
            "callers[0].role: missing");
}

TEST(config_loader, set_override_of_an_unknown_key_names_it) {
  EXPECT_EQ(first_error(minimal(), {{"listen.tls.colour", "blue"}}), "listen.tls.colour: unknown key");
}

TEST(config_loader, set_override_into_an_array_element) {
  const std::string json =
      minimal(R"(,"callers":[{"name":"a","subject":"CN=a","issuer":"CN=ca","role":"platform","organization":"X"}])");
  auto r = load_config_text(json, "t", {{"callers.0.organization", "Y"}});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r));
  EXPECT_EQ(std::get<std::shared_ptr<const gateway_config>>(r)->callers[0].organization, "Y");
  EXPECT_EQ(first_error(json, {{"callers.5.organization", "Y"}}), "callers.5: --set: no such array element");
}

TEST(config_loader, parse_override_needs_an_equals_sign) {
  EXPECT_FALSE(parse_override("listen.port").has_value());
  EXPECT_FALSE(parse_override("=3").has_value());
  const auto o = parse_override("a.b=c=d");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->path, "a.b");
  EXPECT_EQ(o->value, "c=d");
}

TEST(config_loader, caller_names_are_parsed_into_normal_form) {
  auto r = load_config_text(
      minimal(
          R"(,"callers":[{"name":"a","subject":"cn=practice-a, OU = A81001,O=Acme\\, Ltd","issuer":"2.5.4.3=CA","role":"referrer","organization":"A81001"}])"),
      "t", {});
  ASSERT_TRUE(std::holds_alternative<std::shared_ptr<const gateway_config>>(r))
      << std::get<config_errors>(r).front().to_string();
  const auto& c = std::get<std::shared_ptr<const gateway_config>>(r)->callers[0];
  ASSERT_TRUE(c.subject && c.issuer);
  EXPECT_EQ(to_string(*c.subject), R"(CN=practice-a,OU=A81001,O=Acme\, Ltd)");
  EXPECT_EQ(to_string(*c.issuer), "CN=CA");
}

// Two callers that one certificate could match: refused, naming both keys.
std::string caller(const std::string& name, const std::string& identity) {
  return R"({"name":")" + name + R"(",)" + identity + R"(,"role":"referrer","organization":"A81001"})";
}
std::string callers_error(const std::vector<std::string>& callers) {
  std::string list;
  for (const auto& c : callers) list += (list.empty() ? "" : ",") + c;
  return first_error(minimal(R"(,"callers":[)" + list + "]"));
}
constexpr const char* names_a = R"("subject":"CN=practice-a,OU=A81001","issuer":"CN=Dev CA")";
constexpr const char* sha_1 = R"("sha256":"0101010101010101010101010101010101010101010101010101010101010101")";
constexpr const char* sha_2 = R"("sha256":"0202020202020202020202020202020202020202020202020202020202020202")";

TEST(config_loader, two_callers_with_the_same_issuer_and_subject_are_refused_even_when_written_differently) {
  EXPECT_EQ(callers_error({caller("a", names_a),
                           caller("b", R"("subject":"cn = practice-a,2.5.4.11=A81001","issuer":"CN=Dev CA")")}),
            R"(callers[1]: could match the same client certificate as callers[0] ("a"): the same issuer and subject )"
            R"(("CN=practice-a,OU=A81001"))");
}

TEST(config_loader, a_fingerprint_without_names_beside_callers_matched_by_name_is_refused) {
  EXPECT_EQ(
      callers_error({caller("a", names_a), caller("pinned", sha_1)}),
      R"(callers[1]: could match the same client certificate as callers[0] ("a"): the certificate pinned by )"
      R"(sha256 might carry the other's issuer and subject; give the pinned caller its "issuer" and "subject" too)");
}

TEST(config_loader, the_same_fingerprint_twice_is_refused) {
  EXPECT_EQ(callers_error({caller("a", sha_1), caller("b", sha_1)}),
            R"(callers[1]: could match the same client certificate as callers[0] ("a"): the same sha256)");
}

TEST(config_loader, a_pinned_caller_with_the_names_of_a_caller_matched_by_name_is_refused) {
  EXPECT_EQ(callers_error({caller("pinned", std::string(sha_1) + "," + names_a), caller("a", names_a)}),
            R"(callers[1]: could match the same client certificate as callers[0] ("pinned"): the same issuer and )"
            R"(subject ("CN=practice-a,OU=A81001"))");
}

TEST(config_loader, callers_that_no_certificate_could_both_match_are_accepted) {
  EXPECT_EQ(callers_error({caller("a", names_a),
                           caller("other-issuer", R"("subject":"CN=practice-a,OU=A81001","issuer":"CN=Other CA")"),
                           caller("extra-attribute", R"("subject":"CN=practice-a,OU=A81001,O=X","issuer":"CN=Dev CA")"),
                           caller("renewed-1", std::string(sha_1) + R"(,"subject":"CN=p","issuer":"CN=Dev CA")"),
                           caller("renewed-2", std::string(sha_2) + R"(,"subject":"CN=p","issuer":"CN=Dev CA")")}),
            "(no error)");
  EXPECT_EQ(callers_error({caller("a", sha_1), caller("b", sha_2)}), "(no error)");
}

TEST(config_loader, embedded_default_parses_and_maps_the_four_development_callers) {
  // File checks aside (certificates are made at run time), the embedded default is well formed.
  auto r = load_config_text(embedded_default_config(), "embedded", {});
  if (auto* errors = std::get_if<config_errors>(&r)) {
    for (const auto& e : *errors)
      EXPECT_TRUE(e.path.starts_with("listen.tls") || e.path.starts_with("revocation.crl_files")) << e.to_string();
  }
  EXPECT_NE(embedded_default_config().find("\"practice-a\""), std::string::npos);
  EXPECT_NE(embedded_default_config().find("\"platform\""), std::string::npos);
}

}  // namespace
}  // namespace gateway::config
