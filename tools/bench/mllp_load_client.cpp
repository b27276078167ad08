#include "tools/bench/mllp_load_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <thread>

#include "gateway/net/mllp_framing.hpp"
#include "tools/bench/tls_connection.hpp"

namespace rg::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

struct plan {
  const load_options* options;
  asio::ssl::context* tls;
  tcp::endpoint endpoint;
  clock_type::time_point measure_from;
  clock_type::time_point measure_until;
};

unsigned code_of(const std::string& ack) {
  const auto msa = ack.find("MSA|");
  if (msa == std::string::npos || msa + 6 > ack.size()) return 0;
  const std::string code = ack.substr(msa + 4, 2);
  return code == "AA" ? 200 : code == "AE" ? 400 : code == "AR" ? 503 : 0;
}

asio::awaitable<void> drive(const plan* p, unsigned index, connection_record* record) {
  const load_options& o = *p->options;
  auto executor = co_await asio::this_coro::executor;
  std::uint64_t sequence = 0;
  while (clock_type::now() < p->measure_until) {
    tls_stream stream(executor, *p->tls);
    if (const auto ec = co_await open_connection(stream, p->endpoint, o.target.tls, o.timeout)) {
      ++record->errors["connect: " + ec.message()];
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(tuple_awaitable);
      continue;
    }
    ++record->connects;
    gateway::net::mllp_decoder decoder(1024 * 1024);
    std::array<char, 4096> buffer;
    bool open = true;
    while (open && clock_type::now() < p->measure_until) {
      const std::string frame = gateway::net::mllp_frame(o.body->body(o.run_tag, index, sequence++));
      auto& tcp_layer = beast::get_lowest_layer(stream);
      const auto started = clock_type::now();
      tcp_layer.expires_after(o.timeout);
      auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(frame), tuple_awaitable);
      (void)written;
      if (write_ec) {
        ++record->errors["write: " + write_ec.message()];
        break;
      }
      std::vector<std::string> answers;
      while (answers.empty() && open) {
        auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(buffer), tuple_awaitable);
        if (read_ec) {
          ++record->errors["read: " + read_ec.message()];
          open = false;
        } else if (decoder.feed(std::string_view(buffer.data(), n), answers) && answers.empty()) {
          ++record->errors["read: not an MLLP frame"];
          open = false;
        }
      }
      if (answers.empty()) break;
      const auto finished = clock_type::now();
      if (finished >= p->measure_from && finished < p->measure_until) {
        record->latency_us.push_back(static_cast<std::uint32_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count()));
        ++record->statuses[code_of(answers.front())];
      }
    }
    co_await close_connection(stream);
  }
}

}  // namespace

std::vector<connection_record> run_mllp_load(const load_options& options, std::string& error) {
  if (options.body == nullptr) {
    error = "mllp needs --body FILE (a REF^I12 message) and --marker";
    return {};
  }
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
  const auto start = clock_type::now();
  const plan p{&options, tls.get(), tcp::endpoint(address, options.target.port), start + options.warmup,
               start + options.warmup + options.duration};
  for (unsigned i = 0; i < options.connections; ++i) {
    asio::co_spawn(asio::make_strand(ioc), drive(&p, i, &records[i]), asio::detached);
  }
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return records;
}

}  // namespace rg::bench
