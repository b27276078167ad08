#pragma once
// The five (HL7 2.7+: six) ER7 delimiters, read from MSH-1 and MSH-2 of each message.
//
// Thread safety: a plain value.
#include <string>

namespace gateway::hl7v2 {

struct delimiters {
  char field = '|';
  char component = '^';
  char repetition = '~';
  char escape = '\\';
  char subcomponent = '&';
  char truncation = '\0';  // HL7 2.7+ fifth encoding character ('#'); '\0' when MSH-2 has four

  // MSH-2 as written: "^~\&" (plus the truncation character when set).
  std::string encoding_characters() const {
    std::string out{component, repetition, escape, subcomponent};
    if (truncation != '\0') out += truncation;
    return out;
  }

  // True for a character that separates or escapes at any level.
  bool is_special(char c) const {
    return c == field || c == component || c == repetition || c == escape || c == subcomponent ||
           (truncation != '\0' && c == truncation);
  }
  // True for a character that ends a value at some level (not the escape character).
  bool is_separator(char c) const { return c == field || c == component || c == repetition || c == subcomponent; }
};

}  // namespace gateway::hl7v2
