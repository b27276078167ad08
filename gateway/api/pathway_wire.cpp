#include "gateway/api/pathway_wire.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "gateway/core/json_write.hpp"

namespace gateway::api {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_cell(writer& w, const core::report_cell& cell) {
  if (const auto* s = std::get_if<std::string>(&cell)) {
    w.String(s->data(), static_cast<rapidjson::SizeType>(s->size()));
  } else if (const auto* n = std::get_if<std::int64_t>(&cell)) {
    w.Int64(*n);
  } else if (const auto* d = std::get_if<double>(&cell)) {
    w.Double(*d);
  } else {
    w.Null();
  }
}

std::string number_text(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", d);
  return buf;
}

void csv_field(std::string& out, const std::string& text) {
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                                         text[0] == '\t' || text[0] == '\r');
  const std::string value = formula ? "'" + text : text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string pathway_json(const pathway_envelope& envelope, std::span<const core::report_table> tables) {
  rapidjson::StringBuffer out;
  writer w(out);
  w.StartObject();
  core::json::key_string(w, "from", envelope.from);
  core::json::key_string(w, "to", envelope.to);
  core::json::key_string(w, "generated_at", envelope.generated_at);
  w.Key("truncated");
  w.Bool(envelope.truncated);
  w.Key("tables");
  w.StartArray();
  for (const auto& t : tables) {
    w.StartObject();
    core::json::key_string(w, "name", t.name);
    core::json::key_string(w, "title", t.title);
    w.Key("columns");
    w.StartArray();
    for (const auto& c : t.columns) w.String(c.data(), static_cast<rapidjson::SizeType>(c.size()));
    w.EndArray();
    w.Key("rows");
    w.StartArray();
    for (const auto& row : t.rows) {
      w.StartArray();
      for (const auto& cell : row) write_cell(w, cell);
      w.EndArray();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

std::string table_csv(const core::report_table& table) {
  std::string out;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (i > 0) out += ',';
    csv_field(out, table.columns[i]);
  }
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      const auto& cell = row[i];
      if (const auto* s = std::get_if<std::string>(&cell)) {
        csv_field(out, *s);
      } else if (const auto* n = std::get_if<std::int64_t>(&cell)) {
        out += std::to_string(*n);
      } else if (const auto* d = std::get_if<double>(&cell)) {
        out += number_text(*d);
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace gateway::api
