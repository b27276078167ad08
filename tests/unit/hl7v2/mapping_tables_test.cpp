#include "adapters/hl7v2/mapping_tables.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/unit/hl7v2/hl7v2_test_data.hpp"

namespace gateway::hl7v2 {
namespace {

constexpr std::string_view begin_marker =
    "<!-- mapping tables: generated from the code, see mapping_tables_test.cpp -->\n";
constexpr std::string_view end_marker = "<!-- end of mapping tables -->";

// adapters/hl7v2/README.md shows the tables the code applies. When this fails, the expected text
// is in the build directory: copy it between the markers.
TEST(MappingTables, TheReadmeShowsTheTablesInTheCode) {
  const std::string readme = testdata::read_file(std::string(RG_SOURCE_DIR) + "/adapters/hl7v2/README.md");
  const auto begin = readme.find(begin_marker);
  const auto end = readme.find(end_marker);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::string shown = readme.substr(begin + begin_marker.size(), end - begin - begin_marker.size());
  const std::string expected = mapping_tables_markdown();
  if (shown != expected) {
    const std::string path = std::string(RG_BINARY_DIR) + "/hl7v2-mapping-tables.md";
    std::ofstream(path) << expected;
    FAIL() << "adapters/hl7v2/README.md differs from the tables in the code; the current tables are in " << path;
  }
}

TEST(MappingTables, EveryRowSaysBothSides) {
  const std::string md = mapping_tables_markdown();
  EXPECT_EQ(md.find("|  |"), std::string::npos);
  EXPECT_NE(md.find("| PID-3 patient identifier list"), std::string::npos);
  EXPECT_NE(md.find("| RF1-6 originating referral identifier"), std::string::npos);
}

}  // namespace
}  // namespace gateway::hl7v2
