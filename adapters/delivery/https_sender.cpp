#include "adapters/delivery/https_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include "adapters/delivery/delivery_completion.hpp"
#include "adapters/delivery/http_delivery_result.hpp"

namespace gateway::delivery {
namespace asio = boost::asio;

namespace {

// Keeps the sender alive for as long as the delivery runs.
asio::awaitable<core::delivery_result> post_item(std::shared_ptr<https_sender> sender, core::outbox_item item) {
  // Arguments are built outside the co_await expression (g++ 12, see STYLE.md).
  auto attempt = sender->post(std::move(item));
  co_return co_await std::move(attempt);
}

}  // namespace

https_sender_result https_sender::create(net::https_client_pool& pool, std::string_view target_url,
                                         net::client_tls_files tls,
                                         std::vector<std::pair<std::string, std::string>> headers) {
  auto parsed = net::parse_https_url(target_url);
  if (auto* error = std::get_if<std::string>(&parsed)) return "invalid URL: " + *error;
  auto url = std::get<net::https_url>(std::move(parsed));
  auto destination = pool.destination(url, tls);
  if (auto* error = std::get_if<std::string>(&destination)) return *error;
  return std::make_shared<https_sender>(pool, std::get<std::shared_ptr<net::https_destination>>(std::move(destination)),
                                        std::move(url), std::move(headers));
}

https_sender::https_sender(net::https_client_pool& pool, std::shared_ptr<net::https_destination> destination,
                           net::https_url url, std::vector<std::pair<std::string, std::string>> headers)
    : pool_(pool), destination_(std::move(destination)), url_(std::move(url)), headers_(std::move(headers)) {}

void https_sender::deliver(const core::outbox_entry& item, core::store_callback<core::delivery_result> done) {
  // Each delivery runs on its own strand: the pool wakes waiting requests through their executor.
  asio::co_spawn(asio::make_strand(pool_.executor()), post_item(shared_from_this(), item.item),
                 delivery_completion{std::move(done)});
}

asio::awaitable<core::delivery_result> https_sender::post(core::outbox_item item) {
  net::client_request request;
  request.method = "POST";
  request.content_type = std::move(item.content_type);
  request.body = std::move(item.payload);
  request.headers = headers_;
  auto exchange = pool_.send(destination_, url_.target, std::move(request));
  const net::client_result result = co_await std::move(exchange);
  co_return to_delivery_result(result, std::chrono::system_clock::now());
}

}  // namespace gateway::delivery
