# rg_warnings(target): the warning set for our own code. Third-party headers come from
# /usr/include and are treated as system headers, so they do not add noise.
function(rg_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
                                           -Wno-missing-field-initializers)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wshadow=local)
  endif()
  if(RG_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
