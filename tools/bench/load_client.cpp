#include "tools/bench/load_client.hpp"

#include "tools/bench/tls_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace rg::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct load_plan {
  const load_options* options;
  ssl::context* tls;
  std::vector<tcp::endpoint> endpoints;  // connection i uses endpoints[i % size]
  clock_type::time_point measure_from;
  clock_type::time_point measure_until;
};

void note_error(connection_record& record, const char* step, const boost::system::error_code& ec) {
  ++record.errors[std::string(step) + ": " + ec.message()];
}

http::request<http::string_body> make_request(const load_options& o, unsigned index, std::uint64_t sequence) {
  const std::string& path = o.paths.empty() ? o.path : o.paths[(index + sequence) % o.paths.size()];
  http::request<http::string_body> request{http::string_to_verb(o.method), path, 11};
  request.set(http::field::host, o.target.tls.server_name);
  request.set(http::field::accept, "application/fhir+json");
  for (const auto& [name, value] : o.headers) request.set(name, value);
  if (o.body != nullptr) {
    request.set(http::field::content_type, "application/fhir+json");
    request.body() = o.body->body(o.run_tag, index, sequence);
  }
  request.keep_alive(true);
  request.prepare_payload();
  return request;
}

// One connection: requests back to back until the window closes; reconnects after an error.
asio::awaitable<void> drive_connection(const load_plan* plan, unsigned index, connection_record* record) {
  const load_options& o = *plan->options;
  auto executor = co_await asio::this_coro::executor;
  std::uint64_t sequence = 0;
  while (clock_type::now() < plan->measure_until) {
    tls_stream stream(executor, *plan->tls);
    const tcp::endpoint& endpoint = plan->endpoints[index % plan->endpoints.size()];
    if (const auto ec = co_await open_connection(stream, endpoint, o.target.tls, o.timeout)) {
      note_error(*record, "connect", ec);
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(tuple_awaitable);
      continue;
    }
    ++record->connects;
    beast::flat_buffer buffer;
    bool open = true;
    while (open && clock_type::now() < plan->measure_until) {
      auto request = make_request(o, index, sequence++);
      auto& tcp_layer = beast::get_lowest_layer(stream);
      const auto started = clock_type::now();
      tcp_layer.expires_after(o.timeout);
      auto [write_ec, written] = co_await http::async_write(stream, request, tuple_awaitable);
      (void)written;
      if (write_ec) {
        note_error(*record, "write", write_ec);
        break;
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      tcp_layer.expires_after(o.timeout);
      auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, tuple_awaitable);
      (void)read;
      const auto finished = clock_type::now();
      if (read_ec) {
        note_error(*record, "read", read_ec);
        break;
      }
      if (parser.get().result_int() / 100 == 2) ++record->answered_2xx_all;
      if (finished >= plan->measure_from && finished < plan->measure_until) {
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count();
        record->latency_us.push_back(static_cast<std::uint32_t>(us));
        ++record->statuses[parser.get().result_int()];
      }
      open = parser.get().keep_alive();
    }
    co_await close_connection(stream);
  }
}

void run_threads(asio::io_context& ioc, unsigned threads) {
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}

}  // namespace

std::vector<connection_record> run_load(const load_options& options, std::string& error) {
  auto tls = make_client_tls(options.target.tls, error);
  if (!tls) return {};
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.target.host, ec);
  if (ec) {
    error = "host " + options.target.host + " is not an IP address";
    return {};
  }
  const unsigned threads = options.threads == 0 ? 1 : options.threads;
  asio::io_context ioc(static_cast<int>(threads));
  std::vector<connection_record> records(options.connections);
  for (auto& r : records) r.latency_us.reserve(1 << 15);
  const auto start = clock_type::now();
  std::vector<tcp::endpoint> endpoints{tcp::endpoint(address, options.target.port)};
  for (const auto port : options.target.more_ports) endpoints.emplace_back(address, port);
  const load_plan plan{&options, tls.get(), std::move(endpoints), start + options.warmup,
                       start + options.warmup + options.duration};
  for (unsigned i = 0; i < options.connections; ++i) {
    asio::co_spawn(asio::make_strand(ioc), drive_connection(&plan, i, &records[i]), asio::detached);
  }
  run_threads(ioc, threads);
  return records;
}

namespace {

struct idle_plan {
  const idle_options* options;
  ssl::context* tls;
  tcp::endpoint endpoint;
  clock_type::time_point hold_until;
  std::atomic<unsigned> opened{0};
  std::atomic<unsigned> failed{0};
  std::mutex mutex;
  std::map<std::string, unsigned> failures;  // why, how many
};

void count_attempt(idle_plan& plan, const char* step, const boost::system::error_code& ec) {
  if (ec) {
    std::lock_guard lock(plan.mutex);
    ++plan.failures[std::string(step) + ": " + ec.message()];
  }
  (ec ? plan.failed : plan.opened).fetch_add(1);
  if (plan.opened.load() + plan.failed.load() == plan.options->connections) {
    std::lock_guard lock(plan.mutex);
    for (const auto& [why, n] : plan.failures) std::printf("idle failure: %s (%u)\n", why.c_str(), n);
    std::printf("idle opened=%u failed=%u\n", plan.opened.load(), plan.failed.load());
    std::fflush(stdout);
  }
}

// Connect, handshake and (optionally) one GET; null if any of it failed (counted).
asio::awaitable<std::unique_ptr<tls_stream>> open_idle_connection(idle_plan* plan) {
  const idle_options& o = *plan->options;
  auto stream = std::make_unique<tls_stream>(co_await asio::this_coro::executor, *plan->tls);
  if (const auto ec = co_await open_connection(*stream, plan->endpoint, o.target.tls, o.timeout)) {
    count_attempt(*plan, "connect", ec);
    co_return nullptr;
  }
  if (!o.first_request_path.empty()) {
    http::request<http::empty_body> request{http::verb::get, o.first_request_path, 11};
    request.set(http::field::host, o.target.tls.server_name);
    request.set(http::field::accept, "application/fhir+json");
    auto& tcp_layer = beast::get_lowest_layer(*stream);
    tcp_layer.expires_after(o.timeout);
    auto [write_ec, written] = co_await http::async_write(*stream, request, tuple_awaitable);
    (void)written;
    beast::flat_buffer buffer;
    http::response<http::string_body> answer;
    boost::system::error_code read_ec = write_ec;
    if (!write_ec) {
      auto [ec, read] = co_await http::async_read(*stream, buffer, answer, tuple_awaitable);
      (void)read;
      read_ec = ec;
    }
    tcp_layer.expires_never();
    if (read_ec || !answer.keep_alive()) {
      count_attempt(*plan, "first request", read_ec ? read_ec : make_error_code(http::error::end_of_stream));
      co_return nullptr;
    }
  }
  count_attempt(*plan, "", {});
  co_return stream;
}

asio::awaitable<void> hold_connection(idle_plan* plan, std::unique_ptr<tls_stream> stream) {
  asio::steady_timer hold(stream->get_executor(), plan->hold_until);
  co_await hold.async_wait(tuple_awaitable);
  co_await close_connection(*stream);
}

// Opens `count` connections one after another, each then held by a coroutine of its own. The
// lanes run side by side: a bounded number of handshakes at once keeps a slow client (one thread,
// a busy machine) from letting the server's handshake deadline pass on connections it has not
// got round to yet.
asio::awaitable<void> open_lane(idle_plan* plan, unsigned count) {
  for (unsigned i = 0; i < count; ++i) {
    auto stream = co_await open_idle_connection(plan);
    if (stream) {
      auto executor = stream->get_executor();
      asio::co_spawn(executor, hold_connection(plan, std::move(stream)), asio::detached);
    }
  }
}

}  // namespace

unsigned hold_idle(const idle_options& options, std::string& error) {
  auto tls = make_client_tls(options.target.tls, error);
  if (!tls) return 0;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.target.host, ec);
  if (ec) {
    error = "host " + options.target.host + " is not an IP address";
    return 0;
  }
  const unsigned threads = options.threads == 0 ? 1 : options.threads;
  asio::io_context ioc(static_cast<int>(threads));
  idle_plan plan{&options, tls.get(), tcp::endpoint(address, options.target.port), {}};
  plan.hold_until = clock_type::now() + options.hold;
  const unsigned lanes = std::min(options.connections, 16u);
  for (unsigned lane = 0; lane < lanes; ++lane) {
    const unsigned count = options.connections / lanes + (lane < options.connections % lanes ? 1 : 0);
    asio::co_spawn(asio::make_strand(ioc), open_lane(&plan, count), asio::detached);
  }
  run_threads(ioc, threads);
  return plan.opened.load();
}

}  // namespace rg::bench
