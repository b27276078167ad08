#include "gateway/api/content_negotiation.hpp"

#include <boost/beast/core/string.hpp>

#include <cstdlib>
#include <string>

namespace gateway::api {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_json_media_type(std::string_view type) {
  using boost::beast::iequals;
  return iequals(type, "application/fhir+json") || iequals(type, "application/json") ||
         iequals(type, "application/json+fhir") || iequals(type, "application/*") || iequals(type, "*/*");
}

// q=0 in a media range's parameters means "not acceptable".
bool has_zero_quality(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    const auto param = trim(params.substr(0, semi));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      const std::string value(param.substr(2));
      return std::strtod(value.c_str(), nullptr) <= 0.0;
    }
    if (semi == std::string_view::npos) break;
    params.remove_prefix(semi + 1);
  }
  return false;
}

}  // namespace

bool accepts_fhir_json(std::string_view accept) {
  if (trim(accept).empty()) return true;
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    const auto range = trim(accept.substr(0, comma));
    const auto semi = range.find(';');
    const auto type = trim(range.substr(0, semi));
    const auto params = semi == std::string_view::npos ? std::string_view{} : range.substr(semi + 1);
    if (is_json_media_type(type) && !has_zero_quality(params)) return true;
    if (comma == std::string_view::npos) break;
    accept.remove_prefix(comma + 1);
  }
  return false;
}

bool format_is_json(std::string_view format) {
  using boost::beast::iequals;
  const auto semi = format.find(';');
  const auto type = trim(format.substr(0, semi));
  return iequals(type, "json") || iequals(type, "application/fhir+json") || iequals(type, "application/json");
}

bool is_fhir_json_content_type(std::string_view content_type) {
  using boost::beast::iequals;
  const auto type = trim(content_type.substr(0, content_type.find(';')));
  return iequals(type, "application/fhir+json") || iequals(type, "application/json") ||
         iequals(type, "application/json+fhir");
}

}  // namespace gateway::api
