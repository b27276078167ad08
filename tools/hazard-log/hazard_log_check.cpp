#include "tools/hazard-log/hazard_log_check.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

namespace gateway::tools {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Cells of a markdown table row ("| a | b |"); empty when the line is not a row.
std::vector<std::string_view> cells_of(std::string_view line) {
  line = trim(line);
  if (line.size() < 2 || line.front() != '|') return {};
  line.remove_prefix(1);
  if (!line.empty() && line.back() == '|') line.remove_suffix(1);
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  bool in_code = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size() && line[i] == '`') in_code = !in_code;
    if (i == line.size() || (line[i] == '|' && !in_code && (i == 0 || line[i - 1] != '\\'))) {
      cells.push_back(trim(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  return cells;
}

bool is_separator_row(const std::vector<std::string_view>& cells) {
  return !cells.empty() && std::all_of(cells.begin(), cells.end(), [](std::string_view c) {
    return !c.empty() && c.find_first_not_of(":- ") == std::string_view::npos;
  });
}

std::vector<std::string> backticked(std::string_view cell) {
  std::vector<std::string> out;
  for (std::size_t open = cell.find('`'); open != std::string_view::npos; open = cell.find('`', open)) {
    const std::size_t close = cell.find('`', open + 1);
    if (close == std::string_view::npos) break;
    out.emplace_back(trim(cell.substr(open + 1, close - open - 1)));
    open = close + 1;
  }
  return out;
}

bool is_tests_header(std::string_view cell) {
  std::string lower(cell);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "tests" || lower == "**tests**";
}

}  // namespace

std::vector<hazard_control> controls_in_hazard_log(std::string_view markdown) {
  std::vector<hazard_control> controls;
  std::ptrdiff_t tests_column = -1;  // in the current table; -1 outside a table with a Tests column
  bool header_seen = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    const std::size_t end = std::min(markdown.find('\n', pos), markdown.size());
    const std::string_view line = markdown.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const auto cells = cells_of(line);
    if (cells.empty()) {  // a table ends at the first line that is not a row
      tests_column = -1;
      header_seen = false;
      if (end == markdown.size()) break;
      continue;
    }
    if (!header_seen) {
      header_seen = true;
      const auto it = std::find_if(cells.begin(), cells.end(), is_tests_header);
      tests_column = it == cells.end() ? -1 : it - cells.begin();
      continue;
    }
    if (tests_column < 0 || is_separator_row(cells)) continue;
    hazard_control control;
    control.label = std::string(cells.front());
    control.line = line_no;
    if (static_cast<std::size_t>(tests_column) < cells.size()) control.tests = backticked(cells[tests_column]);
    controls.push_back(std::move(control));
    if (end == markdown.size()) break;
  }
  return controls;
}

std::vector<std::string> duplicate_hazard_ids(std::string_view markdown) {
  std::vector<std::string> problems;
  std::map<std::string, int, std::less<>> first_line_of;
  int line_no = 0;
  for (std::size_t pos = 0; pos <= markdown.size();) {
    const std::size_t end = std::min(markdown.find('\n', pos), markdown.size());
    const std::string_view line = markdown.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.starts_with("## ")) continue;
    const std::string_view rest = trim(line.substr(3));
    const std::string id(rest.substr(0, rest.find(' ')));
    const auto [it, added] = first_line_of.emplace(id, line_no);
    if (!added) {
      problems.push_back("line " + std::to_string(line_no) + ": hazard id " + id + " is already used at line " +
                         std::to_string(it->second));
    }
  }
  return problems;
}

registered_tests parse_ctest_listing(std::string_view json) {
  registered_tests out;
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("tests") || !doc["tests"].IsArray()) {
    out.error = "not a ctest --show-only=json-v1 listing";
    return out;
  }
  for (const auto& test : doc["tests"].GetArray()) {
    if (!test.IsObject() || !test.HasMember("name") || !test["name"].IsString()) continue;
    bool disabled = false;
    if (test.HasMember("properties") && test["properties"].IsArray()) {
      for (const auto& p : test["properties"].GetArray()) {
        if (p.IsObject() && p.HasMember("name") && p["name"].IsString() &&
            std::string_view(p["name"].GetString()) == "DISABLED" && p.HasMember("value") && p["value"].IsBool())
          disabled = p["value"].GetBool();
      }
    }
    out.disabled_by_name[test["name"].GetString()] = disabled;
  }
  return out;
}

std::vector<std::string> check_hazard_log(const std::vector<hazard_control>& controls,
                                          const registered_tests& registered) {
  std::vector<std::string> problems;
  if (!registered.error.empty()) return {registered.error};
  if (controls.empty()) return {"the hazard log has no table with a Tests column"};
  for (const auto& control : controls) {
    const std::string label = control.label.size() > 60 ? control.label.substr(0, 57) + "..." : control.label;
    const std::string where = "line " + std::to_string(control.line) + " (" + label + ")";
    if (control.tests.empty()) problems.push_back(where + ": no test named for this control");
    for (const auto& name : control.tests) {
      const auto it = registered.disabled_by_name.find(name);
      if (it == registered.disabled_by_name.end())
        problems.push_back(where + ": test `" + name + "` is not registered with ctest (renamed or deleted?)");
      else if (it->second)
        problems.push_back(where + ": test `" + name + "` is disabled");
    }
  }
  return problems;
}

}  // namespace gateway::tools
