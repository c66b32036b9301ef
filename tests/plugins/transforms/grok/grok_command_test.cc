#include "grok_command.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pyrolog {
namespace {

struct Result {
  int status;
  std::string out;
  std::string err;
};

Result grok(const std::vector<std::string_view>& args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  const int status = grok_command(args, in, out, err);
  return {status, out.str(), err.str()};
}

TEST(GrokCommandTest, PrintsTheFieldsOfAMatchingLine) {
  const Result r = grok({"--pattern", "%{IP:client} %{WORD:http.method} %{NUMBER:status:int}"},
                        "10.0.0.1 GET 200\r\n10.0.0.2 POST 201\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "{\"client\":\"10.0.0.1\",\"http\":{\"method\":\"GET\"},\"status\":200}\n{\"client\":\"10.0.0."
            "2\",\"http\":{\"method\":\"POST\"},\"status\":201}\n");
}

TEST(GrokCommandTest, ShowsWhereAFailingLineDiverged) {
  const Result r = grok({"--pattern=%{IP:client} %{WORD:method} %{NUMBER:status}"}, "10.0.0.1 GET abc\n");
  EXPECT_EQ(r.status, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["_grokparsefailure"], true);
  EXPECT_EQ(j["matched_prefix"], "%{IP:client} %{WORD:method} ");
  EXPECT_EQ(j["matched_text"], "10.0.0.1 GET ");
  EXPECT_EQ(j["failed_component"], "%{NUMBER:status}");
  EXPECT_EQ(j["pattern_offset"], 28);
  EXPECT_EQ(j["unmatched_text"], "abc");
}

TEST(GrokCommandTest, FollowsALibraryPatternDownToThePieceThatFails) {
  const Result r =
      grok({"--pattern", "%{COMBINEDAPACHELOG}"},
           "127.0.0.1 - frank [10/Oct/2000:13:55:36 -07] \"GET / HTTP/1.0\" 200 2 \"-\" \"-\"\n");
  EXPECT_EQ(r.status, 1);
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.contains("inside"));
  const auto& deepest = j["inside"].back();
  EXPECT_EQ(deepest["pattern"], "HTTPDATE");
  EXPECT_EQ(deepest["failed_component"], "[0-9]{4}");
  EXPECT_EQ(j["unmatched_text"], "07] \"GET / HTTP/1.0\" 200 2 \"-\" \"-\"");
}

TEST(GrokCommandTest, PatternErrorsAndUsage) {
  Result r = grok({"--pattern", "%{NOPE:x}"}, "");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("reference to undefined pattern 'NOPE'"), std::string::npos);
  EXPECT_EQ(grok({}, "").status, 64);
  EXPECT_EQ(grok({"--pattern"}, "").status, 64);
  EXPECT_EQ(grok({"--pattern", "x", "--bogus"}, "").status, 64);
  EXPECT_EQ(grok({"--pattern", "x", "/nonexistent/file"}, "").status, 2);
}

TEST(GrokCommandTest, PatternsDirAndInvalidUtf8) {
  const Result r = grok({"--pattern", "^%{GREEDYDATA:all}$"},
                        "a\xFF"
                        "b\n");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "{\"all\":\"a\xEF\xBF\xBD"
            "b\"}\n");  // replaced, still valid JSON
  EXPECT_EQ(grok({"--pattern", "x", "--patterns-dir", "/nonexistent"}, "").status, 2);
}

}  // namespace
}  // namespace pyrolog
