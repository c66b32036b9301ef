// The grok transform as the pipeline runs it: built through the registry from YAML options.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "config/agent_config.h"
#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::field;
using test::make_batch;
using test::make_transform;
using test::run_one;

constexpr const char* kCombined =
    R"x(127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 )x"
    R"x("http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)")x";

TEST(GrokTransformTest, ParsesIntoTypedFieldsThatViewTheLine) {
  auto t = make_transform("grok", "match: ['%{COMBINEDAPACHELOG}']");
  ASSERT_TRUE(t);
  Batch b = run_one(*t, make_batch({kCombined}));
  ASSERT_EQ(b.size(), 1u);
  const Event& e = b.events()[0];
  EXPECT_EQ(field(b, e, "clientip"), "127.0.0.1");
  EXPECT_EQ(field(b, e, "verb"), "GET");
  EXPECT_EQ(field(b, e, "response"), "int:200");
  EXPECT_EQ(field(b, e, "bytes"), "int:2326");
  EXPECT_EQ(field(b, e, "agent"), "Mozilla/4.08 [en] (Win98; I ;Nav)");
  EXPECT_EQ(field(b, e, "tags._grokparsefailure"), "<missing>");
  EXPECT_EQ(e.raw, kCombined);  // the message is left as it was
  // String captures are views of the line, not copies.
  const Value* verb = b.find(e, "verb");
  ASSERT_NE(verb, nullptr);
  EXPECT_GE(verb->as_string().data(), e.raw.data());
  EXPECT_LE(verb->as_string().data() + verb->as_string().size(), e.raw.data() + e.raw.size());
}

TEST(GrokTransformTest, PatternsAreTriedInOrderAndTheFirstMatchWins) {
  auto t = make_transform("grok", R"(match:
  - '^%{INT:n:int} %{WORD:w}$'
  - '^%{WORD:w} %{NUMBER:f:float}$'
  - '^%{GREEDYDATA:rest}$')");
  Batch b = run_one(*t, make_batch({"12 abc", "abc 2.5", "12 2.5", "anything else"}));
  auto e = b.events();
  EXPECT_EQ(field(b, e[0], "n"), "int:12");
  EXPECT_EQ(field(b, e[0], "w"), "abc");
  EXPECT_EQ(field(b, e[1], "f"), "float:2.5");
  EXPECT_EQ(field(b, e[2], "w"), "12");  // the first pattern fails, the second matches
  EXPECT_EQ(field(b, e[2], "n"), "<missing>");
  EXPECT_EQ(field(b, e[3], "rest"), "anything else");
  EXPECT_EQ(field(b, e[3], "w"), "<missing>");
}

TEST(GrokTransformTest, UnmatchedEventsAreKeptTaggedAndCounted) {
  std::string errors;
  auto t = test::make_transform("grok", "match: ['^%{INT:n}$']", errors, "tagging");
  ASSERT_TRUE(t) << errors;
  const auto before = test::outcome_count("tagging", "grok", "no_match");
  Batch b = run_one(*t, make_batch({"1", "not a number", "2"}));
  ASSERT_EQ(b.size(), 3u);
  auto e = b.events();
  EXPECT_EQ(field(b, e[0], "tags._grokparsefailure"), "<missing>");
  EXPECT_EQ(field(b, e[1], "tags._grokparsefailure"), "bool:true");
  EXPECT_EQ(field(b, e[1], "n"), "<missing>");
  EXPECT_EQ(e[1].raw, "not a number");
  EXPECT_EQ(test::outcome_count("tagging", "grok", "no_match") - before, 1u);
  EXPECT_GE(test::outcome_count("tagging", "grok", "matched"), 2u);
}

TEST(GrokTransformTest, TagsAreConfigurable) {
  auto t = make_transform("grok", "match: ['^x$']\ntag_on_failure: [no_x, parse_error]");
  Batch b = run_one(*t, make_batch({"y"}));
  EXPECT_EQ(field(b, b.events()[0], "tags.no_x"), "bool:true");
  EXPECT_EQ(field(b, b.events()[0], "tags.parse_error"), "bool:true");
  EXPECT_EQ(field(b, b.events()[0], "tags._grokparsefailure"), "<missing>");
  auto quiet = make_transform("grok", "match: ['^x$']\ntag_on_failure: []");
  Batch q = run_one(*quiet, make_batch({"y"}));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.events()[0].field_count, 0u);
}

TEST(GrokTransformTest, AMissingFieldIsTaggedAndCounted) {
  std::string errors;
  auto t = test::make_transform("grok", "match: ['%{INT:n}']\nfield: text", errors, "missing_field");
  ASSERT_TRUE(t) << errors;
  Batch batch = make_batch({"raw 1", "raw 2"});
  batch.append(batch.events()[1], "text", Value::string(batch.store("42")));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "tags._grokparsefailure"), "bool:true");
  EXPECT_EQ(field(b, b.events()[1], "n"), "42");
  EXPECT_EQ(test::outcome_count("missing_field", "grok", "missing_field"), 1u);
}

TEST(GrokTransformTest, NumberFieldsAreMatchedAsText) {
  auto t = make_transform("grok", "match: ['^%{INT:a}$']\nfield: code");
  Batch batch = make_batch({"x"});
  batch.append(batch.events()[0], "code", Value::integer(404));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "a"), "404");
}

TEST(GrokTransformTest, OverwriteDecidesWhoWinsAnExistingField) {
  auto keep = make_transform("grok", "match: ['^%{WORD:level} %{GREEDYDATA:message}$']");
  Batch batch = make_batch({"ERROR disk full"});
  batch.append(batch.events()[0], "level", Value::string("preset"));
  Batch b = run_one(*keep, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "level"), "preset");  // not in overwrite: kept
  EXPECT_EQ(b.events()[0].raw, "ERROR disk full");        // message not in overwrite: kept
  EXPECT_EQ(field(b, b.events()[0], "message"), "ERROR disk full");

  auto replace = make_transform("grok",
                                "match: ['^%{WORD:level} %{GREEDYDATA:message}$']\noverwrite: [message, "
                                "level]");
  Batch batch2 = make_batch({"ERROR disk full"});
  batch2.append(batch2.events()[0], "level", Value::string("preset"));
  Batch b2 = run_one(*replace, std::move(batch2));
  EXPECT_EQ(field(b2, b2.events()[0], "level"), "ERROR");
  EXPECT_EQ(b2.events()[0].raw, "disk full");
  EXPECT_EQ(b2.events()[0].field_count, 1u);
}

TEST(GrokTransformTest, FieldsAnEventAlreadyHasAreKeptBesideTheCapturesWhateverTheirNeighbours) {
  // A source's fields (a file's path) come before the captures. Events with the same names at the same
  // addresses share one check of those names against the pattern's; a name with other bytes at another
  // address, or the same bytes at another address, is checked anew.
  auto t = make_transform("grok", "match: ['^%{WORD:level} %{GREEDYDATA:text}$']");
  Batch batch = make_batch({"ERROR a", "WARN b", "INFO c", "DEBUG d", "TRACE e"});
  auto events = batch.events();
  for (std::size_t i : {0u, 1u, 3u})
    batch.append(events[i], "file", Value::string("/var/log/x.log"));
  batch.append(events[2], "level", Value::string("preset"));
  batch.append(events[4], batch.store("level"), Value::string("stored"));
  Batch b = run_one(*t, std::move(batch));
  for (std::size_t i : {0u, 1u, 3u}) {
    const Event& e = b.events()[i];
    const auto fields = b.fields(e);
    ASSERT_EQ(fields.size(), 3u) << i;
    EXPECT_EQ(fields[0].name, "file");
    EXPECT_EQ(fields[1].name, "level");
    EXPECT_EQ(fields[2].name, "text");
  }
  EXPECT_EQ(field(b, b.events()[0], "level"), "ERROR");
  EXPECT_EQ(field(b, b.events()[3], "text"), "d");
  EXPECT_EQ(field(b, b.events()[2], "level"), "preset");  // not in overwrite: kept
  EXPECT_EQ(field(b, b.events()[2], "text"), "c");
  EXPECT_EQ(b.events()[2].field_count, 2u);
  EXPECT_EQ(field(b, b.events()[4], "level"), "stored");
  EXPECT_EQ(b.events()[4].field_count, 2u);
}

TEST(GrokTransformTest, NestedFieldNamesInBothSpellings) {
  auto t = make_transform("grok",
                          "match: ['^%{WORD:[http][verb]} %{INT:http.status:int}$']\noverwrite: "
                          "['[http][status]']");
  Batch batch = make_batch({"GET 200"});
  batch.append(batch.events()[0], "http.status", Value::integer(0));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "http.verb"), "GET");
  EXPECT_EQ(field(b, b.events()[0], "http.status"), "int:200");
}

TEST(GrokTransformTest, KeepEmptyCaptures) {
  const char* options = "match: ['^%{WORD:a}(?: %{INT:b:int})?(?: (?<c>x))?$']";
  auto omit = make_transform("grok", options);
  Batch b = run_one(*omit, make_batch({"word"}));
  EXPECT_EQ(test::fields_of(b, b.events()[0]).size(), 2u);  // a and message
  auto keep = make_transform("grok", std::string(options) + "\nkeep_empty_captures: true");
  Batch k = run_one(*keep, make_batch({"word"}));
  EXPECT_EQ(field(k, k.events()[0], "b"), "null");
  EXPECT_EQ(field(k, k.events()[0], "c"), "");
}

TEST(GrokTransformTest, RepeatedFieldsKeepTheLastValue) {
  auto t = make_transform("grok", "match: ['^%{WORD:w} %{WORD:w}$']");
  Batch b = run_one(*t, make_batch({"first second"}));
  EXPECT_EQ(field(b, b.events()[0], "w"), "second");
  EXPECT_EQ(b.events()[0].field_count, 1u);
}

TEST(GrokTransformTest, AnIntThatIsNotOneIsTruncatedOrKeptAsText) {
  auto typed = make_transform("grok", "match: ['^%{NUMBER:n:int} %{WORD:w:int}$']");
  Batch b = run_one(*typed, make_batch({"3.7 abc"}));
  EXPECT_EQ(field(b, b.events()[0], "n"), "int:3");
  EXPECT_EQ(field(b, b.events()[0], "w"), "abc");
}

TEST(GrokTransformTest, InlineDefinitionsAndPatternDirsOverrideTheLibrary) {
  const auto dir = std::filesystem::temp_directory_path() / "pyrolog_grok_transform_test_patterns";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "custom") << "# test patterns\nQUEUEID [0-9A-F]{10}\nINT [a-z]+\n";
  auto t = make_transform("grok", "match: ['^%{QUEUEID:id} %{INT:n} %{POSINT:p}$']\npatterns_dir: [" +
                                      dir.string() + "]\npattern_definitions: {POSINT: '[xyz]+'}");
  ASSERT_TRUE(t);
  Batch b = run_one(*t, make_batch({"0123456789 abc xy"}));
  EXPECT_EQ(field(b, b.events()[0], "id"), "0123456789");
  EXPECT_EQ(field(b, b.events()[0], "n"), "abc");  // the directory's INT replaced the built-in one
  EXPECT_EQ(field(b, b.events()[0], "p"), "xy");   // the inline POSINT replaced the built-in one
  std::filesystem::remove_all(dir);
}

TEST(GrokTransformTest, ConfigErrorsNameThePatternAndWhere) {
  EXPECT_NE(test::config_errors("grok", "match: ['%{IP:a} %{NOPE:x}']")
                .find("match: match[0]: grok pattern '%{IP:a} %{NOPE:x}' at offset 8: reference to undefined "
                      "pattern 'NOPE'"),
            std::string::npos);
  EXPECT_NE(test::config_errors("grok", "match: ['%{A}']\npattern_definitions: {A: '%{B}', B: 'x%{A}'}")
                .find("cycle in pattern references"),
            std::string::npos);
  EXPECT_NE(test::config_errors("grok", "match: ['%{WORD:w}', '%{WORD:w} (abc']")
                .find("match[1]: grok pattern '%{WORD:w} (abc' at offset 14: invalid regex: missing closing "
                      "parenthesis"),
            std::string::npos);
  EXPECT_NE(test::config_errors("grok", "match: []").find("needs at least one pattern"), std::string::npos);
  EXPECT_NE(test::config_errors("grok", "field: x").find("missing required option 'match'"),
            std::string::npos);
  EXPECT_NE(
      test::config_errors("grok", "match: [x]\ntag_on_failure: ['bad tag']").find("invalid tag 'bad tag'"),
      std::string::npos);
  EXPECT_NE(test::config_errors("grok", "match: [x]\npatterns_dir: [/nonexistent/dir]")
                .find("patterns_dir: /nonexistent/dir: cannot open pattern directory"),
            std::string::npos);
  EXPECT_NE(test::config_errors("grok", "match: [x]\nmatch_limit: 10").find("10 is out of range"),
            std::string::npos);
  EXPECT_NE(test::config_errors("grok", "match: [x]\nmatchlimit: 10").find("did you mean 'match_limit'"),
            std::string::npos);
}

TEST(GrokTransformTest, CheckReportsABadPatternWithFileLineAndColumn) {
  const std::string text =
      "sources:\n  in:\n    type: tcp\n    address: 127.0.0.1:5140\ntransforms:\n  parse:\n    type: grok\n  "
      "  "
      "inputs: [in]\n    match: ['%{COMBINEDAPACHELOG}', '%{HTTPDATE:t} %{NOPE}']\nsinks:\n  out:\n    type: "
      "console\n    inputs: [parse]\n";
  const ConfigLoadResult r =
      load_config_text(text, "grok.yaml", [](const std::string&) { return std::optional<std::string>(); });
  ASSERT_FALSE(r.config.has_value());
  EXPECT_EQ(
      r.diagnostics.to_string(),
      "grok.yaml:9:12: transforms.parse.match: match[1]: grok pattern '%{HTTPDATE:t} %{NOPE}' at offset 14: "
      "reference to undefined pattern 'NOPE'\n");
}

TEST(GrokTransformTest, CatastrophicBacktrackingReturnsQuicklyAsACountedFailure) {
  std::string errors;
  auto t = test::make_transform("grok", "match: ['^(\\w+\\s?)+$', '^(a+)+$']", errors, "hostile");
  ASSERT_TRUE(t) << errors;
  const std::vector<std::string> hostile = {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
                                            "the quick brown fox jumps over the lazy dog and then!"};
  const auto start = std::chrono::steady_clock::now();
  Batch b = run_one(*t, make_batch(hostile));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::seconds(2));
  ASSERT_EQ(b.size(), 2u);
  for (const Event& e : b.events()) {
    EXPECT_EQ(field(b, e, "tags._grokparsefailure"), "bool:true");
    EXPECT_EQ(field(b, e, "tags._groklimitexceeded"), "bool:true");
  }
  EXPECT_EQ(test::outcome_count("hostile", "grok", "limit_exceeded"), 2u);
}

TEST(GrokTransformTest, BadInputsNeverCrash) {
  auto t = make_transform("grok", "match: ['^%{WORD:a} %{GREEDYDATA:rest}$', '%{IP:ip}']");
  std::string huge(10 * 1024 * 1024, 'x');  // a 10 MiB line
  huge[5] = ' ';
  const std::string invalid_utf8 = "caf\xC3 \xFF\xFE 10.1.2.3";
  Batch b = run_one(*t, make_batch({huge, invalid_utf8, "", std::string(1, '\0')}));
  ASSERT_EQ(b.size(), 4u);
  auto e = b.events();
  EXPECT_EQ(field(b, e[0], "a"), "xxxxx");
  EXPECT_EQ(b.find(e[0], "rest")->as_string().size(), huge.size() - 6);
  EXPECT_EQ(field(b, e[1], "ip"), "10.1.2.3");
  EXPECT_EQ(field(b, e[2], "tags._grokparsefailure"), "bool:true");
  EXPECT_EQ(field(b, e[3], "tags._grokparsefailure"), "bool:true");

  auto utf8 = make_transform("grok", "match: ['^(?<c>.)']\nutf8: true");
  Batch u = run_one(*utf8, make_batch({"\xC3\xA9t\xC3\xA9", "\xFF"}));
  EXPECT_EQ(field(u, u.events()[0], "c"), "\xC3\xA9");  // one code point, two bytes
  EXPECT_EQ(field(u, u.events()[1], "tags._grokparsefailure"), "bool:true");
}

TEST(GrokTransformTest, FieldNamesOutliveTheTransform) {
  Batch b;
  {
    auto t = make_transform("grok", "match: ['^%{WORD:a_field_name_longer_than_sso_buffers}$']");
    b = run_one(*t, make_batch({"word"}));
  }
  // The transform (and its compiled patterns) are gone, as after a reload; the batch is still in a channel.
  ASSERT_EQ(b.events()[0].field_count, 1u);
  EXPECT_EQ(b.fields(b.events()[0])[0].name, "a_field_name_longer_than_sso_buffers");
}

TEST(GrokTransformTest, OneTransformManyThreads) {
  auto t = make_transform("grok", "match: ['%{COMBINEDAPACHELOG}']");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        Batch b = run_one(*t, make_batch(std::vector<std::string>(20, kCombined)));
        for (const Event& e : b.events()) {
          if (field(b, e, "response") != "int:200") ++wrong;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace pyrolog
