#include "adapters/hl7v2/er7_writer.hpp"

#include <gtest/gtest.h>

#include "adapters/hl7v2/er7_parser.hpp"

namespace gateway::hl7v2 {
namespace {

TEST(Er7Writer, WritesMshFromTheDelimitersAndDropsTrailingEmptyParts) {
  message_builder b;
  b.add("MSH").set(3, "GATEWAY").set(9, 1, "ACK").set(9, 2, "I12").set(10, "1");
  b.add("PID").set(3, 1, 1, 1, "9434765919").set(3, 1, 4, 1, "NHS").set(5, 1, "Smith").set(5, 3, "");
  EXPECT_EQ(b.write(), "MSH|^~\\&|GATEWAY||||||ACK^I12|1\rPID|||9434765919^^^NHS||Smith\r");
}

TEST(Er7Writer, RepetitionsAndSubcomponents) {
  message_builder b;
  b.add("MSH").set(3, "A");
  b.add("PID").set(3, 1, 1, 1, "1").set(3, 2, 1, 1, "2").set(3, 2, 4, 2, "1.2.3");
  EXPECT_EQ(b.write(), "MSH|^~\\&|A\rPID|||1~2^^^&1.2.3\r");
}

TEST(Er7Writer, EscapesValuesAndKeepsNullApartFromTwoQuotes) {
  message_builder b;
  b.add("MSH").set(3, "A");
  b.add("NTE").set(3, "pain | mood ^ sleep\nnext line").set_null(4).set(5, "\"\"");
  const std::string text = b.write();
  EXPECT_EQ(text, "MSH|^~\\&|A\rNTE|||pain \\F\\ mood \\S\\ sleep\\.br\\next line|\"\"|\\X2222\\\r");
  auto m = parse_er7(text);
  ASSERT_TRUE(m) << m.error().text();
  const segment& nte = *m->find("NTE");
  EXPECT_EQ(*m->decode(nte.raw(3)), "pain | mood ^ sleep\nnext line");
  EXPECT_EQ(presence_of(nte.raw(4)), presence::null);
  EXPECT_EQ(presence_of(nte.raw(5)), presence::present);
  EXPECT_EQ(*m->decode(nte.raw(5)), "\"\"");
}

TEST(Er7Writer, WhatIsWrittenParsesToTheSameValuesAndBytes) {
  message_builder b;
  b.add("MSH")
      .set(3, "GATEWAY")
      .set(4, "PLT01")
      .set(9, 1, "ORU")
      .set(9, 2, "R01")
      .set(10, "abc")
      .set(18, "UNICODE UTF-8");
  b.add("OBX").set(1, "1").set(2, "NM").set(3, 1, "44261-6").set(3, 3, "LN").set(5, "12").set(6, 1, "{score}");
  b.add("NTE").set(3, "R\xC3\xA9sum\xC3\xA9 & more");
  const std::string text = b.write();
  auto m = parse_er7(text);
  ASSERT_TRUE(m) << m.error().text();
  EXPECT_EQ(m->serialise(), text);
  EXPECT_EQ(m->encoding(), charset::utf8);
  EXPECT_EQ(*m->decode(m->find("NTE")->raw(3)), "R\xC3\xA9sum\xC3\xA9 & more");
  EXPECT_EQ(m->find("OBX")->raw(6, 1, 1), "{score}");
}

}  // namespace
}  // namespace gateway::hl7v2
