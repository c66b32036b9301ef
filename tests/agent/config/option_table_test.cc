#include "config/option_table.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace pyrolog::config {
namespace {

using ::testing::ElementsAre;

enum class Color { red, green, blue };

struct Endpoint {
  std::string host;
  std::uint16_t port = 80;

  static const OptionTable<Endpoint>& options() {
    static const auto table = [] {
      OptionTable<Endpoint> t;
      t.add("host", &Endpoint::host, "Host name.").required();
      t.add("port", &Endpoint::port, "Port.").range(1, std::nullopt);
      return t;
    }();
    return table;
  }
};

// One option of every kind.
struct Everything {
  bool flag = true;
  std::uint8_t small = 7;
  std::int16_t offset = -5;
  std::int32_t count = 10;
  std::int64_t big = -1;
  std::uint64_t huge = std::numeric_limits<std::uint64_t>::max();
  double ratio = 0.25;
  std::string name = "anon";
  ByteSize size{64 * 1024};
  Duration wait{1500};
  std::vector<std::string> tags{"a", "b"};
  std::vector<std::string> empty_list;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> preset{{"k", "v"}};
  Color color = Color::green;
  Endpoint endpoint;
  std::string token;

  static const OptionTable<Everything>& options() {
    static const auto table = [] {
      OptionTable<Everything> t;
      t.add("flag", &Everything::flag, "A bool.");
      t.add("small", &Everything::small, "A uint8 with a maximum.").range(std::nullopt, 200);
      t.add("offset", &Everything::offset, "An int16 with both bounds.").range(-10, 10);
      t.add("count", &Everything::count, "An int32 with both bounds.").range(1, 100);
      t.add("big", &Everything::big, "An int64 with a minimum.").range(-1000, std::nullopt);
      t.add("huge", &Everything::huge, "A uint64.");
      t.add("ratio", &Everything::ratio, "A double.").range(0, 1);
      t.add("name", &Everything::name, "A string.");
      t.add("size", &Everything::size, "A byte size.").range(1024, 1024 * 1024);
      t.add("wait", &Everything::wait, "A duration.").range(100, 60 * 1000);
      t.add("tags", &Everything::tags, "A list.");
      t.add("empty_list", &Everything::empty_list, "An empty list.");
      t.add("labels", &Everything::labels, "A map.");
      t.add("preset", &Everything::preset, "A map with a default.");
      t.add("color", &Everything::color, "A choice.")
          .choices<Color>({{"red", Color::red}, {"green", Color::green}, {"blue", Color::blue}});
      t.add("endpoint", &Everything::endpoint, "A section.");
      t.add("token", &Everything::token, "A required string.").required().example("s3cr3t");
      t.check([](const Everything& e) -> std::optional<std::string> {
        if (!e.flag && e.ratio >= 0.5) return "ratio must be below 0.5 when flag is false";
        return std::nullopt;
      });
      t.check("name", [](const Everything& e) -> std::optional<std::string> {
        if (e.name == "root") return "must not be 'root'";
        return std::nullopt;
      });
      return t;
    }();
    return table;
  }
};

struct NoOptions {
  static const OptionTable<NoOptions>& options() {
    static const OptionTable<NoOptions> table;
    return table;
  }
};

class OptionTableTest : public ::testing::Test {
 protected:
  // Parses `yaml` (the option map) into `out`; true when it had no problem.
  template <class T>
  bool parse(const std::string& yaml, T& out, const std::vector<std::string>& handled = {}) {
    diagnostics_ = Diagnostics();
    ParseContext ctx;
    ctx.file = "t.yaml";
    ctx.diagnostics = &diagnostics_;
    ctx.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    node_ = YAML::Load(yaml);
    return T::options().parse(node_, out, ctx, "opts", handled);
  }
  // The problems of parsing `yaml` as Everything (with `token` given on line 1).
  std::string problems(const std::string& yaml) {
    Everything e;
    EXPECT_FALSE(parse("token: t\n" + yaml, e)) << yaml;
    return diagnostics_.to_string();
  }

  Diagnostics diagnostics_;
  std::map<std::string, std::string> env_;
  YAML::Node node_;
};

TEST_F(OptionTableTest, ParsesEveryKind) {
  Everything e;
  ASSERT_TRUE(parse(R"(flag: false
small: 200
offset: -10
count: 100
big: -1000
huge: 18446744073709551615
ratio: 0.125
name: "42"
size: 1 MiB
wait: 1m
tags: [x, "y z", ""]
empty_list: []
labels: {app: web, "with space": "1"}
preset: {}
color: blue
endpoint: {host: example.com, port: 8443}
token: t
)",
                    e))
      << diagnostics_.to_string();
  EXPECT_FALSE(e.flag);
  EXPECT_EQ(e.small, 200);
  EXPECT_EQ(e.offset, -10);
  EXPECT_EQ(e.count, 100);
  EXPECT_EQ(e.big, -1000);
  EXPECT_EQ(e.huge, std::numeric_limits<std::uint64_t>::max());
  EXPECT_DOUBLE_EQ(e.ratio, 0.125);
  EXPECT_EQ(e.name, "42");
  EXPECT_EQ(e.size, ByteSize{1024 * 1024});
  EXPECT_EQ(e.wait, Duration{60 * 1000});
  EXPECT_THAT(e.tags, ElementsAre("x", "y z", ""));
  EXPECT_TRUE(e.empty_list.empty());
  EXPECT_EQ(e.labels, (std::map<std::string, std::string>{{"app", "web"}, {"with space", "1"}}));
  EXPECT_TRUE(e.preset.empty());
  EXPECT_EQ(e.color, Color::blue);
  EXPECT_EQ(e.endpoint.host, "example.com");
  EXPECT_EQ(e.endpoint.port, 8443);
  EXPECT_EQ(e.token, "t");
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(OptionTableTest, KeepsDefaultsOfOptionsNotGiven) {
  Everything e;
  e.endpoint.host = "kept";
  ASSERT_TRUE(parse("token: t\n", e)) << diagnostics_.to_string();
  EXPECT_TRUE(e.flag);
  EXPECT_EQ(e.small, 7);
  EXPECT_EQ(e.count, 10);
  EXPECT_EQ(e.name, "anon");
  EXPECT_THAT(e.tags, ElementsAre("a", "b"));
  EXPECT_EQ(e.color, Color::green);
  EXPECT_EQ(e.endpoint.host, "kept");  // an absent section is not parsed at all
}

TEST_F(OptionTableTest, ASingleValueIsAListOfOne) {
  Everything e;
  ASSERT_TRUE(parse("token: t\ntags: only\n", e));
  EXPECT_THAT(e.tags, ElementsAre("only"));
}

TEST_F(OptionTableTest, IntegerTypeLimits) {
  EXPECT_EQ(problems("small: 256\n"), "t.yaml:2:8: opts.small: 256 is above the maximum 200\n");
  EXPECT_EQ(problems("small: 201\n"), "t.yaml:2:8: opts.small: 201 is above the maximum 200\n");
  EXPECT_EQ(problems("small: -1\n"), "t.yaml:2:8: opts.small: -1 is out of range (0 to 255)\n");
  EXPECT_EQ(problems("huge: 18446744073709551616\n"),
            "t.yaml:2:7: opts.huge: 18446744073709551616 is out of range (0 to 18446744073709551615)\n");
  EXPECT_EQ(problems("huge: -18446744073709551616\n"),
            "t.yaml:2:7: opts.huge: -18446744073709551616 is out of range (0 to 18446744073709551615)\n");
  EXPECT_EQ(problems("big: -9223372036854775809\n"),
            "t.yaml:2:6: opts.big: -9223372036854775809 is below the minimum -1000\n");
  EXPECT_EQ(problems("offset: 40000\n"), "t.yaml:2:9: opts.offset: 40000 is out of range (-10 to 10)\n");

  Everything e;
  ASSERT_TRUE(parse("token: t\nhuge: 0\nsmall: 0\n", e)) << diagnostics_.to_string();
  EXPECT_EQ(e.huge, 0u);
  EXPECT_EQ(e.small, 0);
}

TEST_F(OptionTableTest, RangeMessages) {
  EXPECT_EQ(problems("count: 0\n"), "t.yaml:2:8: opts.count: 0 is out of range (1 to 100)\n");
  EXPECT_EQ(problems("count: 101\n"), "t.yaml:2:8: opts.count: 101 is out of range (1 to 100)\n");
  EXPECT_EQ(problems("offset: -11\n"), "t.yaml:2:9: opts.offset: -11 is out of range (-10 to 10)\n");
  EXPECT_EQ(problems("big: -1001\n"), "t.yaml:2:6: opts.big: -1001 is below the minimum -1000\n");
  EXPECT_EQ(problems("ratio: 1.01\n"), "t.yaml:2:8: opts.ratio: 1.01 is out of range (0 to 1)\n");
  EXPECT_EQ(problems("ratio: -0.5\n"), "t.yaml:2:8: opts.ratio: -0.5 is out of range (0 to 1)\n");
  EXPECT_EQ(problems("size: 1023\n"), "t.yaml:2:7: opts.size: 1023B is out of range (1KiB to 1MiB)\n");
  EXPECT_EQ(problems("size: 2MiB\n"), "t.yaml:2:7: opts.size: 2MiB is out of range (1KiB to 1MiB)\n");
  EXPECT_EQ(problems("wait: 99ms\n"), "t.yaml:2:7: opts.wait: 99ms is out of range (100ms to 1m)\n");
  EXPECT_EQ(problems("wait: 2m\n"), "t.yaml:2:7: opts.wait: 2m is out of range (100ms to 1m)\n");
  EXPECT_EQ(problems("endpoint: {host: h, port: 0}\n"),
            "t.yaml:2:27: opts.endpoint.port: 0 is below the minimum 1\n");

  // The bounds themselves are in range.
  Everything e;
  ASSERT_TRUE(parse("token: t\ncount: 1\nratio: 0\nsize: 1KiB\nwait: 100ms\n", e))
      << diagnostics_.to_string();
  ASSERT_TRUE(parse("token: t\ncount: 100\nratio: 1\nsize: 1MiB\nwait: 60s\n", e))
      << diagnostics_.to_string();
}

TEST_F(OptionTableTest, WrongTypes) {
  EXPECT_EQ(problems("flag: 1\n"), "t.yaml:2:7: opts.flag: expected true or false, got '1'\n");
  EXPECT_EQ(problems("flag: True\n"), "t.yaml:2:7: opts.flag: expected true or false, got 'True'\n");
  EXPECT_EQ(problems("count: 1.5\n"), "t.yaml:2:8: opts.count: expected an integer, got '1.5'\n");
  EXPECT_EQ(problems("count: 0x10\n"), "t.yaml:2:8: opts.count: expected an integer, got '0x10'\n");
  EXPECT_EQ(problems("count: 12abc\n"), "t.yaml:2:8: opts.count: expected an integer, got '12abc'\n");
  EXPECT_EQ(problems("count: ''\n"), "t.yaml:2:8: opts.count: expected an integer, got ''\n");
  EXPECT_EQ(problems("count: [1]\n"), "t.yaml:2:8: opts.count: expected an integer, got a list\n");
  EXPECT_EQ(problems("ratio: one\n"), "t.yaml:2:8: opts.ratio: expected a number, got 'one'\n");
  EXPECT_EQ(problems("ratio: nan\n"), "t.yaml:2:8: opts.ratio: expected a number, got 'nan'\n");
  EXPECT_EQ(problems("ratio: -inf\n"), "t.yaml:2:8: opts.ratio: expected a number, got '-inf'\n");
  EXPECT_EQ(problems("name: {a: b}\n"), "t.yaml:2:7: opts.name: expected a string, got a map\n");
  EXPECT_EQ(problems("name:\n"), "t.yaml:2:6: opts.name: expected a string, got nothing\n");
  EXPECT_EQ(problems("size: 1.5MiB\n"),
            "t.yaml:2:7: opts.size: expected a byte size such as 512KiB or 64MiB, got '1.5MiB'\n");
  EXPECT_EQ(problems("wait: 10\n"),
            "t.yaml:2:7: opts.wait: expected a duration such as 500ms, 5s or 1m, got '10'\n");
  EXPECT_EQ(problems("tags: {a: b}\n"), "t.yaml:2:7: opts.tags: expected a list of strings, got a map\n");
  EXPECT_EQ(problems("tags: [a, {b: c}]\n"), "t.yaml:2:11: opts.tags: expected a string, got a map\n");
  EXPECT_EQ(problems("labels: a=b\n"), "t.yaml:2:9: opts.labels: expected a map of strings, got a value\n");
  EXPECT_EQ(problems("labels: {a: [b]}\n"), "t.yaml:2:13: opts.labels.a: expected a value, got a list\n");
  EXPECT_EQ(problems("endpoint: [h]\n"),
            "t.yaml:2:11: opts.endpoint: expected a map of options, got a list\n");
}

TEST_F(OptionTableTest, Choices) {
  EXPECT_EQ(problems("color: gren\n"),
            "t.yaml:2:8: opts.color: expected one of red, green, blue; got 'gren' (did you mean 'green'?)\n");
  EXPECT_EQ(problems("color: purple\n"),
            "t.yaml:2:8: opts.color: expected one of red, green, blue; got 'purple'\n");
  EXPECT_EQ(problems("color: Red\n"),
            "t.yaml:2:8: opts.color: expected one of red, green, blue; got 'Red' (did you mean 'red'?)\n");
  Everything e;
  ASSERT_TRUE(parse("token: t\ncolor: red\n", e));
  EXPECT_EQ(e.color, Color::red);
}

TEST_F(OptionTableTest, UnknownOptions) {
  EXPECT_EQ(problems("colour: red\n"), "t.yaml:2:1: opts: unknown option 'colour'; did you mean 'color'?\n");
  EXPECT_EQ(problems("falg: true\n"), "t.yaml:2:1: opts: unknown option 'falg'; did you mean 'flag'?\n");
  EXPECT_EQ(
      problems("zzzzzz: 1\n"),
      "t.yaml:2:1: opts: unknown option 'zzzzzz'; valid options: flag, small, offset, count, big, huge, "
      "ratio, name, size, wait, tags, empty_list, labels, preset, color, endpoint, token\n");
  EXPECT_EQ(problems("endpoint: {host: h, prot: 1}\n"),
            "t.yaml:2:21: opts.endpoint: unknown option 'prot'; did you mean 'port'?\n");

  NoOptions none;
  EXPECT_FALSE(parse("anything: 1\n", none));
  EXPECT_EQ(diagnostics_.to_string(),
            "t.yaml:1:1: opts: unknown option 'anything'; this component takes no options\n");
}

TEST_F(OptionTableTest, KeysHandledElsewhereAreSkippedAndSuggested) {
  Everything e;
  ASSERT_TRUE(parse("token: t\ntype: x\ninputs: [a]\n", e, {"type", "inputs"})) << diagnostics_.to_string();
  EXPECT_FALSE(parse("token: t\ninput: [a]\n", e, {"type", "inputs"}));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:2:1: opts: unknown option 'input'; did you mean 'inputs'?\n");
}

TEST_F(OptionTableTest, RepeatedKeys) {
  EXPECT_EQ(problems("count: 1\ncount: 2\n"),
            "t.yaml:3:1: opts: option 'count' is given twice (first at line 2)\n");
  EXPECT_EQ(problems("labels:\n  a: 1\n  a: 2\n"),
            "t.yaml:4:3: opts.labels: key 'a' is given twice (first at line 3)\n");
  // The first value is the one parsed (yaml-cpp keeps both pairs, in order).
  Everything e;
  EXPECT_FALSE(parse("token: t\ncount: 5\ncount: 6\n", e));
  EXPECT_EQ(e.count, 5);
}

TEST_F(OptionTableTest, RequiredOptions) {
  Everything e;
  EXPECT_FALSE(parse("name: x\n", e));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:1:1: opts: missing required option 'token'\n");
  // Given but empty is not missing: it is the wrong type.
  EXPECT_FALSE(parse("token:\n", e));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:1:7: opts.token: expected a string, got nothing\n");
  // In a section.
  EXPECT_EQ(problems("endpoint:\n  port: 99\n"),
            "t.yaml:3:3: opts.endpoint: missing required option 'host'\n");
  // A null map: every required option is missing.
  EXPECT_FALSE(parse("", e));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml: opts: missing required option 'token'\n");
  Endpoint endpoint;
  EXPECT_FALSE(parse("~", endpoint));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:1:1: opts: missing required option 'host'\n");
}

TEST_F(OptionTableTest, ANullMapWithoutRequiredOptionsIsFine) {
  NoOptions none;
  EXPECT_TRUE(parse("", none));
  EXPECT_TRUE(diagnostics_.empty());
}

TEST_F(OptionTableTest, NotAMap) {
  Everything e;
  EXPECT_FALSE(parse("[a, b]\n", e));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:1:1: opts: expected a map of options, got a list\n");
  EXPECT_FALSE(parse("just text\n", e));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:1:1: opts: expected a map of options, got a value\n");
}

TEST_F(OptionTableTest, ChecksRunOnceEveryOptionParsed) {
  // A table-wide check: reported at the map, under the table's path.
  EXPECT_EQ(problems("flag: false\nratio: 0.5\n"),
            "t.yaml:1:1: opts: ratio must be below 0.5 when flag is false\n");
  // A check of one option: reported at its value, under its path.
  EXPECT_EQ(problems("name: root\n"), "t.yaml:2:7: opts.name: must not be 'root'\n");
  // Not run while an option has a problem of its own (the values would be half-parsed).
  EXPECT_EQ(problems("flag: false\nratio: 0.5\ncount: 0\n"),
            "t.yaml:4:8: opts.count: 0 is out of range (1 to 100)\n");
  Everything e;
  EXPECT_TRUE(parse("token: t\nflag: false\nratio: 0.4\n", e));
}

TEST_F(OptionTableTest, CheckOfAnOptionNotGivenIsReportedAtTheMap) {
  struct Defaults {
    std::string mode = "bad";
    static const OptionTable<Defaults>& options() {
      static const auto table = [] {
        OptionTable<Defaults> t;
        t.add("mode", &Defaults::mode, "Mode.");
        t.add("other", &Defaults::mode, "Same member, other name.");
        t.check("mode", [](const Defaults& d) -> std::optional<std::string> {
          if (d.mode == "bad") return "must not be 'bad'";
          return std::nullopt;
        });
        return t;
      }();
      return table;
    }
  };
  Defaults d;
  EXPECT_FALSE(parse("other: bad\n", d));
  EXPECT_EQ(diagnostics_.to_string(), "t.yaml:1:1: opts.mode: must not be 'bad'\n");
}

TEST_F(OptionTableTest, EnvironmentVariablesInValues) {
  env_["COUNT"] = "42";
  env_["EMPTY"] = "";
  Everything e;
  ASSERT_TRUE(
      parse("token: ${EMPTY}\ncount: ${COUNT}\nname: ${NAME:-fallback}\ntags: [\"${COUNT}x\", \"$$COUNT\"]\n"
            "labels: {k: \"${EMPTY:-d}\"}\n",
            e))
      << diagnostics_.to_string();
  EXPECT_EQ(e.token, "");
  EXPECT_EQ(e.count, 42);
  EXPECT_EQ(e.name, "fallback");
  EXPECT_THAT(e.tags, ElementsAre("42x", "$COUNT"));
  EXPECT_EQ(e.labels.at("k"), "d");
  EXPECT_EQ(problems("count: ${MISSING}\n"),
            "t.yaml:2:8: opts.count: environment variable 'MISSING' is not set and has no default (write "
            "${MISSING:-default})\n");
}

TEST_F(OptionTableTest, EveryProblemIsReported) {
  EXPECT_EQ(problems("count: 0\nflag: maybe\nnmae: 1\nendpoint: {}\n"),
            "t.yaml:2:8: opts.count: 0 is out of range (1 to 100)\nt.yaml:3:7: opts.flag: expected true or "
            "false, got 'maybe'\nt.yaml:4:1: opts: unknown option 'nmae'; did you mean "
            "'name'?\nt.yaml:5:11: opts.endpoint: missing required option 'host'\n");
}

TEST(OptionTableDescribe, DescribesEveryOptionWithItsRenderedDefault) {
  const auto infos = Everything::options().describe();
  std::map<std::string, OptionInfo> by_name;
  std::vector<std::string> order;
  for (const auto& info : infos) {
    order.push_back(info.name);
    by_name[info.name] = info;
  }
  EXPECT_EQ(order, Everything::options().names());
  EXPECT_THAT(order,
              ElementsAre("flag", "small", "offset", "count", "big", "huge", "ratio", "name", "size", "wait",
                          "tags", "empty_list", "labels", "preset", "color", "endpoint", "token"));

  auto expect = [&](const std::string& name, OptionKind kind, const std::string& default_text) {
    SCOPED_TRACE(name);
    const auto& info = by_name.at(name);
    EXPECT_EQ(info.kind, kind);
    EXPECT_EQ(info.default_text, default_text);
  };
  expect("flag", OptionKind::boolean, "true");
  expect("small", OptionKind::integer, "7");
  expect("offset", OptionKind::integer, "-5");
  expect("count", OptionKind::integer, "10");
  expect("big", OptionKind::integer, "-1");
  expect("huge", OptionKind::integer, "18446744073709551615");
  expect("ratio", OptionKind::floating, "0.25");
  expect("name", OptionKind::string, "anon");
  expect("size", OptionKind::byte_size, "64KiB");
  expect("wait", OptionKind::duration, "1500ms");
  expect("tags", OptionKind::string_list, "[a, b]");
  expect("empty_list", OptionKind::string_list, "[]");
  expect("labels", OptionKind::string_map, "{}");
  expect("preset", OptionKind::string_map, "(map)");
  expect("color", OptionKind::choice, "green");
  expect("endpoint", OptionKind::section, "");
  expect("token", OptionKind::string, "");  // required: no default

  EXPECT_EQ(by_name.at("flag").doc, "A bool.");
  EXPECT_FALSE(by_name.at("flag").required);
  EXPECT_TRUE(by_name.at("token").required);
  EXPECT_EQ(by_name.at("token").example, "s3cr3t");
  EXPECT_EQ(by_name.at("count").min, 1.0);
  EXPECT_EQ(by_name.at("count").max, 100.0);
  EXPECT_EQ(by_name.at("big").min, -1000.0);
  EXPECT_FALSE(by_name.at("big").max.has_value());
  EXPECT_FALSE(by_name.at("small").min.has_value());
  EXPECT_EQ(by_name.at("small").max, 200.0);
  EXPECT_FALSE(by_name.at("name").min.has_value());
  EXPECT_THAT(by_name.at("color").choices, ElementsAre("red", "green", "blue"));
  EXPECT_TRUE(by_name.at("name").choices.empty());
  EXPECT_EQ(by_name.at("endpoint").section, &Endpoint::options());
  EXPECT_EQ(by_name.at("name").section, nullptr);

  const auto endpoint = Endpoint::options().describe();
  ASSERT_EQ(endpoint.size(), 2u);
  EXPECT_EQ(endpoint[0].name, "host");
  EXPECT_TRUE(endpoint[0].required);
  EXPECT_EQ(endpoint[1].default_text, "80");
}

// A default that another option decides (the loader sets it) is shown as written, not rendered from the
// member.
struct DependentDefault {
  ByteSize limit{1024};
  static const OptionTable<DependentDefault>& options() {
    static const auto table = [] {
      OptionTable<DependentDefault> t;
      t.add("limit", &DependentDefault::limit, "Limit.").shown_default("1KiB (a), 2KiB (b)");
      return t;
    }();
    return table;
  }
};

TEST_F(OptionTableTest, AShownDefaultReplacesTheRenderedOne) {
  const auto infos = DependentDefault::options().describe();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_EQ(infos[0].default_text, "1KiB (a), 2KiB (b)");
  // Parsing is unchanged: the member's initializer is the value when the option is not given.
  DependentDefault parsed;
  ASSERT_TRUE(parse("{}", parsed)) << diagnostics_.to_string();
  EXPECT_EQ(parsed.limit.bytes, 1024u);
  ASSERT_TRUE(parse("limit: 4KiB", parsed)) << diagnostics_.to_string();
  EXPECT_EQ(parsed.limit.bytes, 4096u);
}

TEST(OptionTableDescribe, KindNamesAndRangeTexts) {
  EXPECT_EQ(kind_name(OptionKind::boolean), "bool");
  EXPECT_EQ(kind_name(OptionKind::integer), "integer");
  EXPECT_EQ(kind_name(OptionKind::floating), "number");
  EXPECT_EQ(kind_name(OptionKind::string), "string");
  EXPECT_EQ(kind_name(OptionKind::byte_size), "byte size");
  EXPECT_EQ(kind_name(OptionKind::duration), "duration");
  EXPECT_EQ(kind_name(OptionKind::string_list), "list of strings");
  EXPECT_EQ(kind_name(OptionKind::string_map), "map of strings");
  EXPECT_EQ(kind_name(OptionKind::choice), "one of");
  EXPECT_EQ(kind_name(OptionKind::section), "section");

  EXPECT_EQ(detail::format_number(1024 * 1024, OptionKind::byte_size), "1MiB");
  EXPECT_EQ(detail::format_number(90 * 1000, OptionKind::duration), "90s");
  EXPECT_EQ(detail::format_number(1e6, OptionKind::integer), "1000000");
  EXPECT_EQ(detail::format_number(0.5, OptionKind::floating), "0.5");
  EXPECT_EQ(detail::format_number(-3, OptionKind::integer), "-3");
}

}  // namespace
}  // namespace pyrolog::config
