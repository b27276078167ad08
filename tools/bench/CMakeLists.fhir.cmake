# Included from tools/CMakeLists.txt: the validation benchmark (bench_validate).
if(RG_BENCH)
  add_executable(bench_validate ${CMAKE_CURRENT_LIST_DIR}/fhir_validate_bench.cpp)
  target_link_libraries(bench_validate PRIVATE fhir benchmark::benchmark)
  target_compile_definitions(bench_validate PRIVATE RG_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  rg_warnings(bench_validate)
endif()
