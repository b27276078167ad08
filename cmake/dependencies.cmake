# Every dependency is a Debian 12 package (see tools/install-deps.sh).
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)  # libpq (libpq-dev)
find_package(Boost 1.81 EXACT REQUIRED)
find_package(RapidJSON REQUIRED CONFIG)
if(NOT TARGET RapidJSON::RapidJSON)
  add_library(RapidJSON::RapidJSON INTERFACE IMPORTED)
  set_target_properties(RapidJSON::RapidJSON PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${RapidJSON_INCLUDE_DIRS}")
endif()
if(RG_TESTS)
  find_package(GTest REQUIRED)
endif()
if(RG_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Asio, Asio.SSL and Beast compiled once (separate compilation), in gateway/net/asio_impl.cpp.
# Everything that includes Asio or Beast links rg_asio, which carries the defines.
add_library(rg_asio_defs INTERFACE)
target_compile_definitions(rg_asio_defs INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(rg_asio_defs INTERFACE Boost::headers OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
