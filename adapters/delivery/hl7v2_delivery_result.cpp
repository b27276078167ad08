#include "adapters/delivery/hl7v2_delivery_result.hpp"

namespace gateway::delivery {

using kind = core::delivery_result::kind;

core::delivery_result delivered_result(const std::string& detail) {
  core::delivery_result r;
  r.what = kind::http_response;
  r.http_status = 200;
  r.detail = detail;
  return r;
}

core::delivery_result result_of_ack(const hl7v2::received_ack& ack, const std::string& message_kind) {
  using hl7v2::ack_code;
  if (ack.code == ack_code::aa || ack.code == ack_code::ca) return delivered_result(std::string(to_string(ack.code)));
  core::delivery_result r;
  const bool error = ack.code == ack_code::ae || ack.code == ack_code::ce;
  r.what = error ? kind::permanent_failure : kind::transient_failure;
  r.detail = message_kind;
  r.detail.append(" answered ").append(to_string(ack.code));
  if (!ack.error_text.empty()) r.detail.append(": ").append(ack.error_text);
  return r;
}

core::delivery_result result_of_failure(const net::mllp_failure& failure) {
  core::delivery_result r;
  r.detail = failure.detail;
  switch (failure.what) {
    case net::mllp_failure::kind::timeout:
      r.what = kind::timeout;
      break;
    case net::mllp_failure::kind::connection_refused:
      r.what = kind::connection_refused;
      break;
    case net::mllp_failure::kind::connection_lost:
      r.what = kind::connection_lost;
      break;
    case net::mllp_failure::kind::tls_failure:
      r.what = kind::tls_failure;
      break;
    case net::mllp_failure::kind::resolve_failure:
    case net::mllp_failure::kind::bad_answer:
    case net::mllp_failure::kind::unexpected_answer:
    case net::mllp_failure::kind::setup_failure:
      r.what = kind::transient_failure;
      break;
  }
  return r;
}

}  // namespace gateway::delivery
