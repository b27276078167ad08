#pragma once
// The gateway's configuration as immutable typed values, parsed and checked once at start-up
// (see config_loader.hpp). Share it read-only as std::shared_ptr<const gateway_config>.
//
// The JSON file mirrors these structs key for key; docs in README.md ("Configuration").
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/config/distinguished_name.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::config {

// Every choice of the file is an enum, typed once at load time (config_sections.cpp).
enum class client_auth_mode { require, optional };
enum class tls_version { tls1_2, tls1_3 };
enum class storage_engine { sqlite, postgres };
// "operator": the people who run the gateway; they reach only the /ops routes (outbox).
enum class caller_role { referrer, platform, operator_ };
// How a referrer receives its feedback: "none" (it polls GET /Task), "fhir-message" (a FHIR
// message Bundle POSTed to its endpoint), "bars" (BaRS servicerequest-response messages POSTed to
// its $process-message), "hl7v2" (RRI^I12 / ORU^R01 over MLLP to its endpoint).
enum class delivery_mode { none, fhir_message, bars, hl7v2 };
// How a feedback message carries the ServiceRequest: "reference" or "resource" (the whole).
enum class service_request_form { reference, resource };

// The configuration's own name of a delivery mode, for logs and metrics.
inline std::string_view to_string(delivery_mode mode) {
  switch (mode) {
    case delivery_mode::fhir_message:
      return "fhir-message";
    case delivery_mode::bars:
      return "bars";
    case delivery_mode::hl7v2:
      return "hl7v2";
    case delivery_mode::none:
      break;
  }
  return "none";
}

struct tls_settings {
  std::string cert;       // PEM certificate chain of this server
  std::string key;        // PEM private key
  std::string client_ca;  // PEM CA bundle that client certificates must chain to
  client_auth_mode client_auth = client_auth_mode::require;
  tls_version min_version = tls_version::tls1_2;  // "1.2" or "1.3"
};

struct https_listener {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;  // 0 = any free port, reported on stdout once listening
  std::string base_path = "/fhir";
  tls_settings tls;
};

struct ops_listener {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint16_t port = 9464;
};

struct limits_settings {
  std::size_t header_bytes = 16 * 1024;
  std::size_t body_bytes = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};  // first byte of a request to its last header byte
  std::chrono::milliseconds body_timeout{30'000};    // end of headers to end of body
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  std::size_t max_connections = 10'000;
};

struct runtime_settings {
  unsigned io_threads = 0;                           // 0 = one per core
  std::chrono::milliseconds shutdown_grace{10'000};  // SIGTERM: time allowed for in-flight requests
};

// One known client certificate. It matches by its issuer and subject distinguished names, both
// exactly (after RFC 4514 normalisation, distinguished_name.hpp), or by the SHA-256 fingerprint of
// the DER certificate (and then also by issuer and subject when they are given). Start-up refuses
// two callers that could match one certificate (check_gateway_config).
struct caller {
  std::string name;
  std::optional<distinguished_name> subject;  // with issuer; optional beside sha256
  std::optional<distinguished_name> issuer;
  std::string sha256;  // lower-case hex, no separators; empty when matched by names
  caller_role role = caller_role::referrer;
  std::string organization;  // ODS code
};

// Certificate revocation lists (PEM files, each may hold several CRLs), checked at every TLS
// handshake: client certificates on the FHIR listener and receivers' server certificates when the
// gateway delivers. Re-read on SIGHUP. With CRLs configured, a certificate whose issuer has no
// CRL here is refused (fail closed). Empty: no revocation checking (a warning at start-up).
struct revocation_settings {
  std::vector<std::string> crl_files;
};

// How long data is kept (README "Retention"). A background purger deletes, in bounded batches,
// delivered outbox items (their payloads carry patient data) once delivered longer than
// outbox_delivered, and AuditEvents older than audit. Pending and dead items are never purged.
struct retention_settings {
  unsigned outbox_delivered_days = 30;
  unsigned audit_days = 2922;  // 8 years; must be longer than outbox_delivered_days
  std::chrono::milliseconds purge_interval{600'000};
  std::size_t purge_batch = 500;  // rows deleted per transaction
};

struct storage_settings {
  storage_engine engine = storage_engine::sqlite;  // "sqlite" (embedded, one instance) | "postgres" (shared)
  std::string path = "var/gateway.db";             // sqlite: the database file
  std::string dsn;                                 // postgres: libpq connection string (required)
  std::string instance;  // postgres: this instance's name, unique and stable; default: host name
  unsigned read_connections = 2;
  std::size_t max_batch = 256;   // units of work per group commit
  std::size_t max_queue = 4096;  // waiting requests before 429
  std::chrono::milliseconds busy_timeout{5'000};
};

// The stepped-care platform: owner of every Task, receiver of triage events.
struct platform_settings {
  std::string organization = "PLT01";                  // ODS code
  std::string event_source = "urn:referral-gateway";   // CloudEvents "source"
  std::string events_jsonl = "var/events.jsonl";       // embedded sink: one CloudEvent per line
  std::string webhook;                                 // https URL the CloudEvents are POSTed to as well; empty = none
  std::size_t events_rotate_bytes = 64 * 1024 * 1024;  // the events file is rotated past this size
};

// Where a BaRS referrer's replies may go besides its endpoint (README "BaRS"): a message's
// MessageHeader.source.endpoint is used only when listed here, as an https URL (replies go there)
// or as a "system|value" target identifier (sent as NHSD-Target-Identifier).
struct referrer_bars_settings {
  std::vector<std::string> allowed_source_endpoints;
  std::string target_identifier;  // "system|value": NHSD-Target-Identifier of replies otherwise; "" = none
};

// How one referrer organisation receives status updates and outcome reports.
struct referrer_settings {
  std::string organization;  // ODS code, as in callers[].organization
  std::string name;          // for operators
  delivery_mode delivery = delivery_mode::none;
  // fhir-message, bars: https URL the message Bundle is POSTed to; hl7v2: mllp[s]://HOST:PORT
  std::string endpoint;
  std::string server_ca;  // CA for the endpoint's certificate; empty = delivery.server_ca
  service_request_form service_request = service_request_form::reference;
  referrer_bars_settings bars;
};

// BaRS $process-message (README "BaRS"): the service identifiers ("system|value", e.g.
// https://fhir.nhs.uk/Id/dos-service-id|2000072489) by which BaRS senders address this service,
// in NHSD-Target-Identifier and MessageHeader.destination.endpoint. Empty: no $process-message.
struct bars_settings {
  std::vector<std::string> service_identifiers;
};

// The gateway as an HTTPS client (feedback and webhooks): its own certificate (mTLS), trust and
// timeouts, and the retry policy of the outbox dispatcher.
struct delivery_settings {
  std::string client_cert;
  std::string client_key;
  std::string server_ca;
  std::chrono::milliseconds connect_timeout{5'000};
  // Not longer than runtime.shutdown_grace (10 s): a delivery in flight at SIGTERM can finish.
  std::chrono::milliseconds request_timeout{10'000};
  unsigned max_per_destination = 4;  // deliveries in flight per destination
  std::chrono::milliseconds retry_base{500};
  std::chrono::milliseconds retry_cap{300'000};
  unsigned max_attempts = 12;
  std::chrono::milliseconds max_age{86'400'000};
  // How long a fetched item stays leased to this instance (another instance takes it over after
  // that, if this one died). 0 = max(30 s, 2 x (connect + request timeout)); at least one attempt.
  std::chrono::milliseconds lease{0};
};

struct triage_settings {
  std::string rules;  // path of a rules file; empty = the embedded config/triage-rules.json
  // Service level: an urgent referral's Task not accepted within this raises referral.overdue,
  // again after each further period (issue 9 item 3). Always on: the reader refuses 0, since an
  // urgent referral left waiting unnoticed is a hazard (hazard log).
  std::chrono::milliseconds urgent_accept{14'400'000};
  // How often the check looks (the notice is late by at most this much).
  std::chrono::milliseconds overdue_check{60'000};
};

// A sender of HL7 v2 on a listener without TLS: its sending facility (MSH-4, first component)
// from one of these source addresses is the configured caller `caller` (callers[].name).
struct mllp_sender {
  std::string facility;
  std::vector<std::string> addresses;  // IP addresses, as the listener sees them
  std::string caller;
};

// The HL7 v2 front door: REF^I12 over MLLP (README "HL7 v2"). Off unless enabled. With tls (the
// default) the listener uses listen.tls's certificate, client CA and the CRLs, and the client
// certificate is the caller exactly as for HTTPS; without TLS, senders[] names who may send.
struct mllp_listener {
  bool enabled = false;
  std::string address = "127.0.0.1";
  std::uint16_t port = 2575;  // 0 = any free port, reported on stdout once listening ("mllp")
  bool tls = true;
  std::size_t max_frame_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};  // start of a frame to its end
  std::chrono::milliseconds idle_timeout{60'000};  // between frames
  std::chrono::milliseconds write_timeout{30'000};
  std::vector<mllp_sender> senders;
};

struct gateway_config {
  https_listener listen;
  ops_listener ops;
  mllp_listener mllp;
  limits_settings limits;
  runtime_settings runtime;
  telemetry::level log_level = telemetry::level::info;
  storage_settings storage;
  platform_settings platform;
  triage_settings triage;
  delivery_settings delivery;
  std::vector<referrer_settings> referrers;
  bars_settings bars;
  std::vector<caller> callers;
  revocation_settings revocation;
  retention_settings retention;
};

}  // namespace gateway::config
