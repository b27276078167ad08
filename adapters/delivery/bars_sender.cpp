#include "adapters/delivery/bars_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/conversation.hpp"
#include "adapters/bars/reply_message.hpp"
#include "adapters/delivery/bars_delivery_result.hpp"
#include "adapters/delivery/delivery_completion.hpp"
#include "fhir/json_parse.hpp"
#include "gateway/core/store_errc.hpp"

namespace gateway::delivery {
namespace asio = boost::asio;

namespace {

core::delivery_result permanent(std::string detail) {
  core::delivery_result r;
  r.what = core::delivery_result::kind::permanent_failure;
  r.detail = std::move(detail);
  return r;
}

core::delivery_result transient(std::string detail) {
  core::delivery_result r;
  r.what = core::delivery_result::kind::transient_failure;
  r.detail = std::move(detail);
  return r;
}

// Keeps the sender alive for as long as the delivery runs.
asio::awaitable<core::delivery_result> post_item(std::shared_ptr<bars_sender> sender, core::outbox_item item,
                                                 core::read_outcome conversation) {
  auto attempt = sender->post(std::move(item), std::move(conversation));  // outside the co_await (g++ 12, STYLE.md)
  co_return co_await std::move(attempt);
}

// The conversation read, then the attempt on a strand of the pool's executor.
struct conversation_read {
  std::shared_ptr<bars_sender> sender;
  asio::any_io_executor executor;
  core::outbox_item item;
  core::store_callback<core::delivery_result> done;

  void operator()(core::read_outcome conversation) {
    asio::co_spawn(asio::make_strand(executor), post_item(std::move(sender), std::move(item), std::move(conversation)),
                   delivery_completion{std::move(done)});
  }
};

}  // namespace

bars_sender::bars_sender(net::https_client_pool& pool, bars_sender_settings settings, net::client_tls_files tls,
                         resource_reader read)
    : pool_(pool), settings_(std::move(settings)), tls_(std::move(tls)), read_(std::move(read)) {}

void bars_sender::deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) {
  read_(std::string(bars::conversation_resource_type), bars::conversation_id(item.item.ordering_key),
        conversation_read{shared_from_this(), pool_.executor(), item.item, std::move(done)});
}

asio::awaitable<core::delivery_result> bars_sender::post(core::outbox_item item, core::read_outcome read) {
  if (!read) {
    if (read.error() == core::store_errc::not_found || read.error() == core::store_errc::gone)
      co_return permanent(
          "the referral has no BaRS conversation (it did not arrive by $process-message): no reply "
          "can be addressed");
    co_return transient("cannot read the referral's BaRS conversation: " + read.error().message());
  }
  if (read->owner_org != item.destination)
    co_return permanent("the BaRS conversation belongs to another organisation than the item's referrer");
  fhir::json_limits limits;
  limits.max_bytes = read->json.size() + 1;
  const auto stored = fhir::parse_json(read->json, limits);
  const auto origin = stored ? bars::read_conversation(*stored) : std::nullopt;
  if (!origin) co_return permanent("the stored BaRS conversation cannot be read");
  auto reply = bars::make_reply_request(item, *origin, settings_.routing, settings_.platform_ods);
  if (!reply) co_return permanent("not sent: " + reply.error().text());
  if (!bars::url_allowed(settings_.routing, reply->url))
    co_return permanent("the reply's URL is not one the referrer's configuration allows");
  auto parsed = net::parse_https_url(reply->url);
  if (auto* error = std::get_if<std::string>(&parsed)) co_return permanent("invalid URL: " + *error);
  const auto& url = std::get<net::https_url>(parsed);
  auto destination = pool_.destination(url, tls_);
  if (auto* error = std::get_if<std::string>(&destination)) co_return transient(*error);
  net::client_request request;
  request.method = "POST";
  request.content_type = "application/fhir+json";
  request.body = std::move(reply->body);
  request.headers = {{"Accept", "application/fhir+json"},
                     {std::string(bars::headers::request_id), reply->request_id},
                     {std::string(bars::headers::correlation_id), reply->correlation_id}};
  if (!reply->target_identifier.empty())
    request.headers.emplace_back(std::string(bars::headers::target_identifier), reply->target_identifier);
  auto exchange = pool_.send(std::get<std::shared_ptr<net::https_destination>>(std::move(destination)), url.target,
                             std::move(request));
  const net::client_result result = co_await std::move(exchange);
  co_return classify_bars_answer(result, reply->request_id, reply->correlation_id, std::chrono::system_clock::now());
}

}  // namespace gateway::delivery
