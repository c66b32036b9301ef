#include "expr/expression.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "expr/parser.h"
#include "expr_test_util.h"

namespace pyrolog::expr {
namespace {

using test::compiled;
using test::error_of;

// One event with fields of every type.
class ExpressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Event& e = batch_.add_event(1'700'000'000'000'000'000, batch_.store("GET /index.html 200"));
    batch_.append(e, "status", Value::integer(503));
    batch_.append(e, "status_text", Value::string("503"));
    batch_.append(e, "took", Value::floating(2.5));
    batch_.append(e, "level", Value::string("ERROR"));
    batch_.append(e, "path", Value::string("/health/live"));
    batch_.append(e, "http.method", Value::string("GET"));
    batch_.append(e, "ok", Value::boolean(false));
    batch_.append(e, "flag", Value::boolean(true));
    batch_.append(e, "enabled", Value::string("true"));
    batch_.append(e, "nothing", Value());
    batch_.append(e, "tags._grokparsefailure", Value::boolean(true));
    batch_.append(e, "at", Value::timestamp(1'000));
    batch_.append(e, "user-agent", Value::string("curl/8.1"));
    batch_.append(e, "@metadata.source", Value::string("tcp"));
  }

  bool eval(std::string_view text) {
    const Expression x = compiled(text);
    return x.evaluate(batch_, batch_.events()[0]);
  }

  Batch batch_;
};

TEST_F(ExpressionTest, ComparesNumbers) {
  EXPECT_TRUE(eval("status == 503"));
  EXPECT_TRUE(eval("status >= 500"));
  EXPECT_TRUE(eval("status > 502 and status < 504"));
  EXPECT_FALSE(eval("status != 503"));
  EXPECT_TRUE(eval("status <= 503.0"));
  EXPECT_TRUE(eval("took > 2"));
  EXPECT_TRUE(eval("took == 2.5"));
  EXPECT_TRUE(eval("took < 2.5000001"));
  EXPECT_TRUE(eval("status == 5.03e2"));
  EXPECT_TRUE(eval("-1 < status"));
  EXPECT_TRUE(eval("9007199254740993 > 9007199254740992.0"));  // exact, past double precision
}

TEST_F(ExpressionTest, StringsThatSpellNumbersCompareAsNumbers) {
  EXPECT_TRUE(eval("status_text >= 500"));
  EXPECT_TRUE(eval("status_text == 503"));
  EXPECT_TRUE(eval("status_text == 503.0"));
  EXPECT_TRUE(eval("status_text == \"503\""));
  EXPECT_FALSE(eval("level > 5"));  // not a number: unordered
  EXPECT_FALSE(eval("level == 5"));
  EXPECT_TRUE(eval("level != 5"));
  EXPECT_TRUE(eval("enabled == true"));  // "true" compares as a boolean with a boolean
  EXPECT_FALSE(eval("enabled == false"));
}

TEST_F(ExpressionTest, ComparesStrings) {
  EXPECT_TRUE(eval("level == \"ERROR\""));
  EXPECT_TRUE(eval("level == 'ERROR'"));
  EXPECT_FALSE(eval("level == 'error'"));
  EXPECT_TRUE(eval("level < 'WARN'"));
  EXPECT_TRUE(eval("level >= 'ERROR'"));
  EXPECT_TRUE(eval("http.method == 'GET'"));
  EXPECT_TRUE(eval("user-agent == 'curl/8.1'"));
  EXPECT_TRUE(eval("@metadata.source == 'tcp'"));
  EXPECT_TRUE(eval("'a\\tb' == \"a\\x09b\""));
  EXPECT_TRUE(eval("'it\\'s' == \"it's\""));
}

TEST_F(ExpressionTest, MissingAndNullEqualOnlyNull) {
  EXPECT_TRUE(eval("absent == null"));
  EXPECT_TRUE(eval("nothing == null"));
  EXPECT_TRUE(eval("absent != 1"));
  EXPECT_FALSE(eval("absent == 1"));
  EXPECT_FALSE(eval("absent < 1"));
  EXPECT_FALSE(eval("absent >= 1"));
  EXPECT_FALSE(eval("status == null"));
  EXPECT_FALSE(eval("absent == ''"));
}

TEST_F(ExpressionTest, BooleansAndTruthiness) {
  EXPECT_TRUE(eval("flag"));
  EXPECT_FALSE(eval("ok"));
  EXPECT_FALSE(eval("absent"));
  EXPECT_FALSE(eval("nothing"));
  EXPECT_TRUE(eval("status"));  // there, and neither false nor null
  EXPECT_TRUE(eval("tags._grokparsefailure"));
  EXPECT_TRUE(eval("not ok"));
  EXPECT_TRUE(eval("ok == false"));
  EXPECT_TRUE(eval("true"));
  EXPECT_FALSE(eval("false"));
  EXPECT_FALSE(eval("ok < true"));  // booleans are unordered
  EXPECT_TRUE(eval("(status > 1) == true"));
}

TEST_F(ExpressionTest, LogicPrecedenceAndShortCircuit) {
  EXPECT_TRUE(eval("false or true and true"));
  EXPECT_FALSE(eval("(false or true) and false"));
  EXPECT_TRUE(eval("not false and true"));
  EXPECT_FALSE(eval("not (false or true)"));
  EXPECT_TRUE(eval("not not flag"));
  EXPECT_TRUE(eval("false || flag && !ok"));
  EXPECT_TRUE(eval("FALSE OR TRUE AND NOT FALSE"));
  EXPECT_TRUE(eval("status == 1 or status == 2 or status == 503"));
  EXPECT_FALSE(eval("status == 503 and level == 'ERROR' and ok"));
}

TEST_F(ExpressionTest, RegexMatches) {
  EXPECT_TRUE(eval("path =~ /^\\/health/"));
  EXPECT_TRUE(eval("path =~ \"^/health\""));
  EXPECT_FALSE(eval("path !~ /health/"));
  EXPECT_TRUE(eval("level =~ /^err/i"));
  EXPECT_FALSE(eval("level =~ /^err/"));
  EXPECT_TRUE(eval("message =~ /^GET \\S+ 2\\d\\d$/"));
  EXPECT_TRUE(eval("status =~ /^5/"));  // numbers match as their text
  EXPECT_TRUE(eval("took =~ /^2\\.5$/"));
  EXPECT_TRUE(eval("flag =~ /^true$/"));
  EXPECT_FALSE(eval("absent =~ /.*/"));  // nothing to match
  EXPECT_TRUE(eval("absent !~ /x/"));
  EXPECT_TRUE(eval("path =~ /live$/ and path !~ /ready/"));
  EXPECT_TRUE(eval("path=~/a\\/b|live/"));  // '/' escaped inside the literal
}

TEST_F(ExpressionTest, InLists) {
  EXPECT_TRUE(eval("level in ('ERROR', 'FATAL')"));
  EXPECT_FALSE(eval("level in ('WARN')"));
  EXPECT_TRUE(eval("level not in ('WARN', 'INFO')"));
  EXPECT_TRUE(eval("status in (500, 502, 503)"));
  EXPECT_TRUE(eval("status_text in (503)"));
  EXPECT_TRUE(eval("absent in (null, 1)"));
  EXPECT_TRUE(eval("status IN (1, 503) AND level NOT IN ('x')"));
}

TEST_F(ExpressionTest, ExistsMessageAndTimestamp) {
  EXPECT_TRUE(eval("exists(status)"));
  EXPECT_TRUE(eval("exists(nothing)"));  // there, even if null
  EXPECT_FALSE(eval("exists(absent)"));
  EXPECT_TRUE(eval("exists(message)"));
  EXPECT_TRUE(eval("not exists(tags._jsonparsefailure)"));
  EXPECT_TRUE(eval("exists(http.method) and not exists(http)"));
  EXPECT_TRUE(eval("message == 'GET /index.html 200'"));
  EXPECT_TRUE(eval("@timestamp == 1700000000000000000"));
  EXPECT_TRUE(eval("@timestamp > at"));
  EXPECT_TRUE(eval("at == 1000"));
  EXPECT_TRUE(eval("exists == null"));  // `exists` without '(' is a field name
}

TEST(ExpressionCompileTest, ErrorsSayWhereAndWhat) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "column 1: expected a field, a value, exists(...) or '(', got the end of the expression"},
      {"status >", "column 9: expected a field, a value, exists(...) or '(', got the end of the expression"},
      {"status = 5", "column 8: '=' is not an operator; compare with '=='"},
      {"(status == 5", "column 13: expected ')' to close the '(' at column 1, got the end of the expression"},
      {"status == 5)", "column 12: unexpected ')' after the end of the condition (a ')' without its '(')"},
      {"level == 'abc", "column 10: unterminated string: no closing \"'\""},
      {"path =~ /abc", "column 9: unterminated regex: no closing '/'"},
      {"path =~ /a(b/", "invalid regex: missing closing parenthesis"},
      {"path =~ /ab/g", "column 13: unknown regex flag 'g' (the only flag is 'i': ignore case)"},
      {"path =~ 5", "column 9: expected a regex (/.../ or a string) after '=~', got '5'"},
      {"'abc'",
       "column 1: expected a condition (a comparison, a regex match, exists(...), a field, true or false), "
       "got a string"},
      {"5 and true", "column 1: expected a condition"},
      {"a and 'x'", "column 7: expected a condition"},
      {"exists(5)", "column 8: exists(...) takes a field name, got '5'"},
      {"a in ()", "column 7: an 'in' list needs at least one value"},
      {"a in (b)",
       "column 7: expected a value (a string, a number, true, false or null) in the 'in' list, got 'b'"},
      {"a in (1 2)", "column 9: expected ',' or ')' in the 'in' list opened at column 6, got '2'"},
      {"a not 5", "column 3: 'not' after a value must be followed by 'in'"},
      {"a == 5 == 6", "column 8: unexpected '==' after the end of the condition"},
      {"a == 99999999999999999999", "column 6: 99999999999999999999 is out of range for an integer"},
      {"a == 12abc", "column 6: '12abc' is neither a number nor a field name"},
      {"a. == 1", "column 1: a field name has a '.' with no name after it"},
      {"a == 'x\\q'", "column 8: unknown escape in a string"},
      {"a == /x/", "column 6: a regex literal /.../ may only follow '=~' or '!~'"},
      {"a & b", "column 3: '&' is not an operator; use 'and' (or '&&')"},
      {"a == #", "column 6: unexpected '#'"},
      {"a == \x01", "column 6: unexpected byte 0x01"},
  };
  for (const Case& c : cases) {
    const std::string error = error_of(c.text);
    EXPECT_NE(error.find(c.error), std::string::npos) << "'" << c.text << "': got '" << error << "'";
  }
}

TEST(ExpressionCompileTest, NestingAndLengthAreBounded) {
  std::string deep;
  for (int i = 0; i < 64; ++i)
    deep += "(";
  deep += "true";
  for (int i = 0; i < 64; ++i)
    deep += ")";
  EXPECT_EQ(error_of(deep), "");
  EXPECT_NE(error_of("(" + deep + ")").find("nested more than 64 levels deep"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 100; ++i)
    nots += "not ";
  EXPECT_NE(error_of(nots + "true").find("nested more than 64 levels deep"), std::string::npos);
  // A long flat chain is fine (and/or are n-ary): no deep recursion.
  std::string chain = "a == 0";
  for (int i = 1; i < 2000; ++i)
    chain += " or a == " + std::to_string(i);
  EXPECT_EQ(error_of(chain), "");
  EXPECT_NE(error_of(std::string(kMaxExpressionBytes + 1, ' ')).find("longer than 65536 bytes"),
            std::string::npos);
}

TEST(ExpressionRegexTest, CatastrophicBacktrackingIsBoundedAndCounted) {
  Batch batch;
  Event& e = batch.add_event(0, batch.store(std::string(40, 'a') + "!"));
  const Expression x = compiled("message =~ /^(a+)+$/");
  const Expression negated = compiled("message !~ /^(a+)+$/");
  EvalStats stats;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(x.evaluate(batch, e, &stats));
  EXPECT_FALSE(negated.evaluate(batch, e, &stats));  // unknown: neither matches nor fails to
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(stats.regex_limit_exceeded, 2u);
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(ExpressionThreadTest, OneExpressionEvaluatedFromManyThreads) {
  const Expression x = compiled("level =~ /^E/ and n >= 10 and path !~ /health/");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Batch batch;
      for (int i = 0; i < 1000; ++i) {
        Event& e = batch.add_event(0, batch.store("x"));
        batch.append(e, "level", Value::string(i % 2 == 0 ? "ERROR" : "INFO"));
        batch.append(e, "n", Value::integer(i % 20 + t));
        batch.append(e, "path", Value::string("/api"));
      }
      for (int round = 0; round < 20; ++round) {
        int i = 0;
        for (const Event& e : batch.events()) {
          const bool expected = i % 2 == 0 && i % 20 + t >= 10;
          if (x.evaluate(batch, e) != expected) ++wrong;
          ++i;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ExpressionTest2, CopiesShareTheProgramAndKeepTheText) {
  std::optional<Expression> copy;
  {
    const Expression x = compiled("a == 'b'");
    copy = x;
  }
  Batch batch;
  Event& e = batch.add_event(0, batch.store("x"));
  batch.append(e, "a", Value::string("b"));
  EXPECT_TRUE(copy->evaluate(batch, e));
  EXPECT_EQ(copy->text(), "a == 'b'");
}

}  // namespace
}  // namespace pyrolog::expr
