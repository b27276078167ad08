#include "gateway/config/distinguished_name.hpp"

#include <gtest/gtest.h>

namespace gateway::config {
namespace {

distinguished_name dn(std::string_view text) {
  auto parsed = parse_distinguished_name(text);
  if (auto* e = std::get_if<std::string>(&parsed)) ADD_FAILURE() << text << ": " << *e;
  return std::get_if<distinguished_name>(&parsed) ? std::get<distinguished_name>(parsed) : distinguished_name{};
}

std::string error_of(std::string_view text) {
  auto parsed = parse_distinguished_name(text);
  auto* e = std::get_if<std::string>(&parsed);
  return e ? *e : "(parsed)";
}

TEST(distinguished_name, type_names_are_case_insensitive_and_equal_to_their_oids) {
  EXPECT_EQ(dn("CN=practice-a,OU=A81001"), dn("cn=practice-a,ou=A81001"));
  EXPECT_EQ(dn("CN=practice-a,OU=A81001"), dn("2.5.4.3=practice-a,OID.2.5.4.11=A81001"));
  EXPECT_EQ(dn("emailAddress=a@b"), dn("E=a@b"));
  EXPECT_EQ(to_string(dn("2.5.4.3=x,1.2.3.4=y")), "CN=x,1.2.3.4=y");
}

TEST(distinguished_name, values_compare_exactly_and_rdn_order_matters) {
  EXPECT_NE(dn("CN=practice-a"), dn("CN=Practice-A"));
  EXPECT_NE(dn("CN=a,OU=b"), dn("OU=b,CN=a"));
  EXPECT_NE(dn("CN=a,OU=b"), dn("CN=a,OU=b,O=c")) << "an extra attribute is another name";
  EXPECT_NE(dn("CN=a,OU=b"), dn("CN=a,OU=b,OU=b")) << "a repeated attribute is another name";
}

TEST(distinguished_name, attributes_of_a_multi_valued_rdn_are_unordered) {
  EXPECT_EQ(dn("CN=a+UID=7,O=x"), dn("UID=7+CN=a,O=x"));
  EXPECT_NE(dn("CN=a+UID=7,O=x"), dn("CN=a,UID=7,O=x"));
  EXPECT_EQ(to_string(dn("CN=a+UID=7")), to_string(dn("UID=7+CN=a")));
}

TEST(distinguished_name, escapes_and_hex_pairs_are_decoded_and_written_back) {
  const auto name = dn(R"(O=Acme\, Ltd\+Co,CN=\#1 \"best\"\20,L=K\C3\B6ln)");
  ASSERT_EQ(name.rdns.size(), 3u);
  EXPECT_EQ(name.rdns[0][0].value, "Acme, Ltd+Co");
  EXPECT_EQ(name.rdns[1][0].value, "#1 \"best\" ");
  EXPECT_EQ(name.rdns[2][0].value, "K\xC3\xB6ln");
  EXPECT_EQ(to_string(name), R"(O=Acme\, Ltd\+Co,CN=\#1 \"best\"\ ,L=K)"
                             "\xC3\xB6ln");
  EXPECT_EQ(dn(to_string(name)), name) << "the written form reads back as the same name";
}

TEST(distinguished_name, spaces_around_separators_are_ignored_but_escaped_ones_kept) {
  EXPECT_EQ(dn("CN = a , OU = b"), dn("CN=a,OU=b"));
  EXPECT_NE(dn(R"(CN=a\ ,OU=b)"), dn("CN=a,OU=b"));
  EXPECT_EQ(dn("CN=two words"), dn("CN= two words "));
}

TEST(distinguished_name, malformed_names_are_refused_with_the_reason) {
  EXPECT_EQ(error_of(""), "empty distinguished name");
  EXPECT_EQ(error_of("CN"), "\"CN\" has no '=' and value");
  EXPECT_EQ(error_of("=x"), "an attribute has no type before '='");
  EXPECT_EQ(error_of("CN=a,"), "a name ends with ','");
  EXPECT_EQ(error_of("CN="), "CN: empty value");
  EXPECT_EQ(error_of("Colour=blue"), "unknown attribute type \"Colour\" (use a dotted OID)");
  EXPECT_EQ(error_of("CN=#0403616263"), "CN: BER-encoded (#hex) values are not supported; write the value as text");
  EXPECT_EQ(error_of(R"(CN=a\q)"), R"(CN: '\q' is not an RFC 4514 escape)");
  EXPECT_EQ(error_of("CN=a;b"), "CN: ';' must be escaped with '\\' in a value");
  EXPECT_EQ(error_of("CN=a+CN=b"), "the attribute type 2.5.4.3 appears twice in one RDN");
  EXPECT_EQ(error_of("1.02.3=x"), "unknown attribute type \"1.02.3\" (use a dotted OID)");
}

}  // namespace
}  // namespace gateway::config
