#include "adapters/hl7v2/er7_parser.hpp"

#include <gtest/gtest.h>

#include "tests/unit/hl7v2/hl7v2_test_data.hpp"

namespace gateway::hl7v2 {
namespace {

using testdata::er7;

const std::string msh = "MSH|^~\\&|CLINIC|RXX01|GATEWAY|PLT01|20240301100000||REF^I12^REF_I12|MSG1|P|2.5.1";

er7_error error_of(std::string_view text, const parse_limits& limits = {}) {
  auto parsed = parse_er7(text, limits);
  EXPECT_FALSE(parsed) << "parsed although it should not";
  return parsed ? er7_error{} : parsed.error();
}

TEST(Er7Parser, ReadsFieldsRepetitionsComponentsAndSubcomponents) {
  auto m = parse_er7(er7({msh, "PID|1||111^^^A&1.2&ISO^MR~222^^^NHS^NH||Smith^Jo^Q"}));
  ASSERT_TRUE(m) << m.error().text();
  const segment& pid = *m->find("PID");
  EXPECT_EQ(pid.field_count(), 5u);
  EXPECT_EQ(pid.raw(1), "1");
  EXPECT_EQ(pid.raw(2), "");
  EXPECT_EQ(pid.repetition_count(3), 2u);
  EXPECT_EQ(pid.raw(3, 1, 4), "A&1.2&ISO");
  EXPECT_EQ(pid.raw(3, 1, 4, 2), "1.2");
  EXPECT_EQ(pid.raw(3, 2, 4), "NHS");
  EXPECT_EQ(pid.raw(3, 3, 1), "");
  EXPECT_EQ(pid.component_count(5, 1), 3u);
  EXPECT_EQ(pid.raw(5, 1, 3), "Q");
  EXPECT_EQ(pid.raw(99), "");
  EXPECT_EQ(pid.where(3, 2, 4), (location{"PID", 1, 3, 2, 4, 0}));
}

TEST(Er7Parser, MshFieldsAreNumberedAsHl7NumbersThem) {
  auto m = parse_er7(er7({msh}));
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->header().raw(1), "|");
  EXPECT_EQ(m->header().raw(2), "^~\\&");
  EXPECT_EQ(m->header().raw(3), "CLINIC");
  EXPECT_EQ(m->header().raw(10), "MSG1");
  EXPECT_EQ(m->header().repetition_count(2), 1u);
}

TEST(Er7Parser, DelimitersComeFromMsh1AndMsh2) {
  const std::string text = "MSH*!@$%*APP*FAC*****ADT!A01*42*P*2.5\rPID*1**X!Y@Z%W$S$\r";
  auto m = parse_er7(text);
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->delims().field, '*');
  EXPECT_EQ(m->delims().component, '!');
  EXPECT_EQ(m->delims().repetition, '@');
  EXPECT_EQ(m->delims().escape, '$');
  EXPECT_EQ(m->delims().subcomponent, '%');
  EXPECT_EQ(m->header().raw(9, 1, 2), "A01");
  const segment& pid = *m->find("PID");
  EXPECT_EQ(pid.raw(3, 1, 2), "Y");
  EXPECT_EQ(pid.raw(3, 2, 1, 2), "W$S$");
  EXPECT_EQ(*m->decode(pid.raw(3, 2, 1, 2)), "W!");
  EXPECT_EQ(m->serialise(), text);
}

TEST(Er7Parser, FiveEncodingCharactersSetTheTruncationCharacter) {
  auto m = parse_er7("MSH|^~\\&#|A|B\rNTE|1||fifty\\P\\five\r");
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->delims().truncation, '#');
  EXPECT_EQ(*m->decode(m->find("NTE")->raw(3)), "fifty#five");
  // Without a truncation character \P\ is not an escape sequence.
  EXPECT_EQ(error_of("MSH|^~\\&|A|B\rNTE|1||fifty\\P\\five\r").code, er7_errc::unknown_escape);
}

TEST(Er7Parser, AcceptsCrLfAndCrLfLineEndsAndWritesThemBack) {
  for (const std::string& text :
       std::vector<std::string>{msh + "\rPID|1\rNTE|1\r", msh + "\nPID|1\nNTE|1\n", msh + "\r\nPID|1\r\nNTE|1\r\n",
                                msh + "\rPID|1\n\nNTE|1", msh + "\r\n\r\nPID|1\r\r\n", "\r\n" + msh + "\rPID|1\r"}) {
    SCOPED_TRACE(text);
    auto m = parse_er7(text);
    ASSERT_TRUE(m) << m.error().text();
    EXPECT_EQ(m->segments().size(), text.find("NTE") == std::string::npos ? 2u : 3u);
    EXPECT_EQ(m->find("PID")->raw(1), "1");
    EXPECT_EQ(m->serialise(), text);
  }
}

TEST(Er7Parser, KeepsEmptyAndExplicitNullApart) {
  auto m = parse_er7(er7({msh, "PID|1||\"\"|||\"\"^x"}));
  ASSERT_TRUE(m) << m.error().text();
  const segment& pid = *m->find("PID");
  EXPECT_EQ(presence_of(pid.raw(2)), presence::empty);
  EXPECT_EQ(presence_of(pid.raw(3)), presence::null);
  EXPECT_EQ(presence_of(pid.raw(4)), presence::empty);
  EXPECT_EQ(presence_of(pid.raw(6, 1, 1)), presence::null);
  EXPECT_EQ(presence_of(pid.raw(6, 1, 2)), presence::present);
  EXPECT_EQ(presence_of(pid.raw(40)), presence::empty);
}

TEST(Er7Parser, CountsSegmentOccurrences) {
  auto m = parse_er7(er7({msh, "OBX|1", "NTE|1", "OBX|2", "OBX|3"}));
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->find("OBX", 3)->raw(1), "3");
  EXPECT_EQ(m->find("OBX", 3)->sequence(), 3u);
  EXPECT_EQ(m->find("OBX", 3)->index(), 5u);
  EXPECT_EQ(m->find("OBX", 4), nullptr);
  EXPECT_EQ(to_string(m->find("OBX", 2)->where(5)), "OBX[2]-5");
}

// --- character sets ---

TEST(Er7Charset, Latin1IsConvertedToUtf8) {
  auto m = parse_er7(er7({msh + "||||||8859/1", "PID|1||||M\xFCller^Ren\xE9"}));
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->encoding(), charset::iso_8859_1);
  EXPECT_EQ(*m->decode(m->find("PID")->raw(5, 1, 1)), "M\xC3\xBCller");
  EXPECT_EQ(*m->decode(m->find("PID")->raw(5, 1, 2)), "Ren\xC3\xA9");
}

TEST(Er7Charset, Utf8IsCheckedAndKept) {
  auto m = parse_er7(er7({msh + "||||||UNICODE UTF-8", "PID|1||||M\xC3\xBCller"}));
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(*m->decode(m->find("PID")->raw(5, 1, 1)), "M\xC3\xBCller");

  const er7_error e = error_of(er7({msh + "||||||UNICODE UTF-8", "PID|1||||M\xFCller"}));
  EXPECT_EQ(e.code, er7_errc::invalid_utf8);
  EXPECT_EQ(to_string(e.at), "PID-5");
  EXPECT_EQ(e.offset, msh.size() + 19 + 1 + 10);
}

TEST(Er7Charset, EmptyMsh18MeansAsciiSoOtherBytesAreRefused) {
  const er7_error e = error_of(er7({msh, "PID|1||||M\xFCller"}));
  EXPECT_EQ(e.code, er7_errc::outside_charset);
  EXPECT_EQ(to_string(e.at), "PID-5");
  EXPECT_NE(e.problem.find("MSH-18 is empty"), std::string::npos);
}

TEST(Er7Charset, AsciiIsDeclaredExplicitly) {
  auto m = parse_er7(er7({msh + "||||||ASCII", "PID|1"}));
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->encoding(), charset::ascii);
}

TEST(Er7Charset, UnknownCharacterSetsAreRefusedNamingMsh18) {
  const er7_error e = error_of(er7({msh + "||||||UNICODE UTF-16", "PID|1"}));
  EXPECT_EQ(e.code, er7_errc::unknown_charset);
  EXPECT_EQ(to_string(e.at), "MSH-18");
}

TEST(Er7Charset, AByteOrderMarkContradictingMsh18IsRefused) {
  EXPECT_EQ(error_of("\xEF\xBB\xBF" + er7({msh + "||||||8859/1"})).code, er7_errc::outside_charset);
}

TEST(Er7Charset, HexEscapesMustGiveValidBytes) {
  auto m = parse_er7(er7({msh + "||||||UNICODE UTF-8", "NTE|1||caf\\XC3A9\\ \\XFF\\"}));
  ASSERT_TRUE(m) << m.error().text();
  const segment& nte = *m->find("NTE");
  auto text = m->decode(nte.raw(3), nte.where(3));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, er7_errc::invalid_utf8);
  EXPECT_EQ(to_string(text.error().at), "NTE-3");
  EXPECT_EQ(*m->decode("caf\\XC3A9\\"), "caf\xC3\xA9");
}

// --- malformed input: every error names where it is ---

TEST(Er7Malformed, EmptyOrNotStartingWithMsh) {
  EXPECT_EQ(error_of("").code, er7_errc::empty_message);
  EXPECT_EQ(error_of("\r\n\r").code, er7_errc::empty_message);
  EXPECT_EQ(error_of("PID|1\r").code, er7_errc::not_a_message);
  EXPECT_EQ(error_of("FHS|^~\\&\rMSH|^~\\&\r").code, er7_errc::not_a_message);
  EXPECT_EQ(error_of("garbage").code, er7_errc::not_a_message);
}

TEST(Er7Malformed, BadDelimiters) {
  EXPECT_EQ(to_string(error_of("MSH").at), "MSH-1");
  EXPECT_EQ(to_string(error_of("MSHA^~\\&|x\r").at), "MSH-1");
  EXPECT_EQ(to_string(error_of("MSH|^~\\|x\r").at), "MSH-2");     // three characters
  EXPECT_EQ(to_string(error_of("MSH|^~\\^|x\r").at), "MSH-2");    // repeated
  EXPECT_EQ(to_string(error_of("MSH|^~\\&ab|x\r").at), "MSH-2");  // six
  EXPECT_EQ(to_string(error_of("MSH|^~ &|x\r").at), "MSH-2");     // blank
}

TEST(Er7Malformed, BadSegmentIds) {
  const er7_error e = error_of(er7({msh, "PID|1", "pv1|x"}));
  EXPECT_EQ(e.code, er7_errc::bad_segment_id);
  EXPECT_NE(e.problem.find("segment 3"), std::string::npos);
  EXPECT_EQ(error_of(er7({msh, "PIDX|1"})).code, er7_errc::bad_segment_id);
  EXPECT_EQ(error_of(er7({msh, "P|1"})).code, er7_errc::bad_segment_id);
}

TEST(Er7Malformed, ASecondMshIsRefused) {
  const er7_error e = error_of(er7({msh, "PID|1", msh}));
  EXPECT_EQ(e.code, er7_errc::not_a_message);
  EXPECT_EQ(to_string(e.at), "MSH[2]");
}

TEST(Er7Malformed, EscapeErrorsNameTheFieldAndByte) {
  const std::string pid = "PID|1||ok|bad \\Q\\ here";
  er7_error e = error_of(er7({msh, pid}));
  EXPECT_EQ(e.code, er7_errc::unknown_escape);
  EXPECT_EQ(to_string(e.at), "PID-4");
  EXPECT_EQ(e.offset, msh.size() + 1 + pid.find("\\Q"));
  EXPECT_EQ(error_of(er7({msh, "PID|1|x\\F"})).code, er7_errc::unterminated_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|x\\F^y\\"})).code, er7_errc::unterminated_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|\\Zlocal\\"})).code, er7_errc::unsupported_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|\\C2842\\"})).code, er7_errc::unsupported_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|\\X4\\"})).code, er7_errc::bad_hex_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|\\XG1\\"})).code, er7_errc::bad_hex_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|\\\\"})).code, er7_errc::unknown_escape);
  EXPECT_EQ(error_of(er7({msh, "PID|1|\\.xx\\"})).code, er7_errc::unknown_escape);
}

TEST(Er7Malformed, ControlCharactersInsideSegmentsAreRefused) {
  const er7_error e = error_of(er7({msh, std::string("NTE|1||a\x0B") + "b"}));
  EXPECT_EQ(e.code, er7_errc::control_character);
  EXPECT_EQ(to_string(e.at), "NTE-3");
  EXPECT_TRUE(parse_er7(er7({msh, "NTE|1||a\tb"})));  // tab is allowed
}

TEST(Er7Limits, SizeSegmentsFieldsRepetitionsComponentsSubcomponents) {
  parse_limits l;
  l.max_bytes = 200;
  EXPECT_EQ(error_of(er7({msh, std::string(200, 'X')}), l).code, er7_errc::message_too_large);
  l = {};
  l.max_segments = 3;
  EXPECT_EQ(error_of(er7({msh, "NTE|1", "NTE|2", "NTE|3"}), l).code, er7_errc::too_many_segments);
  EXPECT_TRUE(parse_er7(er7({msh, "NTE|1", "NTE|2"}), l));
  l = {};
  l.max_fields = 3;
  EXPECT_EQ(to_string(error_of(er7({"MSH|^~\\&|A", "NTE|1|2|3|4"}), l).at), "NTE");
  EXPECT_TRUE(parse_er7(er7({"MSH|^~\\&|A", "NTE|1|2|3"}), l));
  l = {};
  l.max_repetitions = 2;
  EXPECT_EQ(to_string(error_of(er7({msh, "PID|1|a~b~c"}), l).at), "PID-2");
  l = {};
  l.max_components = 3;
  EXPECT_EQ(to_string(error_of(er7({msh, "PID|1|a~b^c^d^e"}), l).at), "PID-2(2)");
  l = {};
  l.max_subcomponents = 2;
  EXPECT_EQ(error_of(er7({msh, "PID|1|a^b&c&d"}), l).code, er7_errc::too_many_subcomponents);
}

TEST(Er7Limits, ErrorTextNamesThePlaceAndNeverTheContent) {
  const er7_error e = error_of(er7({msh, "PID|1||9434765919\\Q\\"}));
  EXPECT_EQ(e.text().find("9434765919"), std::string::npos);
  EXPECT_EQ(e.text().rfind("PID-3 (byte ", 0), 0u) << e.text();
}

}  // namespace
}  // namespace gateway::hl7v2
