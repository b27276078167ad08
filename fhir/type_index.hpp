#pragma once
// The index of a type in a fhir::model (shared by the model and the FHIRPath engine).

#include <cstdint>

namespace fhir {

using type_index = std::uint32_t;
inline constexpr type_index no_type = UINT32_MAX;

class model;

}  // namespace fhir
