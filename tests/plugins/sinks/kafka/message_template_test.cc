#include "message_template.h"

#include <string>
#include <variant>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

MessageTemplate compile(const std::string& text) {
  auto t = MessageTemplate::compile(text);
  if (auto* problem = std::get_if<std::string>(&t)) ADD_FAILURE() << *problem;
  return std::get<MessageTemplate>(std::move(t));
}

std::string problem(const std::string& text) {
  auto t = MessageTemplate::compile(text);
  auto* p = std::get_if<std::string>(&t);
  return p ? *p : "";
}

struct Rendered {
  std::string text;
  bool complete = false;
};

class MessageTemplateTest : public ::testing::Test {
 protected:
  MessageTemplateTest() {
    Event& e = batch_.add_event(1700000000123456789, batch_.store("GET / 200"));
    batch_.append(e, "host", Value::string("web-1"));
    batch_.append(e, "http.status", Value::integer(200));
    batch_.append(e, "ratio", Value::floating(0.5));
    batch_.append(e, "cached", Value::boolean(true));
    batch_.append(e, "empty", Value());
  }
  Rendered render(const std::string& text) {
    Rendered r;
    r.complete = compile(text).render(r.text, batch_, batch_.events()[0]);
    return r;
  }
  Batch batch_;
};

TEST_F(MessageTemplateTest, FieldsRenderAsText) {
  EXPECT_EQ(render("{host}-{http.status}").text, "web-1-200");
  EXPECT_EQ(render("{ratio}/{cached}").text, "0.5/true");
  EXPECT_EQ(render("{message}").text, "GET / 200");
  EXPECT_EQ(render("{@timestamp}").text, "2023-11-14T22:13:20.123456789Z");
  EXPECT_TRUE(render("{host}").complete);
}

TEST_F(MessageTemplateTest, MissingFieldsRenderAsNothingAndAreReported) {
  const auto r = render("logs-{service}");
  EXPECT_EQ(r.text, "logs-");
  EXPECT_FALSE(r.complete);
  const auto null = render("[{empty}]");
  EXPECT_EQ(null.text, "[]");
  EXPECT_TRUE(null.complete);  // present, but null
}

TEST_F(MessageTemplateTest, LiteralBraces) {
  EXPECT_EQ(render("{{literal}} {host}").text, "{literal} web-1");
  EXPECT_TRUE(compile("a}}b").is_constant());
  EXPECT_EQ(compile("a}}b{{").constant(), "a}b{");
}

TEST(MessageTemplate, Constants) {
  const auto t = compile("web-logs");
  EXPECT_TRUE(t.is_constant());
  EXPECT_EQ(t.constant(), "web-logs");
  EXPECT_FALSE(compile("{message}").is_constant());
  EXPECT_EQ(compile("{a}-{b.c}").field_names(), (std::vector<std::string>{"a", "b.c"}));
}

TEST(MessageTemplate, Problems) {
  EXPECT_EQ(problem("a{b"), "'{' at position 2 is not closed (write '{{' for a literal brace)");
  EXPECT_EQ(problem("a}b"), "'}' at position 2 closes nothing (write '}}' for a literal brace)");
  EXPECT_EQ(problem("x{}"), "empty field reference '{}' at position 2");
  EXPECT_EQ(problem("{a{b}"), "'{' inside the field reference at position 1");
}

}  // namespace
}  // namespace pyrolog
