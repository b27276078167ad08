#pragma once
// The referral_port (referral_port.hpp) on the use-case services (gateway/app): a REF^I12's
// Bundle goes to the same referral-create service as a FHIR transaction Bundle - profile, access,
// triage, Patient, Task, event, audit and repeats all come from it - with the message's control id
// (MSH-10) claimed for the sending organisation in the same unit of work
// (app::referral_create_command::message_id), and a control id seen before is looked up through
// the same service. The service's refusals become submission outcomes here and only here: what
// the sender must fix is `refused` (AE); too busy, storage unavailable or a fault of ours is
// `not_now` (AR: nothing was stored, send it again).
//
// Thread safety: immutable after construction; the use cases start on the calling thread and are
// resumed on `executor` (the server's I/O threads) after each store call, never on a store
// thread; `done` runs there.
#include <boost/asio/any_io_executor.hpp>

#include <string>

#include "gateway/api/hl7v2/referral_port.hpp"
#include "gateway/app/task.hpp"

namespace gateway::app {
struct services;
}

namespace gateway::api::hl7v2 {

// The identifier system under which a sender's MSH-10 is claimed (owner: its organisation).
inline constexpr const char* message_control_id_system = "urn:referral-gateway:hl7v2:msh-10";

class service_referral_port final : public referral_port {
 public:
  // `base_url`: the FHIR base URL the gateway's resources are named under (request_meta).
  service_referral_port(const app::services& services, boost::asio::any_io_executor executor, std::string base_url);

  void find_message(std::string organisation, std::string control_id,
                    core::store_callback<message_lookup> done) override;
  void submit(referral_submission submission, core::store_callback<submission_outcome> done) override;
  void record(message_record record, core::store_callback<bool> done) override;

 private:
  class posting_resumer final : public app::resumer {
   public:
    explicit posting_resumer(boost::asio::any_io_executor executor) : executor_(std::move(executor)) {}
    void resume_later(std::coroutine_handle<> handle) override;

   private:
    boost::asio::any_io_executor executor_;
  };

  const app::services& services_;
  std::string base_url_;
  mutable posting_resumer resumer_;
};

}  // namespace gateway::api::hl7v2
