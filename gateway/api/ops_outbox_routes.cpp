#include "gateway/api/ops_outbox_routes.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/beast/http/field.hpp>

#include <charconv>
#include <functional>

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/store_outbox.hpp"

namespace gateway::api {

using core::json::key_string;
namespace {

namespace http = boost::beast::http;
using writer = rapidjson::Writer<rapidjson::StringBuffer>;

net::http_response json_answer(unsigned status, const rapidjson::StringBuffer& body) {
  net::http_response res;
  res.result(status);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body().assign(body.GetString(), body.GetSize());
  return res;
}

// A refusal as the operator's JSON, with its status from the one refusal map (fhir_response.hpp).
net::http_response error_answer(app::refusal_kind kind, std::string_view message) {
  rapidjson::StringBuffer out;
  writer w(out);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return json_answer(http_status(kind), out);
}

// The outbox store's errors as operator refusals: invalid_request here means the item is
// delivered already, which no operator action can change (a conflict).
net::http_response store_error_answer(const boost::system::error_code& ec) {
  using app::refusal_kind;
  using core::store_errc;
  if (ec == store_errc::not_found) return error_answer(refusal_kind::not_found, "no such outbox item");
  if (ec == store_errc::invalid_request) return error_answer(refusal_kind::conflict, "the item is already delivered");
  if (ec == store_errc::too_busy) return error_answer(refusal_kind::too_busy, "store too busy, try again");
  return error_answer(refusal_kind::unavailable, "storage unavailable: " + ec.message());
}

void key_time(writer& w, const char* key, const std::optional<std::chrono::system_clock::time_point>& t) {
  w.Key(key);
  if (t) {
    const std::string text = core::format_instant(*t);
    w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  } else {
    w.Null();
  }
}

void write_entry(writer& w, const core::outbox_entry& e, bool with_payload) {
  w.StartObject();
  key_string(w, "id", e.item.id);
  w.Key("seq");
  w.Int64(e.seq);
  key_string(w, "channel", e.item.channel);
  key_string(w, "destination", e.item.destination);
  key_string(w, "ordering_key", e.item.ordering_key);
  key_string(w, "state", core::to_string(e.state));
  w.Key("attempts");
  w.Int(e.attempts);
  key_time(w, "created_at", e.created_at);
  // null when none is planned: not pending, or waiting behind a dead item of its key.
  const bool planned = e.state == core::outbox_state::pending && e.next_attempt_at < core::outbox_no_next_attempt;
  key_time(w, "next_attempt_at", planned ? std::optional(e.next_attempt_at) : std::nullopt);
  key_time(w, "leased_until", e.leased_until);
  key_time(w, "delivered_at", e.delivered_at);
  key_string(w, "last_error", e.last_error);
  key_string(w, "content_type", e.item.content_type);
  if (with_payload) key_string(w, "payload", e.item.payload);
  w.EndObject();
}

const std::string* query_value(const ops_request& r, std::string_view name) {
  for (const auto& q : r.query) {
    if (q.name == name) return &q.value;
  }
  return nullptr;
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

// Asio turns a lone error_code completion into an exception; carry it in a struct instead.
struct code_result {
  boost::system::error_code ec;
};
template <class Op>
struct code_op {
  Op op;
  void operator()(core::store_callback<code_result> done) {
    std::move(op)(core::store_callback<boost::system::error_code>(
        [done = std::move(done)](boost::system::error_code ec) mutable { done(code_result{ec}); }));
  }
};
template <class Op>
code_op<Op> make_code_op(Op op) {
  return code_op<Op>{std::move(op)};
}

class list_handler final : public ops_route_handler {
 public:
  explicit list_handler(core::outbox_store& store) : store_(store) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request& request) override {
    core::outbox_list_query query;
    for (const auto& q : request.query) {
      if (q.name != "state" && q.name != "channel" && q.name != "after" && q.name != "count") {
        co_return error_answer(app::refusal_kind::invalid,
                               "unknown parameter \"" + q.name + "\" (state, channel, after, count)");
      }
    }
    if (const auto* state = query_value(request, "state"); state != nullptr && !state->empty()) {
      query.state = core::parse_outbox_state(*state);
      if (!query.state) co_return error_answer(app::refusal_kind::invalid, "state must be pending, dead or delivered");
    }
    if (const auto* channel = query_value(request, "channel"); channel != nullptr && !channel->empty()) {
      query.channel = *channel;
    }
    if (const auto* after = query_value(request, "after"); after != nullptr && !after->empty()) {
      query.after_seq = parse_int(*after);
      if (!query.after_seq) co_return error_answer(app::refusal_kind::invalid, "after must be a sequence number");
    }
    if (const auto* count = query_value(request, "count"); count != nullptr && !count->empty()) {
      const auto n = parse_int(*count);
      if (!n || *n < 1 || *n > 1000) co_return error_answer(app::refusal_kind::invalid, "count must be 1..1000");
      query.count = static_cast<std::size_t>(*n);
    }
    const std::size_t wanted = query.count;
    auto run = std::bind_front(&core::outbox_store::list_outbox, &store_, std::move(query));
    core::outbox_entries_outcome page = co_await await_store<core::outbox_entries_outcome>(std::move(run));
    if (!page) co_return store_error_answer(page.error());
    rapidjson::StringBuffer out;
    writer w(out);
    w.StartObject();
    w.Key("items");
    w.StartArray();
    for (const auto& e : *page) write_entry(w, e, false);
    w.EndArray();
    w.Key("next_after");
    if (page->size() == wanted && !page->empty()) {
      w.Int64(page->back().seq);
    } else {
      w.Null();
    }
    w.EndObject();
    co_return json_answer(200, out);
  }

 private:
  core::outbox_store& store_;
};

class stats_handler final : public ops_route_handler {
 public:
  explicit stats_handler(core::outbox_store& store) : store_(store) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request&) override {
    auto run = std::bind_front(&core::outbox_store::outbox_counts, &store_);
    core::outbox_stats_outcome stats = co_await await_store<core::outbox_stats_outcome>(std::move(run));
    if (!stats) co_return store_error_answer(stats.error());
    rapidjson::StringBuffer out;
    writer w(out);
    w.StartObject();
    w.Key("pending");
    w.Int64(stats->pending);
    w.Key("dead");
    w.Int64(stats->dead);
    key_time(w, "oldest_pending_created_at", stats->oldest_pending_created_at);
    w.Key("oldest_pending_age_seconds");
    if (stats->oldest_pending_created_at) {
      const auto age = std::chrono::system_clock::now() - *stats->oldest_pending_created_at;
      w.Double(std::max(0.0, std::chrono::duration<double>(age).count()));
    } else {
      w.Null();
    }
    w.EndObject();
    co_return json_answer(200, out);
  }

 private:
  core::outbox_store& store_;
};

class show_handler final : public ops_route_handler {
 public:
  explicit show_handler(core::outbox_store& store) : store_(store) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request& request) override {
    auto run = std::bind_front(&core::outbox_store::show_outbox, &store_, request.path_params.at(0));
    core::outbox_entry_outcome entry = co_await await_store<core::outbox_entry_outcome>(std::move(run));
    if (!entry) co_return store_error_answer(entry.error());
    rapidjson::StringBuffer out;
    writer w(out);
    write_entry(w, *entry, true);
    co_return json_answer(200, out);
  }

 private:
  core::outbox_store& store_;
};

net::http_response changed_answer(const std::string& id, std::string_view state) {
  rapidjson::StringBuffer out;
  writer w(out);
  w.StartObject();
  key_string(w, "id", id);
  key_string(w, "state", state);
  w.EndObject();
  return json_answer(200, out);
}

class retry_handler final : public ops_route_handler {
 public:
  explicit retry_handler(core::outbox_store& store) : store_(store) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request& request) override {
    const std::string id = request.path_params.at(0);
    auto run =
        make_code_op(std::bind_front(&core::outbox_store::requeue, &store_, id, std::chrono::system_clock::now()));
    const code_result done = co_await await_store<code_result>(std::move(run));
    if (done.ec) co_return store_error_answer(done.ec);
    co_return changed_answer(id, "pending");
  }

 private:
  core::outbox_store& store_;
};

class park_handler final : public ops_route_handler {
 public:
  explicit park_handler(core::outbox_store& store) : store_(store) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request& request) override {
    const std::string id = request.path_params.at(0);
    auto run = make_code_op(
        std::bind_front(&core::outbox_store::park_dead, &store_, id, std::string("parked by an operator")));
    const code_result done = co_await await_store<code_result>(std::move(run));
    if (done.ec) co_return store_error_answer(done.ec);
    co_return changed_answer(id, "dead");
  }

 private:
  core::outbox_store& store_;
};

class retry_dead_handler final : public ops_route_handler {
 public:
  explicit retry_dead_handler(core::outbox_store& store) : store_(store) {}
  boost::asio::awaitable<net::http_response> handle(const ops_request&) override {
    auto run = std::bind_front(&core::outbox_store::requeue_all_dead, &store_, std::chrono::system_clock::now());
    boost::system::result<std::int64_t> n = co_await await_store<boost::system::result<std::int64_t>>(std::move(run));
    if (!n) co_return store_error_answer(n.error());
    rapidjson::StringBuffer out;
    writer w(out);
    w.StartObject();
    w.Key("requeued");
    w.Int64(*n);
    w.EndObject();
    co_return json_answer(200, out);
  }

 private:
  core::outbox_store& store_;
};

}  // namespace

void register_outbox_routes(ops_route_table& ops, core::outbox_store& store) {
  ops.add(http::verb::get, "/outbox", std::make_shared<list_handler>(store));
  ops.add(http::verb::get, "/outbox/stats", std::make_shared<stats_handler>(store));
  ops.add(http::verb::get, "/outbox/{id}", std::make_shared<show_handler>(store));
  ops.add(http::verb::post, "/outbox/{id}/retry", std::make_shared<retry_handler>(store));
  ops.add(http::verb::post, "/outbox/retry-dead", std::make_shared<retry_dead_handler>(store));
  ops.add(http::verb::post, "/outbox/{id}/park", std::make_shared<park_handler>(store));
}

}  // namespace gateway::api
