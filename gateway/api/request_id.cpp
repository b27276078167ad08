#include <string>
#include <string_view>

#include "gateway/api/fhir_api.hpp"
#include "gateway/app/time_ordered_uuid.hpp"

namespace gateway::api {

std::string request_id_for(std::string_view client_value) {
  const bool usable = !client_value.empty() && client_value.size() <= 128 &&
                      client_value.find_first_not_of(
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789._:-") == std::string_view::npos;
  if (usable) return std::string(client_value);
  return app::time_ordered_uuid();
}

}  // namespace gateway::api
