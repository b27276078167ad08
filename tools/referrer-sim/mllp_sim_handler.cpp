#include "tools/referrer-sim/mllp_sim_handler.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>

#include "adapters/hl7v2/ack_message.hpp"
#include "adapters/hl7v2/er7_parser.hpp"
#include "tools/referrer-sim/sim_handler.hpp"

namespace rg::referrer_sim {
namespace hl7v2 = gateway::hl7v2;
using gateway::net::mllp_answer;

namespace {

std::string ack_text(const hl7v2::answered_header& answered, hl7v2::ack_code code, std::string id,
                     std::vector<hl7v2::ack_problem> problems = {}) {
  hl7v2::ack_input in;
  in.answered = answered;
  in.code = code;
  in.control_id = std::move(id);
  in.timestamp = "20240101000000+0000";
  in.problems = std::move(problems);
  return hl7v2::build_ack(in);
}

std::string record_line(const hl7v2::message& m, const std::string& control_id, const std::string& text) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  w.Key("control_id");
  w.String(control_id.c_str(), static_cast<rapidjson::SizeType>(control_id.size()));
  const std::string type = std::string(m.header().raw(9, 1, 1)) + "^" + std::string(m.header().raw(9, 1, 2));
  w.Key("type");
  w.String(type.c_str(), static_cast<rapidjson::SizeType>(type.size()));
  w.Key("received_at_ms");
  w.Int64(unix_ms_now());
  w.Key("message");
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
  return {out.GetString(), out.GetSize()};
}

}  // namespace

std::string mllp_counters::json() const {
  return "{\"received\":" + std::to_string(received.load()) + ",\"accepted\":" + std::to_string(accepted.load()) +
         ",\"duplicates\":" + std::to_string(duplicates.load()) + ",\"refused\":" + std::to_string(refused.load()) +
         "}";
}

mllp_sim_handler::mllp_sim_handler(const sim_options& options, message_log& log, mllp_counters& counters)
    : options_(options), log_(log), counters_(counters) {}

boost::asio::awaitable<mllp_answer> mllp_sim_handler::handle(std::string message, gateway::net::mllp_context) {
  co_return answer(message);
}

mllp_answer mllp_sim_handler::answer(const std::string& text) {
  counters_.received.fetch_add(1);
  const std::string own_id = "SIM" + std::to_string(ack_id_.fetch_add(1) + 1);
  auto parsed = hl7v2::parse_er7(text);
  if (!parsed) {
    counters_.refused.fetch_add(1);
    const auto& e = parsed.error();
    return mllp_answer{ack_text(hl7v2::header_from_text(text), hl7v2::ack_code::ae, own_id,
                                {{e.at, hl7v2::hl7_error_code::data_type, e.problem}}),
                       false};
  }
  const hl7v2::answered_header answered = hl7v2::header_of(*parsed);
  const std::int64_t n = sequence_.fetch_add(1);
  const std::string mode = options_.ack_first < 0 || n < options_.ack_first ? options_.ack : "AA";
  if (mode != "AA") counters_.refused.fetch_add(1);
  if (mode == "silence") return mllp_answer{};
  if (mode == "garbage") return mllp_answer{"this is not an HL7 message", false};
  if (mode == "AE") {
    return mllp_answer{ack_text(answered, hl7v2::ack_code::ae, own_id,
                                {{hl7v2::location{"PID", 1, 3}, hl7v2::hl7_error_code::unknown_key,
                                  "simulated error: patient not known here"}}),
                       false};
  }
  if (mode == "AR") return mllp_answer{ack_text(answered, hl7v2::ack_code::ar, own_id), false};
  if (mode == "wrong-id") {
    hl7v2::answered_header other = answered;
    other.control_id = "NOT-" + answered.control_id;
    return mllp_answer{ack_text(other, hl7v2::ack_code::aa, own_id), false};
  }
  bool first_time = false;
  {
    std::lock_guard lock(seen_mutex_);
    first_time = seen_.insert(answered.control_id).second;
  }
  if (!first_time) {
    counters_.duplicates.fetch_add(1);
  } else if (!log_.append(record_line(*parsed, answered.control_id, text))) {
    std::lock_guard lock(seen_mutex_);
    seen_.erase(answered.control_id);
    return mllp_answer{ack_text(answered, hl7v2::ack_code::ar, own_id), false};
  } else {
    counters_.accepted.fetch_add(1);
  }
  return mllp_answer{ack_text(answered, hl7v2::ack_code::aa, own_id), false};
}

std::string mllp_sim_handler::malformed(std::string_view, std::string_view partial, const gateway::net::mllp_context&) {
  counters_.refused.fetch_add(1);
  const hl7v2::answered_header h = hl7v2::header_from_text(partial);
  if (h.control_id.empty()) return {};
  return ack_text(h, hl7v2::ack_code::ar, "SIM-FRAME");
}

}  // namespace rg::referrer_sim
