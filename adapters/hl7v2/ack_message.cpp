#include "adapters/hl7v2/ack_message.hpp"

#include <algorithm>
#include <array>

#include "adapters/hl7v2/er7_charset.hpp"
#include "adapters/hl7v2/er7_parser.hpp"
#include "adapters/hl7v2/er7_writer.hpp"

namespace gateway::hl7v2 {
namespace {

constexpr std::array<std::string_view, 6> code_names = {"AA", "AE", "AR", "CA", "CE", "CR"};

// Plain text of a value for an answer: escapes resolved, nothing else.
std::string text_of(const message& m, std::string_view raw) {
  auto t = m.decode(raw);
  return t ? std::move(*t) : std::string();
}

// A positional number of up to four digits (ERR-2 sequence and field); 0 otherwise.
std::size_t small_number(std::string_view text) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string_view::npos) return 0;
  std::size_t n = 0;
  for (const char c : text) n = n * 10 + static_cast<std::size_t>(c - '0');
  return n;
}

}  // namespace

std::string_view to_string(ack_code c) {
  return code_names[static_cast<std::size_t>(c)];
}

std::optional<ack_code> ack_code_from(std::string_view text) {
  for (std::size_t i = 0; i < code_names.size(); ++i) {
    if (code_names[i] == text) return static_cast<ack_code>(i);
  }
  return std::nullopt;
}

std::string_view description(hl7_error_code code) {
  switch (code) {
    case hl7_error_code::segment_sequence:
      return "Segment sequence error";
    case hl7_error_code::required_field_missing:
      return "Required field missing";
    case hl7_error_code::data_type:
      return "Data type error";
    case hl7_error_code::table_value_not_found:
      return "Table value not found";
    case hl7_error_code::unsupported_message_type:
      return "Unsupported message type";
    case hl7_error_code::unsupported_event_code:
      return "Unsupported event code";
    case hl7_error_code::unsupported_processing_id:
      return "Unsupported processing id";
    case hl7_error_code::unsupported_version_id:
      return "Unsupported version id";
    case hl7_error_code::unknown_key:
      return "Unknown key identifier";
    case hl7_error_code::duplicate_key:
      return "Duplicate key identifier";
    case hl7_error_code::record_locked:
      return "Application record locked";
    case hl7_error_code::internal_error:
      return "Application internal error";
  }
  return "Application internal error";
}

answered_header header_of(const message& m) {
  const segment& msh = m.header();
  answered_header h;
  h.sending_application = text_of(m, msh.raw(3, 1, 1));
  h.sending_facility = text_of(m, msh.raw(4, 1, 1));
  h.receiving_application = text_of(m, msh.raw(5, 1, 1));
  h.receiving_facility = text_of(m, msh.raw(6, 1, 1));
  h.trigger = text_of(m, msh.raw(9, 1, 2));
  h.control_id = text_of(m, msh.raw(10, 1, 1));
  if (const auto p = text_of(m, msh.raw(11, 1, 1)); !p.empty()) h.processing_id = p;
  if (const auto v = text_of(m, msh.raw(12, 1, 1)); !v.empty()) h.version = v;
  return h;
}

answered_header header_from_text(std::string_view text) {
  answered_header h;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  while (!text.empty() && (text.front() == '\r' || text.front() == '\n')) text.remove_prefix(1);
  if (text.size() < 8 || !text.starts_with("MSH")) return h;
  const char field = text[3];
  const char component = text[4];
  const std::string_view line = text.substr(0, text.find_first_of("\r\n"));
  std::vector<std::string_view> fields;  // fields[k] = MSH-(k+2) for k >= 1
  std::size_t pos = 3;
  while (pos < line.size() && fields.size() < 13) {
    const std::size_t end = std::min(line.find(field, pos + 1), line.size());
    fields.push_back(line.substr(pos + 1, end - pos - 1));
    pos = end;
  }
  // Only printable ASCII without escapes is taken over; anything else stays empty.
  const auto plain = [&](std::size_t msh_field, std::size_t component_no = 1) -> std::string {
    if (msh_field < 2 || msh_field - 2 >= fields.size()) return {};
    std::string_view v = fields[msh_field - 2];
    for (std::size_t k = 1; k < component_no; ++k) {
      const std::size_t c = v.find(component);
      if (c == std::string_view::npos) return {};
      v.remove_prefix(c + 1);
    }
    v = v.substr(0, v.find(component));
    for (const char c : v) {
      if (c < 0x20 || c > 0x7E || c == text[6]) return {};
    }
    return std::string(v);
  };
  h.sending_application = plain(3);
  h.sending_facility = plain(4);
  h.receiving_application = plain(5);
  h.receiving_facility = plain(6);
  h.trigger = plain(9, 2);
  h.control_id = plain(10);
  if (auto p = plain(11); !p.empty()) h.processing_id = p;
  if (auto v = plain(12); !v.empty()) h.version = v;
  return h;
}

namespace {

// Whether any text the ACK carries is outside ASCII (the values are UTF-8: decoded from the
// message, whatever its MSH-18). An ACK without MSH-18 is ASCII, so such an ACK must declare
// UTF-8, or the sender could not read the answer (and MSA-2 must echo MSH-10 exactly).
bool needs_utf8(const ack_input& in) {
  const answered_header& a = in.answered;
  const auto wide = [](std::string_view v) { return first_invalid_byte(v, charset::ascii).has_value(); };
  for (const std::string* v :
       {&a.sending_application, &a.sending_facility, &a.receiving_application, &a.receiving_facility, &a.trigger,
        &a.control_id, &a.processing_id, &a.version, &in.control_id, &in.timestamp})
    if (wide(*v)) return true;
  return std::any_of(in.problems.begin(), in.problems.end(), [&](const ack_problem& p) { return wide(p.text); });
}

}  // namespace

std::string build_ack(const ack_input& in) {
  const answered_header& a = in.answered;
  message_builder b;
  segment_builder& msh = b.add("MSH");
  if (needs_utf8(in)) msh.set(18, std::string(msh18_name(charset::utf8)));
  msh.set(3, a.receiving_application.empty() ? "REFERRAL-GATEWAY" : a.receiving_application);
  msh.set(4, a.receiving_facility);
  msh.set(5, a.sending_application);
  msh.set(6, a.sending_facility);
  msh.set(7, in.timestamp);
  msh.set(9, 1, "ACK");
  msh.set(9, 2, a.trigger);
  msh.set(9, 3, "ACK");
  msh.set(10, in.control_id);
  msh.set(11, a.processing_id);
  msh.set(12, a.version);

  segment_builder& msa = b.add("MSA");
  msa.set(1, to_string(in.code));
  msa.set(2, a.control_id);
  if (!in.problems.empty()) msa.set(3, in.problems.front().text);

  for (const ack_problem& p : in.problems) {
    segment_builder& err = b.add("ERR");
    const std::string code = std::to_string(static_cast<int>(p.code));
    // ERR-1 (ELD, v2.3/2.4): segment id ^ sequence ^ field ^ code&text&HL70357
    if (!p.at.segment.empty()) {
      err.set(1, 1, p.at.segment);
      err.set(1, 2, std::to_string(p.at.sequence));
      if (p.at.field > 0) err.set(1, 3, std::to_string(p.at.field));
    }
    err.set(1, 1, 4, 1, code).set(1, 1, 4, 2, description(p.code)).set(1, 1, 4, 3, "HL70357");
    // ERR-2 (ERL, v2.5+): segment ^ sequence ^ field ^ repetition ^ component ^ subcomponent
    if (!p.at.segment.empty()) {
      err.set(2, 1, p.at.segment);
      err.set(2, 2, std::to_string(p.at.sequence));
      if (p.at.field > 0) err.set(2, 3, std::to_string(p.at.field));
      if (p.at.field > 0) err.set(2, 4, std::to_string(std::max<std::size_t>(p.at.repetition, 1)));
      if (p.at.component > 0) err.set(2, 5, std::to_string(p.at.component));
      if (p.at.subcomponent > 0) err.set(2, 6, std::to_string(p.at.subcomponent));
    }
    err.set(3, 1, code).set(3, 2, description(p.code)).set(3, 3, "HL70357");
    err.set(4, "E");
    err.set(8, p.text);
  }
  return b.write();
}

boost::system::result<received_ack, std::string> read_ack(std::string_view reply) {
  auto parsed = parse_er7(reply);
  if (!parsed) return "the answer is not an HL7 v2 message: " + parsed.error().text();
  const message& m = *parsed;
  const segment* msa = m.find("MSA");
  if (msa == nullptr) return std::string("the answer has no MSA segment");
  const auto code = ack_code_from(msa->raw(1, 1, 1));
  if (!code) return std::string("MSA-1 is not an acknowledgement code (AA, AE, AR, CA, CE, CR)");
  received_ack out;
  out.code = *code;
  out.acknowledged_id = text_of(m, msa->raw(2, 1, 1));
  for (std::size_t k = 1; const segment* err = m.find("ERR", k); ++k) {
    std::string t = text_of(m, err->raw(8));
    if (t.empty()) t = text_of(m, err->raw(3, 1, 2));
    if (t.empty()) t = text_of(m, err->raw(1, 1, 4, 2));
    if (t.empty()) continue;
    location at;
    at.segment = text_of(m, err->raw(2, 1, 1));
    const std::string sequence = text_of(m, err->raw(2, 1, 2));
    const std::string field = text_of(m, err->raw(2, 1, 3));
    at.sequence = std::max<std::size_t>(small_number(sequence), 1);
    at.field = small_number(field);
    if (!out.error_text.empty()) out.error_text += "; ";
    if (!at.segment.empty()) out.error_text += to_string(at) + ": ";
    out.error_text += t;
  }
  if (out.error_text.empty()) out.error_text = text_of(m, msa->raw(3));
  return out;
}

}  // namespace gateway::hl7v2
