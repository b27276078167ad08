#include "adapters/bars/nhs_identifier_system.hpp"

namespace gateway::bars {

canonical_system canonical_nhs_system(std::string_view system) {
  constexpr std::string_view canonical_prefix = "https://fhir.nhs.uk/Id/";
  std::string_view rest = system;
  if (rest.starts_with("https://"))
    rest.remove_prefix(8);
  else if (rest.starts_with("http://"))
    rest.remove_prefix(7);
  else
    return {std::string(system), false};
  if (!rest.starts_with("fhir.nhs.uk/") || rest.size() < 15) return {std::string(system), false};
  rest.remove_prefix(12);
  const bool id_segment = (rest[0] == 'i' || rest[0] == 'I') && (rest[1] == 'd' || rest[1] == 'D') && rest[2] == '/';
  if (!id_segment) return {std::string(system), false};
  rest.remove_prefix(3);
  std::string out = std::string(canonical_prefix) + std::string(rest);
  const bool corrected = out != system;
  return {std::move(out), corrected};
}

}  // namespace gateway::bars
