// Every real message of the corpus parses and is written back byte for byte.
#include "adapters/hl7v2/er7_parser.hpp"

#include <gtest/gtest.h>

#include "tests/unit/hl7v2/hl7v2_test_data.hpp"

namespace gateway::hl7v2 {
namespace {

TEST(Er7Corpus, HasEveryFileOfTheSharedCorpus) {
  EXPECT_EQ(testdata::corpus_files().size(), 6u);
}

TEST(Er7Corpus, EveryFileParsesAndWritesBackByteForByte) {
  for (const auto& path : testdata::corpus_files()) {
    SCOPED_TRACE(path);
    const std::string bytes = testdata::read_file(path);
    auto parsed = parse_er7(bytes);
    ASSERT_TRUE(parsed) << parsed.error().text();
    EXPECT_EQ(parsed->serialise(), bytes);
    EXPECT_EQ(parsed->header().id(), "MSH");
    EXPECT_GT(parsed->segments().size(), 0u);
    // Every value decodes (escapes resolve, bytes are valid in the declared character set).
    for (const segment& s : parsed->segments()) {
      for (std::size_t f = 3; f <= s.field_count(); ++f) {
        for (std::size_t r = 1; r <= s.repetition_count(f); ++r) {
          for (std::size_t c = 1; c <= s.component_count(f, r); ++c) {
            auto text = parsed->decode(s.raw(f, r, c), s.where(f, r, c));
            EXPECT_TRUE(text) << to_string(s.where(f, r, c));
          }
        }
      }
    }
  }
}

TEST(Er7Corpus, ReadsTheRefI12Structure) {
  auto parsed = parse_er7(testdata::read_data("corpus/ref-i12-v2.8-msft-01.hl7"));
  ASSERT_TRUE(parsed) << parsed.error().text();
  const message& m = *parsed;
  EXPECT_EQ(m.header().raw(9, 1, 1), "REF");
  EXPECT_EQ(m.header().raw(9, 1, 2), "I12");
  EXPECT_EQ(m.header().raw(10), "MSG00112");
  EXPECT_EQ(m.header().terminator(), "\n");
  const segment* rf1 = m.find("RF1");
  ASSERT_NE(rf1, nullptr);
  EXPECT_EQ(rf1->raw(6, 1, 1), "226839");
  const segment* prd2 = m.find("PRD", 2);
  ASSERT_NE(prd2, nullptr);
  EXPECT_EQ(prd2->raw(1, 1, 1), "RT");
  const segment* pid = m.find("PID");
  ASSERT_NE(pid, nullptr);
  EXPECT_EQ(pid->repetition_count(3), 2u);
  EXPECT_EQ(pid->raw(3, 2, 1), "123456789");
  EXPECT_EQ(pid->raw(3, 2, 6), "USSSA");
  EXPECT_EQ(pid->raw(5, 1, 2), "ADAM");
  EXPECT_EQ(m.encoding(), charset::ascii);
}

TEST(Er7Corpus, TheByteOrderMarkMeansUtf8AndIsKept) {
  const std::string bytes = testdata::read_data("corpus/oru-r01-v2.5-lab-utf8-bom.hl7");
  ASSERT_TRUE(bytes.starts_with("\xEF\xBB\xBF"));
  auto parsed = parse_er7(bytes);
  ASSERT_TRUE(parsed) << parsed.error().text();
  EXPECT_EQ(parsed->encoding(), charset::utf8);
  EXPECT_EQ(parsed->header().raw(10), "182");
}

TEST(Er7Corpus, EscapedAmpersandDecodes) {
  auto parsed = parse_er7(testdata::read_data("corpus/oru-r01-v2.x-msft-01.hl7"));
  ASSERT_TRUE(parsed) << parsed.error().text();
  const segment* nte = parsed->find("NTE");
  ASSERT_NE(nte, nullptr);
  auto text = parsed->decode(nte->raw(3));
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("O157:H7 & other STECs"), std::string::npos);
}

}  // namespace
}  // namespace gateway::hl7v2
