#pragma once
// What a use case answers when it does not do what was asked: a kind, which each front door maps
// to its wire in one place (gateway/api/refusal_answer.hpp: HTTP status + OperationOutcome; an
// HL7 v2 front door: an ACK code), and the issues saying why and where (the element at fault).
//
// The lower layers' errors become refusals here and only here: the store's (store_errc), the
// core's (core::error) and the validator's (fhir::outcome).
//
// Thread safety: plain values.
#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <string>
#include <string_view>

#include "fhir/outcome.hpp"
#include "gateway/core/error.hpp"

namespace gateway::app {

enum class refusal_kind {
  invalid,              // malformed or structurally wrong input (HTTP 400)
  unprocessable,        // well formed, but breaks the referral profile or a rule: a Task transition,
                        // an outcome for no referral, a change to a closed referral (422)
  forbidden,            // the caller's role may not do this at all (403)
  not_found,            // absent, or not the caller's to see: one answer for both, so nothing leaks (404)
  gone,                 // deleted (410)
  conflict,             // exists already, or in a state the change cannot apply to (409)
  precondition_failed,  // the version the caller named is no longer current (412)
  too_busy,             // the store is over its queue bound; nothing was applied (429)
  unavailable,          // storage failed; nothing was acknowledged (503)
  gateway_fault,        // our own bug, e.g. an invalid feedback message; nothing was stored (500)
};

std::string_view to_string(refusal_kind kind);

struct refusal {
  refusal_kind kind = refusal_kind::invalid;
  fhir::outcome details;  // at least one error issue

  static refusal single(refusal_kind kind, fhir::issue_code code, std::string diagnostics, std::string expression = {});
  // The first error issue's diagnostics (for logs and plain-text answers).
  const std::string& message() const;
};

template <class T>
using result = boost::system::result<T, refusal>;

// Found by ADL from result<T>::value(): reading a refused result unchecked is a programming error.
[[noreturn]] void throw_exception_from_error(const refusal& r, const boost::source_location& where);

// The store's errors as the FHIR API has always answered them.
refusal refusal_from_store(const boost::system::error_code& ec);
// The core's errors on untrusted input (each names its element).
refusal refusal_from_core(const core::error& e);
// A validator outcome (R4: invalid; the referral profile: unprocessable).
refusal refusal_from_validation(refusal_kind kind, fhir::outcome outcome);

}  // namespace gateway::app
