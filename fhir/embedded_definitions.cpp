// The definition files under fhir/definitions/, assembled into the library's read-only data so
// the gateway binary carries them and needs no runtime path. RG_FHIR_DEFINITIONS_DIR is set by
// fhir/CMakeLists.txt, which also makes this file rebuild when a definition changes.

#include <cstdio>
#include <cstdlib>

#include "fhir/model.hpp"

#ifndef RG_FHIR_DEFINITIONS_DIR
#error "RG_FHIR_DEFINITIONS_DIR must name the fhir/definitions directory"
#endif

#define RG_EMBED(symbol, file)                                     \
  asm(".section .rodata." #symbol                                  \
      ",\"a\",@progbits\n"                                         \
      ".balign 16\n"                                               \
      ".type " #symbol "_begin, @object\n" #symbol                 \
      "_begin:\n"                                                  \
      ".incbin \"" RG_FHIR_DEFINITIONS_DIR "/" file "\"\n" #symbol \
      "_end:\n"                                                    \
      ".byte 0\n"                                                  \
      ".previous\n");                                              \
  extern "C" const char symbol##_begin[];                          \
  extern "C" const char symbol##_end[]

RG_EMBED(rg_fhir_profiles_types, "profiles-types.json");
RG_EMBED(rg_fhir_profiles_resources, "profiles-resources.json");
RG_EMBED(rg_fhir_required_bindings, "required-bindings.json");
RG_EMBED(rg_fhir_extension_definitions, "extension-definitions.json");
RG_EMBED(rg_fhir_referral_profile, "referral-servicerequest.json");

namespace fhir {
namespace {

std::string_view span(const char* begin, const char* end) {
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

}  // namespace

model_sources embedded_r4_sources() {
  model_sources s;
  // Value sets first is not required (the builder orders its work), but datatypes before
  // resources and profiles last keeps the intent readable.
  s.bundles = {
      span(rg_fhir_profiles_types_begin, rg_fhir_profiles_types_end),
      span(rg_fhir_profiles_resources_begin, rg_fhir_profiles_resources_end),
      span(rg_fhir_required_bindings_begin, rg_fhir_required_bindings_end),
      span(rg_fhir_extension_definitions_begin, rg_fhir_extension_definitions_end),
      span(rg_fhir_referral_profile_begin, rg_fhir_referral_profile_end),
  };
  return s;
}

const model& r4_model() {
  // C++ guarantees this initialisation runs once even when many threads call at once.
  static const std::shared_ptr<const model> instance = [] {
    auto loaded = load_model(embedded_r4_sources());
    if (!loaded) {
      std::fprintf(stderr, "fhir: embedded definitions failed to load: %s\n", loaded.error().message.c_str());
      std::abort();
    }
    return *loaded;
  }();
  return *instance;
}

}  // namespace fhir
