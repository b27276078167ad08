#include "adapters/hl7v2/ack_message.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/er7_parser.hpp"
#include "tests/unit/hl7v2/hl7v2_test_data.hpp"

namespace gateway::hl7v2 {
namespace {

message parsed(const std::string& text) {
  auto m = parse_er7(text);
  if (!m) throw std::runtime_error(m.error().text());
  return std::move(*m);
}

TEST(Ack, AnswersSwapSenderAndReceiverAndEchoTheControlId) {
  const message ref = parsed(testdata::read_data("ref-i12-msk-clinic.hl7"));
  ack_input in;
  in.answered = header_of(ref);
  in.code = ack_code::aa;
  in.control_id = "ACK0001";
  in.timestamp = "20240301100001+0000";
  const message ack = parsed(build_ack(in));
  EXPECT_EQ(ack.header().raw(3), "REFERRAL-GATEWAY");
  EXPECT_EQ(ack.header().raw(4), "PLT01");
  EXPECT_EQ(ack.header().raw(5), "CLINIC-EHR");
  EXPECT_EQ(ack.header().raw(6), "RXX01");
  EXPECT_EQ(ack.header().raw(9), "ACK^I12^ACK");
  EXPECT_EQ(ack.header().raw(10), "ACK0001");
  EXPECT_EQ(ack.header().raw(12), "2.5.1");
  EXPECT_EQ(ack.find("MSA")->raw(1), "AA");
  EXPECT_EQ(ack.find("MSA")->raw(2), "RXX01-0001");
  EXPECT_EQ(ack.find("ERR"), nullptr);
}

// Found by fuzz_er7_parse: a UTF-8 message (here by its byte order mark) with non-ASCII text in
// the MSH fields the ACK echoes was answered with an ACK that declared no MSH-18 (so ASCII) and
// could not be read back; the sender would never learn the outcome of its message.
TEST(Ack, AnAnswerEchoingTextOutsideAsciiDeclaresUtf8AndEchoesItExactly) {
  const message m = parsed(
      "\xEF\xBB\xBFMSH|^~\\&|SomeSystem||TransformationAgent\x7f|20\xEF\xBB\xBF"
      "1M|||REF^I12|CTRL-\xC3\xA9");
  ack_input in;
  in.answered = header_of(m);
  in.code = ack_code::aa;
  in.control_id = "ACK0002";
  const auto written = build_ack(in);
  auto ack = parse_er7(written);
  ASSERT_TRUE(ack) << ack.error().text();
  EXPECT_EQ(ack->header().raw(18), "UNICODE UTF-8");
  const auto sender = ack->decode(ack->header().raw(3));
  ASSERT_TRUE(sender);
  EXPECT_EQ(*sender, "TransformationAgent\x7f");          // escaped on the wire, the same text read back
  EXPECT_EQ(ack->segments()[1].raw(2), "CTRL-\xC3\xA9");  // MSA-2 is MSH-10 byte for byte

  ack_input plain;
  plain.answered = header_of(parsed(testdata::read_data("ref-i12-msk-clinic.hl7")));
  EXPECT_TRUE(parsed(build_ack(plain)).header().raw(18).empty()) << "ASCII answers stay without MSH-18";
}

TEST(Ack, ErrorsNameSegmentFieldAndProblemForOldAndNewReceivers) {
  ack_input in;
  in.answered.control_id = "M1";
  in.answered.trigger = "I12";
  in.code = ack_code::ae;
  in.problems.push_back({location{"PID", 1, 3}, hl7_error_code::data_type, "the NHS number is not valid | check"});
  in.problems.push_back({location{"OBX", 2, 5}, hl7_error_code::data_type, "not a number"});
  const std::string text = build_ack(in);
  const message ack = parsed(text);
  EXPECT_EQ(ack.find("MSA")->raw(1), "AE");
  EXPECT_EQ(*ack.decode(ack.find("MSA")->raw(3)), "the NHS number is not valid | check");
  const segment& err = *ack.find("ERR");
  EXPECT_EQ(err.raw(1), "PID^1^3^102&Data type error&HL70357");
  EXPECT_EQ(err.raw(2), "PID^1^3^1");
  EXPECT_EQ(err.raw(3), "102^Data type error^HL70357");
  EXPECT_EQ(err.raw(4), "E");
  EXPECT_EQ(*ack.decode(err.raw(8)), "the NHS number is not valid | check");
  EXPECT_EQ(ack.find("ERR", 2)->raw(2), "OBX^2^5^1");

  auto read = read_ack(text);
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->code, ack_code::ae);
  EXPECT_EQ(read->acknowledged_id, "M1");
  EXPECT_EQ(read->error_text, "PID-3: the NHS number is not valid | check; OBX[2]-5: not a number");
}

TEST(Ack, ReadsTheCorpusAck) {
  auto read = read_ack(testdata::read_data("corpus/ack-v2.3.1-aus.hl7"));
  ASSERT_TRUE(read) << read.error();
  EXPECT_EQ(read->code, ack_code::aa);
  EXPECT_EQ(read->acknowledged_id, "GELS_20000412-2.243");
}

TEST(Ack, ReadsOldStyleErrorsAndMsa3) {
  auto a = read_ack("MSH|^~\\&|R|F|G|P|20240101||ACK|1|P|2.3\rMSA|CE|M9|bad thing\r");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, ack_code::ce);
  EXPECT_EQ(a->error_text, "bad thing");
  auto b =
      read_ack("MSH|^~\\&|R|F|G|P|20240101||ACK|1|P|2.4\rMSA|AE|M9\rERR|PID^1^3^101&Required field missing&HL70357\r");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->error_text, "Required field missing");
}

TEST(Ack, NotAnAck) {
  EXPECT_FALSE(read_ack("garbage"));
  EXPECT_FALSE(read_ack("MSH|^~\\&|R|F|G|P|20240101||ACK|1|P|2.5\r"));
  EXPECT_FALSE(read_ack("MSH|^~\\&|R|F|G|P|20240101||ACK|1|P|2.5\rMSA|OK|1\r"));
}

TEST(Ack, HeaderFromTextReadsWhatItCanOfABrokenMessage) {
  const answered_header h = header_from_text("MSH|^~\\&|APP|FAC|GW|PLT|2024||REF^I12|CTRL-7|P|2.4\rPID|\\Q\\");
  EXPECT_EQ(h.sending_application, "APP");
  EXPECT_EQ(h.sending_facility, "FAC");
  EXPECT_EQ(h.trigger, "I12");
  EXPECT_EQ(h.control_id, "CTRL-7");
  EXPECT_EQ(h.version, "2.4");
  EXPECT_EQ(header_from_text("not hl7").control_id, "");
  EXPECT_EQ(header_from_text("MSH|^~\\&|A\\F\\B").sending_application, "");  // escapes are not guessed at
  EXPECT_EQ(header_from_text("MSH|^~\\&|A|B|C|D|E||F|").control_id, "");
}

}  // namespace
}  // namespace gateway::hl7v2
