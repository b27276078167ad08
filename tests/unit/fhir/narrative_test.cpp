// The narrative rules (txt-1, txt-2) on Narrative.div, one case per rule, through the validator.

#include <string>

#include <gtest/gtest.h>

#include "fhir/validator.hpp"
#include "test_json.hpp"

namespace fhir {
namespace {

// A Basic resource whose narrative div is `div` (given as raw JSON string content).
outcome validate_div(const std::string& div) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("resourceType", "Basic", a);
  rapidjson::Value text(rapidjson::kObjectType);
  text.AddMember("status", "generated", a);
  text.AddMember("div", rapidjson::Value(div.c_str(), static_cast<rapidjson::SizeType>(div.size()), a), a);
  d.AddMember("text", text, a);
  rapidjson::Value code(rapidjson::kObjectType);
  code.AddMember("text", "x", a);
  d.AddMember("code", code, a);
  return validate(d);
}

std::string div_issue(const outcome& o) {
  for (const auto& i : o.issues) {
    if (i.severity == severity::error && i.expression == "Basic.text.div") return i.diagnostics;
  }
  return {};
}

const std::string ns = R"(<div xmlns="http://www.w3.org/1999/xhtml">)";

TEST(narrative, well_formed_xhtml_with_allowed_content_passes) {
  for (const std::string& ok :
       {ns + "<p>Referral for <b>back pain</b> &amp; sleep &#233; &nbsp;</p></div>",
        ns + "<table border=\"1\"><tr><td colspan=\"2\">x</td></tr></table></div>",
        ns + "<img src=\"#photo\" alt=\"p\"/></div>", ns + "<a href=\"https://example.org/x\">link</a></div>",
        ns + "<span style=\"background-image: url(data:image/png;base64,AAAA)\">x</span></div>",
        ns + "<!-- note --><p>x</p></div>"}) {
    EXPECT_EQ(div_issue(validate_div(ok)), "") << ok;
  }
}

TEST(narrative, each_rule_is_refused_with_its_key) {
  const struct {
    std::string div;
    std::string expect;  // part of the diagnostics
    std::string rule;
  } cases[] = {
      {"<div><p>no namespace</p></div>", "XHTML namespace", "txt-1"},
      {R"(<div xmlns="http://example.org/other"><p>x</p></div>)", "XHTML namespace", "txt-1"},
      {"<p>not a div</p>", "single <div> element", "txt-1"},
      {ns + "<script>alert(1)</script></div>", "<script> is not allowed", "txt-1"},
      {ns + "<p onclick=\"x()\">x</p></div>", "event attribute 'onclick'", "txt-1"},
      {ns + "<form><p>x</p></form></div>", "<form> is not allowed", "txt-1"},
      {ns + "<iframe src=\"https://evil.example\"></iframe></div>", "<iframe> is not allowed", "txt-1"},
      {ns + "<a href=\"javascript:x()\">x</a></div>", "javascript: URLs", "txt-1"},
      {ns + "<img src=\"https://tracker.example/pixel.gif\"/></div>", "external address", "txt-1"},
      {ns + "<p style=\"background: url(https://tracker.example/x)\">x</p></div>", "external content", "txt-1"},
      {ns + "<p data-x=\"1\">x</p></div>", "attribute 'data-x' on <p> is not allowed", "txt-1"},
      {ns + "<p>unclosed</div>", "</div> does not close <p>", "txt-1"},
      {ns + "<p class=x>x</p></div>", "quoted", "txt-1"},
      {ns + "<p>a & b</p></div>", "&amp;", "txt-1"},
      {ns + "<p title=\"1\" title=\"2\">x</p></div>", "given twice", "txt-1"},
      {ns + "<p>x</p></div><p>after</p>", "nothing may follow", "txt-1"},
      {ns + "<?php x ?></div>", "processing instructions", "txt-1"},
      {ns + "   <p>  </p> </div>", "no content other than whitespace", "txt-2"},
  };
  for (const auto& c : cases) {
    const std::string issue = div_issue(validate_div(c.div));
    EXPECT_NE(issue.find(c.expect), std::string::npos) << c.div << "\n -> " << issue;
    EXPECT_NE(issue.find("(" + c.rule + ")"), std::string::npos) << c.div << "\n -> " << issue;
  }
}

TEST(narrative, nesting_is_bounded) {
  std::string deep = ns;
  for (int i = 0; i < 200; ++i) deep += "<span>";
  deep += "x";
  for (int i = 0; i < 200; ++i) deep += "</span>";
  deep += "</div>";
  EXPECT_NE(div_issue(validate_div(deep)).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace fhir
