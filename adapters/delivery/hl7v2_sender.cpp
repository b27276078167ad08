#include "adapters/delivery/hl7v2_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/delivery/delivery_completion.hpp"
#include "adapters/delivery/hl7v2_delivery_result.hpp"
#include "adapters/hl7v2/ack_message.hpp"

namespace gateway::delivery {
namespace asio = boost::asio;

namespace {

// Accepts an answer only when it is an ACK for `control_id`; says why not in `why`.
struct ack_for {
  std::string control_id;
  std::shared_ptr<std::string> why;

  bool operator()(std::string_view answer) const {
    auto ack = hl7v2::read_ack(answer);
    if (!ack) {
      *why = "the answer is not an ACK (" + ack.error() + ")";
      return false;
    }
    if (ack->acknowledged_id != control_id) {
      *why = "an ACK for another message: MSA-2 is not this message's MSH-10 " + control_id;
      return false;
    }
    return true;
  }
};

asio::awaitable<core::delivery_result> send_item(std::shared_ptr<hl7v2_sender> sender, core::outbox_item item) {
  auto attempt = sender->send(std::move(item));  // built outside the co_await (g++ 12, STYLE.md)
  co_return co_await std::move(attempt);
}

}  // namespace

hl7v2_sender_result hl7v2_sender::create(asio::any_io_executor executor, std::string_view url,
                                         net::client_tls_files tls, net::mllp_client_options options,
                                         hl7v2::v2_feedback_settings settings) {
  auto parsed = net::parse_mllp_url(url);
  if (auto* e = std::get_if<std::string>(&parsed)) return "invalid MLLP URL: " + *e;
  auto endpoint = std::get<net::mllp_endpoint>(std::move(parsed));
  endpoint.tls_files = std::move(tls);
  auto client = net::mllp_client::create(std::move(executor), std::move(endpoint), options);
  if (auto* e = std::get_if<std::string>(&client)) return *e;
  return std::make_shared<hl7v2_sender>(std::get<std::shared_ptr<net::mllp_client>>(std::move(client)),
                                        std::move(settings));
}

hl7v2_sender::hl7v2_sender(std::shared_ptr<net::mllp_client> client, hl7v2::v2_feedback_settings settings)
    : client_(std::move(client)), settings_(std::move(settings)) {}

void hl7v2_sender::deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) {
  asio::co_spawn(asio::make_strand(client_->executor()), send_item(shared_from_this(), item.item),
                 delivery_completion{std::move(done)});
}

asio::awaitable<core::delivery_result> hl7v2_sender::send(core::outbox_item item) {
  auto messages = hl7v2::feedback_to_v2(item.payload, settings_);
  if (!messages) {
    core::delivery_result r;
    r.what = core::delivery_result::kind::permanent_failure;
    r.detail = "cannot write the feedback as HL7 v2: " + messages.error();
    co_return r;
  }
  std::string acknowledged;
  for (hl7v2::v2_outgoing& m : *messages) {
    auto why = std::make_shared<std::string>();
    net::mllp_answer_check check = ack_for{m.control_id, why};
    auto exchange = client_->exchange(std::move(m.er7), std::move(check));
    net::mllp_exchange_result answer = co_await std::move(exchange);
    if (auto* failure = std::get_if<net::mllp_failure>(&answer)) {
      if (failure->what == net::mllp_failure::kind::unexpected_answer && !why->empty()) failure->detail = *why;
      core::delivery_result r = result_of_failure(*failure);
      r.detail = m.kind + ": " + r.detail;
      co_return r;
    }
    const auto ack = hl7v2::read_ack(std::get<std::string>(answer));  // checked by ack_for
    core::delivery_result r = result_of_ack(*ack, m.kind);
    if (!core::is_delivered(r)) co_return r;
    if (!acknowledged.empty()) acknowledged += ", ";
    acknowledged += m.kind + " " + r.detail;
  }
  co_return delivered_result(acknowledged);
}

}  // namespace gateway::delivery
