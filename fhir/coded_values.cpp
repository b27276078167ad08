// Codes: a Coding whose system is one the model carries (the specification's own code systems
// behind R4's required bindings, and the profile's) must use a code of that system; a display
// that differs from the system's is a warning, as the reference validator gives. Codes of
// systems the gateway does not carry (SNOMED CT, LOINC, UCUM, ...) are accepted unchecked and
// each resource says so once, in an information issue, so silence is not taken for a check.
// Attachments: size and hash agree with data when both are given.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "fhir/diagnostic_text.hpp"
#include "fhir/json_view.hpp"
#include "fhir/validation_context.hpp"

namespace fhir::detail {
namespace {

using json_value = rapidjson::Value;

bool same_display(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view terminology_name(std::string_view system) {
  if (system == "http://snomed.info/sct") return "SNOMED CT";
  if (system == "http://loinc.org") return "LOINC";
  if (system == "http://unitsofmeasure.org") return "UCUM";
  return system;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes base64 (whitespace ignored); false when it is not base64.
bool decode_base64(std::string_view s, std::vector<unsigned char>& out) {
  unsigned buffer = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=' || std::isspace(static_cast<unsigned char>(c))) continue;
    const int v = base64_value(c);
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace

void check_coding(walk_context& ctx, const json_value& coding, const path_node& path) {
  const std::string_view system = json::string_member(coding, "system");
  const std::string_view code = json::string_member(coding, "code");
  if (system.empty() || code.empty()) return;
  const model::code_displays* codes = ctx.m.find_code_system(system);
  if (!codes) {
    if (ctx.unchecked_systems) ctx.unchecked_systems->note(system);
    return;
  }
  auto it = codes->find(code);
  if (it == codes->end()) {
    path_node at{&path, "code", -1};
    ctx.sink.error(issue_code::code_invalid,
                   "the code " + quote_value(code) + " is not defined by the code system " + quote_value(system, 120),
                   &at);
    return;
  }
  const std::string_view display = json::string_member(coding, "display");
  if (!display.empty() && !it->second.empty() && !same_display(display, it->second)) {
    path_node at{&path, "display", -1};
    ctx.sink.add(severity::warning, issue_code::code_invalid,
                 "the display " + quote_value(display) + " is not the display of " + quote_value(code) + " in " +
                     quote_value(system, 120) + " (" + quote_value(it->second) + ")",
                 &at);
  }
}

void check_quantity_system(walk_context& ctx, const json_value& quantity) {
  const std::string_view system = json::string_member(quantity, "system");
  if (!system.empty() && !json::string_member(quantity, "code").empty() && ctx.unchecked_systems &&
      !ctx.m.find_code_system(system)) {
    ctx.unchecked_systems->note(system);
  }
}

void unchecked_systems_log::note(std::string_view system) {
  for (std::size_t i = 0; i < count_; ++i) {
    if (systems_[i] == system) return;
  }
  if (count_ < systems_.size()) systems_[count_] = system;
  ++count_;
}

void unchecked_systems_log::report(issue_sink& sink, const path_node& path) const {
  if (count_ == 0) return;
  std::string names;
  for (std::size_t i = 0; i < count_ && i < systems_.size(); ++i) {
    names.append(i ? ", " : "").append(utf8_prefix(terminology_name(systems_[i]), 120));
  }
  if (count_ > systems_.size()) names += ", and " + std::to_string(count_ - systems_.size()) + " more";
  sink.add(severity::information, issue_code::informational,
           "codes from " + names +
               " were accepted without checking: the gateway carries no terminology server for these code systems",
           &path);
}

void check_attachment(walk_context& ctx, const json_value& attachment, const path_node& path) {
  const json_value* data = json::member(attachment, "data");
  if (!data || !data->IsString()) return;
  const json_value* size = json::member(attachment, "size");
  const std::string_view hash = json::string_member(attachment, "hash");
  if (!size && hash.empty()) return;
  std::vector<unsigned char> bytes;
  if (!decode_base64(json::as_string(*data), bytes)) return;  // reported as a bad base64Binary
  if (size && size->IsUint64() && size->GetUint64() != bytes.size()) {
    path_node at{&path, "size", -1};
    ctx.sink.error(
        issue_code::value,
        "size is " + std::to_string(size->GetUint64()) + " but data holds " + std::to_string(bytes.size()) + " bytes",
        &at);
  }
  if (!hash.empty()) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha1(), nullptr) != 1) return;
    std::vector<unsigned char> given;
    if (!decode_base64(hash, given) || given.size() != length || !std::equal(given.begin(), given.end(), digest)) {
      path_node at{&path, "hash", -1};
      ctx.sink.error(issue_code::value, "hash is not the base64 SHA-1 of data", &at);
    }
  }
}

}  // namespace fhir::detail
