#include "adapters/bars/transaction_ids.hpp"

#include <cctype>

#include "adapters/bars/bars_codes.hpp"

namespace gateway::bars {
namespace {

core::result<std::string> read_one(std::optional<std::string_view> value, std::string_view header) {
  if (!value || value->empty())
    return core::make_error(core::error_kind::invalid, std::string(header), "the header is required (a UUID)");
  if (!is_uuid(*value))
    return core::make_error(core::error_kind::invalid, std::string(header),
                            "must be a UUID (8-4-4-4-12 hexadecimal digits)");
  std::string out(*value);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

core::result<transaction_ids> read_transaction_ids(std::optional<std::string_view> request_id,
                                                   std::optional<std::string_view> correlation_id) {
  auto request = read_one(request_id, headers::request_id);
  if (!request) return request.error();
  auto correlation = read_one(correlation_id, headers::correlation_id);
  if (!correlation) return correlation.error();
  return transaction_ids{std::move(*request), std::move(*correlation)};
}

}  // namespace gateway::bars
