#include "adapters/delivery/hl7v2_delivery_result.hpp"

#include <gtest/gtest.h>

namespace gateway::delivery {
namespace {

using kind = core::delivery_result::kind;
using hl7v2::ack_code;

core::next_action decide(const core::delivery_result& r) {
  const core::retry_schedule schedule({}, [] { return 0.5; });
  return schedule.decide({1, std::chrono::system_clock::now()}, r, std::chrono::system_clock::now());
}

TEST(Hl7v2DeliveryResult, TheAckDecidesDeliveredRetryOrDead) {
  struct row {
    ack_code code;
    core::next_action::kind then;
  };
  for (const row& r :
       {row{ack_code::aa, core::next_action::kind::delivered}, row{ack_code::ca, core::next_action::kind::delivered},
        row{ack_code::ar, core::next_action::kind::retry}, row{ack_code::cr, core::next_action::kind::retry},
        row{ack_code::ae, core::next_action::kind::dead}, row{ack_code::ce, core::next_action::kind::dead}}) {
    const auto result = result_of_ack({r.code, "M1", "PID-3: unknown patient"}, "RRI^I12");
    EXPECT_EQ(decide(result).what, r.then) << to_string(r.code);
  }
}

TEST(Hl7v2DeliveryResult, AnAeKeepsTheErrTextForTheDeadLetter) {
  const auto r = result_of_ack({ack_code::ae, "M1", "PID-3: unknown patient"}, "ORU^R01");
  EXPECT_EQ(r.what, kind::permanent_failure);
  EXPECT_EQ(r.detail, "ORU^R01 answered AE: PID-3: unknown patient");
  EXPECT_NE(decide(r).error.find("PID-3: unknown patient"), std::string::npos);
}

TEST(Hl7v2DeliveryResult, TransportFailuresAreRetried) {
  using f = net::mllp_failure::kind;
  for (const f k : {f::timeout, f::connection_refused, f::connection_lost, f::tls_failure, f::resolve_failure,
                    f::bad_answer, f::unexpected_answer}) {
    const auto r = result_of_failure({k, "detail"});
    EXPECT_EQ(decide(r).what, core::next_action::kind::retry) << net::to_string(k);
    EXPECT_EQ(r.detail, "detail");
  }
  EXPECT_EQ(result_of_failure({f::timeout, ""}).what, kind::timeout);
}

}  // namespace
}  // namespace gateway::delivery
