#include "tools/bench/feedback_client.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tools/bench/tls_connection.hpp"

namespace rg::bench {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
using answer = http::response<http::string_body>;

struct feedback_plan {
  const feedback_options* options;
  asio::ssl::context* referrer_tls;
  asio::ssl::context* platform_tls;
  tcp::endpoint endpoint;
  std::atomic<unsigned> next{0};
  std::atomic<std::uint64_t> made{0};
  std::atomic<std::uint64_t> failed{0};
  std::mutex mutex;
  std::string first_failure;
};

void fail(feedback_plan& plan, const std::string& why) {
  plan.failed.fetch_add(1);
  const std::lock_guard lock(plan.mutex);
  if (plan.first_failure.empty()) plan.first_failure = why;
}

// One request and its answer on a keep-alive connection; nullopt on a transport error. The request
// is the caller's named local (g++ 12: no non-trivial temporaries inside a co_await expression).
asio::awaitable<std::optional<answer>> exchange(tls_stream& stream, beast::flat_buffer& buffer,
                                                http::request<http::string_body>& request,
                                                std::chrono::milliseconds timeout) {
  request.set(http::field::host, "localhost");
  request.set(http::field::accept, "application/fhir+json");
  if (!request.body().empty()) request.set(http::field::content_type, "application/fhir+json");
  request.keep_alive(true);
  request.prepare_payload();
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(timeout);
  auto [write_ec, written] = co_await http::async_write(stream, request, tuple_awaitable);
  (void)written;
  if (write_ec) co_return std::nullopt;
  answer response;
  auto [read_ec, read] = co_await http::async_read(stream, buffer, response, tuple_awaitable);
  (void)read;
  tcp_layer.expires_never();
  if (read_ec) co_return std::nullopt;
  co_return response;
}

std::string string_member(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return {};
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? std::string(it->value.GetString()) : std::string();
}

// The Task of a searchset Bundle's first entry, made ready to PUT back with status=received:
// {id, version, body}; nullopt when the Bundle has no Task.
struct task_edit {
  std::string id, version, body;
};
std::optional<task_edit> received_task(const std::string& bundle_json) {
  rapidjson::Document bundle;
  bundle.Parse(bundle_json.c_str());
  if (bundle.HasParseError() || !bundle.IsObject() || !bundle.HasMember("entry") || !bundle["entry"].IsArray() ||
      bundle["entry"].Empty()) {
    return std::nullopt;
  }
  rapidjson::Value& task = bundle["entry"][0]["resource"];
  task_edit edit{string_member(task, "id"), {}, {}};
  if (task.HasMember("meta")) {
    edit.version = string_member(task["meta"], "versionId");
    task.RemoveMember("meta");
  }
  if (!task.HasMember("status")) return std::nullopt;
  task["status"].SetString("received");
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  task.Accept(writer);
  edit.body = out.GetString();
  return edit;
}

asio::awaitable<void> feedback_worker(feedback_plan* plan, unsigned index) {
  const feedback_options& o = *plan->options;
  auto executor = co_await asio::this_coro::executor;
  tls_stream referrer(executor, *plan->referrer_tls);
  tls_stream platform(executor, *plan->platform_tls);
  if (const auto ec = co_await open_connection(referrer, plan->endpoint, o.referrer.tls, o.timeout)) {
    fail(*plan, "connect as referrer: " + ec.message());
    co_return;
  }
  if (const auto ec = co_await open_connection(platform, plan->endpoint, o.platform.tls, o.timeout)) {
    fail(*plan, "connect as platform: " + ec.message());
    co_return;
  }
  beast::flat_buffer referrer_buffer, platform_buffer;
  for (std::uint64_t sequence = 0; plan->next.fetch_add(1) < o.count; ++sequence) {
    http::request<http::string_body> post{http::verb::post, "/fhir/ServiceRequest", 11};
    post.body() = o.referral->body(o.run_tag, index, sequence);
    auto created = co_await exchange(referrer, referrer_buffer, post, o.timeout);
    if (!created || created->result_int() != 201) {
      fail(*plan, created ? "POST answered " + std::to_string(created->result_int()) : "POST failed");
      if (!created) co_return;
      continue;
    }
    rapidjson::Document sr;
    sr.Parse(created->body().c_str());
    const std::string sr_id = sr.HasParseError() ? std::string() : string_member(sr, "id");
    http::request<http::string_body> search{http::verb::get, "/fhir/Task?based-on=ServiceRequest/" + sr_id, 11};
    auto found = co_await exchange(platform, platform_buffer, search, o.timeout);
    if (!found) {
      fail(*plan, "Task search failed");
      co_return;
    }
    auto task = received_task(found->body());
    if (found->result_int() != 200 || !task) {
      fail(*plan, "Task search answered " + std::to_string(found->result_int()));
      continue;
    }
    http::request<http::string_body> put{http::verb::put, "/fhir/Task/" + task->id, 11};
    put.set(http::field::if_match, "W/\"" + task->version + "\"");
    put.body() = std::move(task->body);
    auto updated = co_await exchange(platform, platform_buffer, put, o.timeout);
    if (!updated) {
      fail(*plan, "PUT failed");
      co_return;
    }
    if (updated->result_int() != 200) {
      fail(*plan,
           "PUT /Task answered " + std::to_string(updated->result_int()) + ": " + updated->body().substr(0, 300));
      continue;
    }
    plan->made.fetch_add(1);
  }
  co_await close_connection(referrer);
  co_await close_connection(platform);
}

}  // namespace

feedback_result make_feedback(const feedback_options& options, std::string& error) {
  auto referrer_tls = make_client_tls(options.referrer.tls, error);
  if (!referrer_tls) return {};
  auto platform_tls = make_client_tls(options.platform.tls, error);
  if (!platform_tls) return {};
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options.referrer.host, ec);
  if (ec) {
    error = "host " + options.referrer.host + " is not an IP address";
    return {};
  }
  const unsigned threads = options.threads == 0 ? 1 : options.threads;
  asio::io_context ioc(static_cast<int>(threads));
  feedback_plan plan{&options, referrer_tls.get(), platform_tls.get(), tcp::endpoint(address, options.referrer.port)};
  const auto start = std::chrono::steady_clock::now();
  for (unsigned i = 0; i < options.connections; ++i) {
    asio::co_spawn(asio::make_strand(ioc), feedback_worker(&plan, i), asio::detached);
  }
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  feedback_result result;
  result.made = plan.made.load();
  result.failed = plan.failed.load();
  result.first_failure = plan.first_failure;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace rg::bench
