#include "adapters/delivery/bars_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include <exception>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/reply_envelope.hpp"
#include "adapters/delivery/bars_delivery_result.hpp"

namespace gateway::delivery {
namespace asio = boost::asio;

namespace {

core::delivery_result permanent(std::string detail) {
  core::delivery_result r;
  r.what = core::delivery_result::kind::permanent_failure;
  r.detail = std::move(detail);
  return r;
}

struct deliver_completion {
  core::store_callback<core::delivery_result> done;

  void operator()(std::exception_ptr error, core::delivery_result result) {
    if (error) {
      result = core::delivery_result{};
      result.what = core::delivery_result::kind::transient_failure;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        result.detail = std::string("internal error: ") + e.what();
      } catch (...) {
        result.detail = "internal error";
      }
    }
    done(std::move(result));
  }
};

// Keeps the sender alive for as long as the delivery runs.
asio::awaitable<core::delivery_result> post_item(std::shared_ptr<bars_sender> sender, core::outbox_item item) {
  auto attempt = sender->post(std::move(item));  // built outside the co_await (g++ 12, STYLE.md)
  co_return co_await std::move(attempt);
}

}  // namespace

bars_sender::bars_sender(net::https_client_pool& pool, bars::referrer_routing routing, net::client_tls_files tls)
    : pool_(pool), routing_(std::move(routing)), tls_(std::move(tls)) {}

void bars_sender::deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) {
  asio::co_spawn(asio::make_strand(pool_.executor()), post_item(shared_from_this(), item.item),
                 deliver_completion{std::move(done)});
}

asio::awaitable<core::delivery_result> bars_sender::post(core::outbox_item item) {
  if (item.content_type != bars::envelope_content_type)
    co_return permanent("not a BaRS reply (content type " + item.content_type + ")");
  auto envelope = bars::read_envelope(item.payload);
  if (!envelope) co_return permanent("not a BaRS reply envelope");
  if (!bars::url_allowed(routing_, envelope->url))
    co_return permanent("the reply's URL is not one the referrer's configuration allows now");
  auto parsed = net::parse_https_url(envelope->url);
  if (auto* error = std::get_if<std::string>(&parsed)) co_return permanent("invalid URL: " + *error);
  const auto& url = std::get<net::https_url>(parsed);
  auto destination = pool_.destination(url, tls_);
  if (auto* error = std::get_if<std::string>(&destination)) {
    core::delivery_result r;
    r.what = core::delivery_result::kind::transient_failure;
    r.detail = *error;
    co_return r;
  }
  net::client_request request;
  request.method = "POST";
  request.content_type = "application/fhir+json";
  request.body = std::move(envelope->message);
  request.headers = {{"Accept", "application/fhir+json"},
                     {std::string(bars::headers::request_id), envelope->request_id},
                     {std::string(bars::headers::correlation_id), envelope->correlation_id}};
  if (!envelope->target_identifier.empty())
    request.headers.emplace_back(std::string(bars::headers::target_identifier), envelope->target_identifier);
  auto exchange = pool_.send(std::get<std::shared_ptr<net::https_destination>>(std::move(destination)), url.target,
                             std::move(request));
  const net::client_result result = co_await std::move(exchange);
  co_return classify_bars_answer(result, envelope->request_id, envelope->correlation_id,
                                 std::chrono::system_clock::now());
}

}  // namespace gateway::delivery
