#include "adapters/hl7v2/er7_escape.hpp"

#include <gtest/gtest.h>

namespace gateway::hl7v2 {
namespace {

const delimiters d;

TEST(Er7Escape, DelimiterEscapesResolve) {
  EXPECT_EQ(unescape("a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f", d), "a|b^c&d~e\\f");
}

TEST(Er7Escape, HexAndLineBreaksResolve) {
  EXPECT_EQ(unescape("x\\X0D0A\\y", d), "x\r\ny");
  EXPECT_EQ(unescape("line one\\.br\\line two", d), "line one\nline two");
  EXPECT_EQ(unescape("a\\.sp2\\b", d), "a\nb");
}

TEST(Er7Escape, FormattingAndHighlightingCarryNoText) {
  EXPECT_EQ(unescape("\\H\\bold\\N\\ \\.in+4\\x\\.ti-2\\\\.fi\\\\.nf\\\\.ce\\\\.sk3\\", d), "bold x");
}

TEST(Er7Escape, CheckAcceptsEveryDefinedSequence) {
  for (const char* ok :
       {"\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\E\\", "\\H\\", "\\N\\", "\\X00ff\\", "\\.br\\", "\\.sp\\", "\\.sp12\\",
        "\\.in-3\\", "\\.ti+1\\", "\\.sk2\\", "\\.fi\\", "\\.nf\\", "\\.ce\\"}) {
    EXPECT_FALSE(check_escapes(ok, d)) << ok;
  }
}

TEST(Er7Escape, CheckRefusesWhatItCannotReadFaithfully) {
  const auto code = [](std::string_view raw) { return check_escapes(raw, d)->code; };
  EXPECT_EQ(code("a\\Q\\"), er7_errc::unknown_escape);
  EXPECT_EQ(code("\\P\\"), er7_errc::unknown_escape);
  EXPECT_EQ(code("\\Zabc\\"), er7_errc::unsupported_escape);
  EXPECT_EQ(code("\\C2842\\"), er7_errc::unsupported_escape);
  EXPECT_EQ(code("\\M2442\\"), er7_errc::unsupported_escape);
  EXPECT_EQ(code("\\X1\\"), er7_errc::bad_hex_escape);
  EXPECT_EQ(code("\\X\\"), er7_errc::bad_hex_escape);
  EXPECT_EQ(code("abc\\F"), er7_errc::unterminated_escape);
  EXPECT_EQ(code("\\F^\\"), er7_errc::unterminated_escape);
  EXPECT_EQ(check_escapes("ab\\Q\\", d)->offset, 2u);
}

TEST(Er7Escape, EscapeWritesDelimitersLineBreaksAndControlCharacters) {
  EXPECT_EQ(escape("a|b^c&d~e\\f", d), "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f");
  EXPECT_EQ(escape("one\r\ntwo\nthree\rfour", d), "one\\.br\\two\\.br\\three\\.br\\four");
  EXPECT_EQ(escape(std::string("frame\x0B\x1C") + "end", d), "frame\\X0B\\\\X1C\\end");
  EXPECT_EQ(escape("caf\xC3\xA9", d), "caf\xC3\xA9");
}

TEST(Er7Escape, EscapeThenUnescapeGivesTheTextBack) {
  for (const std::string text : {"plain", "A|B^C&D~E\\F", "x\ny", "tab\there", "", "\"\"", "#hash"}) {
    EXPECT_EQ(unescape(escape(text, d), d), text) << text;
    EXPECT_FALSE(check_escapes(escape(text, d), d)) << text;
  }
  delimiters with_truncation = d;
  with_truncation.truncation = '#';
  EXPECT_EQ(escape("#1", with_truncation), "\\P\\1");
  EXPECT_EQ(unescape(escape("#1", with_truncation), with_truncation), "#1");
}

}  // namespace
}  // namespace gateway::hl7v2
