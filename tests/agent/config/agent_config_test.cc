#include "config/agent_config.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin/plugin_registry.h"
#include "support/test_plugins.h"

namespace pyrolog {
namespace {

using ::pyrolog::testing::TestCodec;
using ::pyrolog::testing::TestRouterConfig;
using ::pyrolog::testing::TestSinkConfig;
using ::pyrolog::testing::TestSourceConfig;
using ::pyrolog::testing::TestTypedSourceConfig;
using ::testing::ElementsAre;

// An environment for `${VAR}` that holds exactly `vars`, whatever the process environment holds.
config::EnvLookup env_of(std::map<std::string, std::string> vars = {}) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Every problem found in `text`, one `test.yaml:LINE:COL: path: message` line each.
std::string problems(const std::string& text, const config::EnvLookup& env = env_of()) {
  auto result = load_config_text(text, "test.yaml", env);
  EXPECT_FALSE(result.config.has_value()) << "the configuration loaded, but it has problems:\n" << text;
  return result.diagnostics.to_string();
}

AgentConfig load_ok(const std::string& text, const config::EnvLookup& env = env_of()) {
  auto result = load_config_text(text, "test.yaml", env);
  EXPECT_TRUE(result.config.has_value()) << result.diagnostics.to_string();
  EXPECT_TRUE(result.diagnostics.empty()) << result.diagnostics.to_string();
  return result.config ? std::move(*result.config) : AgentConfig{};
}

template <class Config>
const Config& options_of(const AgentConfig& config, const std::string& name) {
  const ComponentConfig* c = config.find(name);
  if (c == nullptr || c->options == nullptr) throw std::runtime_error("no component " + name);
  return *static_cast<const Config*>(c->options.get());
}

// A typed source with one extra option line (line 4), read by a sink.
std::string typed_source_with(const std::string& option_line) {
  return "sources:\n"
         "  in:\n    type: test_typed_source\n" +
         option_line + "\nsinks:\n  out:\n    type: test_sink\n    inputs: [in]\n";
}

// ---- A valid configuration ----

TEST(AgentConfig, LoadsAValidConfigWithEveryComponentAndTypedOptions) {
  const auto config = load_ok(R"(data_dir: /tmp/pyrolog-test
log_level: debug
threads: 3
sinks:
  out:
    type: test_sink
    inputs: [route.errors, pass]
    probe: p1
    hold_acks: true
    channel:
      type: memory
      max_bytes: 1MiB
      when_full: drop_newest
  audit:
    type: test_sink
    inputs: route
transforms:
  route:
    type: test_router
    inputs: [in]
    routes: [errors, slow]
  pass:
    type: test_passthrough
    inputs: [route.slow, typed]
    tag: seen
sources:
  typed:
    type: test_typed_source
    port: 65535
    workers: 64
    retries: 0
    max_events: 1000000
    ratio: 0.25
    buffer: 512KiB
    timeout: 1500ms
    compress: true
    codec: zstd
    label: "${LABEL:-unlabelled}"
    tags: [a, b]
    headers: {x-one: "1", x-two: two}
    tls: {enabled: true, ca_file: /etc/ca.pem}
  in:
    type: test_source
    batches: 2
    lines: single
)",
                              env_of({{"UNUSED", "x"}}));

  EXPECT_EQ(config.file, "test.yaml");
  EXPECT_EQ(config.global.data_dir, "/tmp/pyrolog-test");
  EXPECT_EQ(config.global.log_level, "debug");
  EXPECT_EQ(config.global.threads, 3u);

  // Sources, then transforms, then sinks, each in file order, whatever order the file has.
  std::vector<std::string> names;
  for (const auto& c : config.components)
    names.push_back(c.name);
  EXPECT_THAT(names, ElementsAre("typed", "in", "route", "pass", "out", "audit"));

  const ComponentConfig* out = config.find("out");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->kind, ComponentKind::sink);
  EXPECT_EQ(out->type, "test_sink");
  EXPECT_EQ(out->plugin, PluginRegistry::instance().find(ComponentKind::sink, "test_sink"));
  EXPECT_THAT(out->inputs, ElementsAre("route.errors", "pass"));
  EXPECT_EQ(out->channel.max_bytes, ByteSize{1024 * 1024});
  EXPECT_EQ(out->channel.when_full, WhenFull::drop_newest);
  EXPECT_EQ(out->channel.type, ChannelType::memory);
  EXPECT_EQ(out->where.line, 5);
  EXPECT_EQ(out->where.column, 3);
  EXPECT_EQ(options_of<TestSinkConfig>(config, "out").probe, "p1");
  EXPECT_TRUE(options_of<TestSinkConfig>(config, "out").hold_acks);

  const ComponentConfig* audit = config.find("audit");
  ASSERT_NE(audit, nullptr);
  EXPECT_THAT(audit->inputs, ElementsAre("route"));                // a single name is a list of one
  EXPECT_EQ(audit->channel.max_bytes, ChannelConfig{}.max_bytes);  // the defaults
  EXPECT_EQ(audit->channel.type, ChannelConfig{}.type);
  EXPECT_EQ(audit->channel.when_full, WhenFull::block);

  EXPECT_EQ(config.find("route")->kind, ComponentKind::transform);
  EXPECT_THAT(options_of<TestRouterConfig>(config, "route").routes, ElementsAre("errors", "slow"));
  EXPECT_THAT(config.find("pass")->inputs, ElementsAre("route.slow", "typed"));

  const auto& typed = options_of<TestTypedSourceConfig>(config, "typed");
  EXPECT_EQ(typed.port, 65535);
  EXPECT_EQ(typed.workers, 64u);
  EXPECT_EQ(typed.retries, 0);
  EXPECT_EQ(typed.max_events, 1'000'000u);
  EXPECT_DOUBLE_EQ(typed.ratio, 0.25);
  EXPECT_EQ(typed.buffer, ByteSize{512 * 1024});
  EXPECT_EQ(typed.timeout, Duration{1500});
  EXPECT_TRUE(typed.compress);
  EXPECT_EQ(typed.codec, TestCodec::zstd);
  EXPECT_EQ(typed.label, "unlabelled");
  EXPECT_THAT(typed.tags, ElementsAre("a", "b"));
  EXPECT_EQ(typed.headers, (std::map<std::string, std::string>{{"x-one", "1"}, {"x-two", "two"}}));
  EXPECT_TRUE(typed.tls.enabled);
  EXPECT_EQ(typed.tls.ca_file, "/etc/ca.pem");
  EXPECT_TRUE(config.find("typed")->inputs.empty());

  const auto& in = options_of<TestSourceConfig>(config, "in");
  EXPECT_EQ(in.batches, 2u);
  EXPECT_EQ(in.events, 1u);  // the default
  EXPECT_THAT(in.lines, ElementsAre("single"));

  EXPECT_EQ(config.find("nope"), nullptr);
}

TEST(AgentConfig, LoadsTheSmallestConfig) {
  const auto config = load_ok(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: in
)");
  ASSERT_EQ(config.components.size(), 2u);
  EXPECT_EQ(config.global.data_dir, "/var/lib/pyrolog");
  EXPECT_EQ(config.global.log_level, "info");
  EXPECT_EQ(config.global.threads, 0u);
}

// ---- Unknown options ----

TEST(AgentConfig, UnknownOptionSuggestsTheClosestName) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
    batchs: 3
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:4:5: sources.in: unknown option 'batchs'; did you mean 'batches'?\n");
}

TEST(AgentConfig, UnknownOptionSuggestsTheKeysTheLoaderHandles) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    input: [in]
    chanel: {max_bytes: 1MiB}
)"),
            "test.yaml:5:3: sinks.out: a sink needs 'inputs': the sources or transforms it reads "
            "from\ntest.yaml:7:5: sinks.out: unknown option 'input'; did you mean 'inputs'?\ntest.yaml:8:5: "
            "sinks.out: unknown option 'chanel'; did you mean 'channel'?\n");
}

TEST(AgentConfig, UnknownOptionWithoutACloseNameListsTheValidOptions) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
    zzz: 1
)"),
            "test.yaml:8:5: sinks.out: unknown option 'zzz'; valid options: probe, hold_acks, fail_on, "
            "fail_times, return_early, type, inputs, channel\n");
}

TEST(AgentConfig, UnknownTopLevelOptionSuggestsASection) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sink:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:4:1: unknown option 'sink'; did you mean 'sinks'?\ntest.yaml:1:1: the configuration "
            "has no sinks\n");
}

// ---- Types and ranges ----

TEST(AgentConfig, WrongTypesAreReportedAtTheValue) {
  EXPECT_EQ(problems(typed_source_with("    workers: many")),
            "test.yaml:4:14: sources.in.workers: expected an integer, got 'many'\n");
  EXPECT_EQ(problems(typed_source_with("    label: {a: 1}")),
            "test.yaml:4:12: sources.in.label: expected a string, got a map\n");
  EXPECT_EQ(problems(typed_source_with("    compress: [true]")),
            "test.yaml:4:15: sources.in.compress: expected true or false, got a list\n");
  EXPECT_EQ(problems(typed_source_with("    compress: yes")),
            "test.yaml:4:15: sources.in.compress: expected true or false, got 'yes'\n");
  EXPECT_EQ(problems(typed_source_with("    ratio: half")),
            "test.yaml:4:12: sources.in.ratio: expected a number, got 'half'\n");
  EXPECT_EQ(problems(typed_source_with("    tags: {a: b}")),
            "test.yaml:4:11: sources.in.tags: expected a list of strings, got a map\n");
  EXPECT_EQ(problems(typed_source_with("    tags: [a, [b]]")),
            "test.yaml:4:15: sources.in.tags: expected a string, got a list\n");
  EXPECT_EQ(problems(typed_source_with("    headers: [a]")),
            "test.yaml:4:14: sources.in.headers: expected a map of strings, got a list\n");
  EXPECT_EQ(problems(typed_source_with("    headers: {a: [1]}")),
            "test.yaml:4:18: sources.in.headers.a: expected a value, got a list\n");
  EXPECT_EQ(problems(typed_source_with("    tls: true")),
            "test.yaml:4:10: sources.in.tls: expected a map of options, got a value\n");
  EXPECT_EQ(problems(typed_source_with("    workers:")),
            "test.yaml:4:13: sources.in.workers: expected an integer, got nothing\n");
  EXPECT_EQ(problems(typed_source_with("    codec:")),
            "test.yaml:4:11: sources.in.codec: expected one of plain, gzip, zstd; got nothing\n");
  EXPECT_EQ(problems(typed_source_with("    codec: [gzip]")),
            "test.yaml:4:12: sources.in.codec: expected one of plain, gzip, zstd; got a list\n");
}

TEST(AgentConfig, NumbersOutOfRange) {
  // Both bounds.
  EXPECT_EQ(problems(typed_source_with("    workers: 65")),
            "test.yaml:4:14: sources.in.workers: 65 is out of range (1 to 64)\n");
  EXPECT_EQ(problems(typed_source_with("    workers: 0")),
            "test.yaml:4:14: sources.in.workers: 0 is out of range (1 to 64)\n");
  // A minimum only, a maximum only.
  EXPECT_EQ(problems(typed_source_with("    retries: -1")),
            "test.yaml:4:14: sources.in.retries: -1 is below the minimum 0\n");
  EXPECT_EQ(problems(typed_source_with("    max_events: 1000001")),
            "test.yaml:4:17: sources.in.max_events: 1000001 is above the maximum 1000000\n");
  EXPECT_EQ(problems(typed_source_with("    ratio: 1.5")),
            "test.yaml:4:12: sources.in.ratio: 1.5 is out of range (0 to 1)\n");
  // The limits of the member's type.
  EXPECT_EQ(problems(typed_source_with("    port: 65536")),
            "test.yaml:4:11: sources.in.port: 65536 is out of range (0 to 65535)\n");
  // A negative number for an unsigned option is out of range, not "not an integer".
  EXPECT_EQ(problems(typed_source_with("    port: -1")),
            "test.yaml:4:11: sources.in.port: -1 is out of range (0 to 65535)\n");
  // Past the type's limits, the option's own range is what the user needs to know.
  EXPECT_EQ(problems(typed_source_with("    workers: 99999999999")),
            "test.yaml:4:14: sources.in.workers: 99999999999 is out of range (1 to 64)\n");
  EXPECT_EQ(problems(typed_source_with("    workers: -3")),
            "test.yaml:4:14: sources.in.workers: -3 is out of range (1 to 64)\n");
  // Byte sizes and durations show their bounds in their own units.
  EXPECT_EQ(problems(typed_source_with("    buffer: 2MiB")),
            "test.yaml:4:13: sources.in.buffer: 2MiB is out of range (1KiB to 1MiB)\n");
  EXPECT_EQ(problems(typed_source_with("    timeout: 5ms")),
            "test.yaml:4:14: sources.in.timeout: 5ms is out of range (10ms to 1h)\n");
}

TEST(AgentConfig, NotANumberIsNotInRange) {
  EXPECT_EQ(problems(typed_source_with("    ratio: nan")),
            "test.yaml:4:12: sources.in.ratio: expected a number, got 'nan'\n");
  EXPECT_EQ(problems(typed_source_with("    ratio: inf")),
            "test.yaml:4:12: sources.in.ratio: expected a number, got 'inf'\n");
}

TEST(AgentConfig, BadByteSizeDurationAndChoice) {
  EXPECT_EQ(
      problems(typed_source_with("    buffer: 10 parsecs")),
      "test.yaml:4:13: sources.in.buffer: expected a byte size such as 512KiB or 64MiB, got '10 parsecs'\n");
  EXPECT_EQ(problems(typed_source_with("    timeout: 5")),
            "test.yaml:4:14: sources.in.timeout: expected a duration such as 500ms, 5s or 1m, got '5'\n");
  EXPECT_EQ(problems(typed_source_with("    codec: gzp")),
            "test.yaml:4:12: sources.in.codec: expected one of plain, gzip, zstd; got 'gzp' (did you mean "
            "'gzip'?)\n");
  EXPECT_EQ(problems(typed_source_with("    codec: brotli")),
            "test.yaml:4:12: sources.in.codec: expected one of plain, gzip, zstd; got 'brotli'\n");
}

TEST(AgentConfig, NestedSectionProblemsCarryTheSectionPath) {
  EXPECT_EQ(problems(typed_source_with("    tls: {enabeld: true}")),
            "test.yaml:4:11: sources.in.tls: unknown option 'enabeld'; did you mean 'enabled'?\n");
  // A check across options of the section, once they each parsed.
  EXPECT_EQ(problems(typed_source_with("    tls: {enabled: true}")),
            "test.yaml:4:10: sources.in.tls: ca_file is required when enabled is true\n");
}

TEST(AgentConfig, MissingRequiredOption) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
transforms:
  route:
    type: test_router
    inputs: [in]
sinks:
  out:
    type: test_sink
    inputs: [route]
)"),
            "test.yaml:6:5: transforms.route: missing required option 'routes'\n");
}

TEST(AgentConfig, DuplicateKeyInOneMapIsReportedOnce) {
  // yaml-cpp 0.7 keeps both pairs of a repeated key: iteration sees both, `node[key]` finds the first.
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
    batches: 1
    batches: 2
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:5:5: sources.in: option 'batches' is given twice (first at line 4)\n");
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
    type: test_typed_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:4:5: sources.in: option 'type' is given twice (first at line 3)\n");
  EXPECT_EQ(problems(typed_source_with("    headers: {a: x, b: y, a: z}")),
            "test.yaml:4:27: sources.in.headers: key 'a' is given twice (first at line 4)\n");
}

TEST(AgentConfig, DuplicateSectionAtTheTopLevel) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
sources:
  other:
    type: test_source
)"),
            "test.yaml:8:1: option 'sources' is given twice (first at line 1)\n");
}

TEST(AgentConfig, GlobalOptionProblems) {
  EXPECT_EQ(problems(R"(log_level: verbose
threads: 300
sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:2:10: threads: 300 is out of range (0 to 256)\n");
  EXPECT_EQ(problems(R"(log_level: verbose
sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:1:12: log_level: expected one of debug, info, warning, error; got 'verbose'\n");
  EXPECT_EQ(problems(R"(data_dir: ""
sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:1:11: data_dir: must not be empty\n");
}

// ---- Component types ----

TEST(AgentConfig, UnknownTypeSuggestsAndListsTheKnownTypes) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_sourc
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:3:11: sources.in.type: unknown source type 'test_sourc'; did you mean 'test_source'? "
            "(known: test_source, test_typed_source)\n");
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: kafka
    inputs: [in]
)"),
            "test.yaml:6:11: sinks.out.type: unknown sink type 'kafka' (known: test_sink)\n");
}

TEST(AgentConfig, MissingType) {
  EXPECT_EQ(
      problems(R"(sources:
  in:
    batches: 1
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
      "test.yaml:2:3: sources.in: missing 'type'; a source is one of: test_source, test_typed_source\n");
  EXPECT_EQ(problems(R"(sources:
  in:
    type:
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:3:10: sources.in.type: missing 'type'; a source is one of: test_source, "
            "test_typed_source\n");
}

TEST(AgentConfig, ComponentBodyMustBeAMap) {
  EXPECT_EQ(problems(R"(sources:
  in: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:2:7: sources.in: expected a map with 'type' and the source's options, got a value\n");
  EXPECT_EQ(problems(R"(sources:
  in:
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:2:3: sources.in: expected a map with 'type' and the source's options, got nothing\n");
  EXPECT_EQ(problems(R"(sources: [in]
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:1:10: sources: expected a map of sources by name, got a list\n");
}

TEST(AgentConfig, InvalidComponentName) {
  EXPECT_EQ(
      problems(R"(sources:
  in.put:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
      "test.yaml:2:3: sources.in.put: a component name is 1 to 128 letters, digits, '_' or '-' ('.' is kept "
      "for a transform's named outputs)\ntest.yaml:7:14: sinks.out.inputs: 'in' names no source or "
      "transform\n");
}

TEST(AgentConfig, BuildingAComponentCanFail) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
    build_error: the pattern does not compile
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:2:3: sources.in: the pattern does not compile\n");
}

// ---- Topology ----

TEST(AgentConfig, InputNamingNoComponentSuggestsOne) {
  EXPECT_EQ(problems(R"(sources:
  web:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [wbe]
)"),
            "test.yaml:7:14: sinks.out.inputs: 'wbe' names no source or transform; did you mean 'web'?\n");
  EXPECT_EQ(problems(R"(sources:
  web:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [web, database]
)"),
            "test.yaml:7:19: sinks.out.inputs: 'database' names no source or transform\n");
}

TEST(AgentConfig, InputNamingASink) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
  copy:
    type: test_sink
    inputs: [out]
)"),
            "test.yaml:10:14: sinks.copy.inputs: 'out' is a sink; inputs name sources and transforms\n");
}

TEST(AgentConfig, ComponentReadingFromItself) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
transforms:
  loop:
    type: test_passthrough
    inputs: [in, loop]
sinks:
  out:
    type: test_sink
    inputs: [loop]
)"),
            "test.yaml:7:18: transforms.loop.inputs: 'loop' reads from itself\n");
}

TEST(AgentConfig, CycleAmongTransforms) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
transforms:
  a:
    type: test_passthrough
    inputs: [in, c]
  b:
    type: test_passthrough
    inputs: [a]
  c:
    type: test_passthrough
    inputs: [b]
sinks:
  out:
    type: test_sink
    inputs: [c]
)"),
            "test.yaml:10:14: transforms.b.inputs: transforms form a cycle: a <- c <- b <- a\n");
}

TEST(AgentConfig, InputsAreRequiredAndNotEmpty) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
)"),
            "test.yaml:5:3: sinks.out: a sink needs 'inputs': the sources or transforms it reads from\n");
  EXPECT_EQ(
      problems(R"(sources:
  in:
    type: test_source
transforms:
  t:
    type: test_passthrough
    inputs: []
sinks:
  out:
    type: test_sink
    inputs: [t]
)"),
      "test.yaml:7:13: transforms.t.inputs: a transform needs 'inputs': the sources or transforms it reads "
      "from\n");
}

TEST(AgentConfig, EmptyInputsAreReportedWhereTheyAreMissing) {
  EXPECT_EQ(
      problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs:
)"),
      "test.yaml:7:12: sinks.out.inputs: a sink needs 'inputs': the sources or transforms it reads from\n");
}

TEST(AgentConfig, InputsOfTheWrongShape) {
  const std::string head = R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
)";
  EXPECT_EQ(problems(head + "    inputs: {in: true}\n"),
            "test.yaml:7:13: sinks.out.inputs: expected a component name, got a map\n");
  EXPECT_EQ(problems(head + "    inputs: [in, [other]]\n"),
            "test.yaml:7:18: sinks.out.inputs: expected a component name, got a list\n");
}

TEST(AgentConfig, ComponentNameTooLong) {
  const std::string name(129, 'n');
  EXPECT_EQ(
      problems("sources:\n  " + name +
               ":\n    type: test_source\nsinks:\n  out:\n    type: test_sink\n    inputs: [in]\n"),
      "test.yaml:2:3: sources." + name +
          ": a component name is 1 to 128 letters, digits, '_' or '-' ('.' is kept for a transform's named "
          "outputs)\ntest.yaml:7:14: sinks.out.inputs: 'in' names no source or transform\n");
  load_ok("sources:\n  " + std::string(128, 'n') +
          ":\n    type: test_source\nsinks:\n  out:\n    type: test_sink\n    inputs: [" +
          std::string(128, 'n') + "]\n");
}

TEST(AgentConfig, SourceTakesNoInputs) {
  EXPECT_EQ(
      problems(R"(sources:
  in:
    type: test_source
    inputs: [other]
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
      "test.yaml:4:13: sources.in.inputs: a source takes no 'inputs'; it reads from the outside world\n");
}

TEST(AgentConfig, DuplicateNameAcrossSections) {
  EXPECT_EQ(problems(R"(sources:
  main:
    type: test_source
sinks:
  main:
    type: test_sink
    inputs: [main]
)"),
            "test.yaml:5:3: sinks.main: the name 'main' is already used by the source at line 2\n");
}

TEST(AgentConfig, SameInputTwice) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in, in]
)"),
            "test.yaml:7:18: sinks.out.inputs: 'in' is listed twice\n");
}

TEST(AgentConfig, NamedOutputs) {
  const std::string head = R"(sources:
  in:
    type: test_source
transforms:
  route:
    type: test_router
    inputs: [in]
    routes: [errors, slow]
sinks:
  out:
    type: test_sink
)";
  load_ok(head + "    inputs: [route.errors, route.slow, route]\n");
  EXPECT_EQ(problems(head + "    inputs: [route.erors]\n"),
            "test.yaml:12:14: sinks.out.inputs: 'route' has no output named 'erors'; did you mean 'errors'? "
            "(outputs: errors, slow)\n");
  EXPECT_EQ(problems(head + "    inputs: [in.errors]\n"),
            "test.yaml:12:14: sinks.out.inputs: 'in' is a source; only transforms have named outputs\n");
  // A transform whose own options are broken reports that, and nothing about its outputs.
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
transforms:
  route:
    type: test_router
    inputs: [in]
    routes: {a: b}
sinks:
  out:
    type: test_sink
    inputs: [route.a]
)"),
            "test.yaml:8:13: transforms.route.routes: expected a list of strings, got a map\n");
}

TEST(AgentConfig, SourceThatNobodyReads) {
  EXPECT_EQ(
      problems(R"(sources:
  in:
    type: test_source
  forgotten:
    type: test_source
transforms:
  unused:
    type: test_passthrough
    inputs: [in]
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
      "test.yaml:4:3: sources.forgotten: no transform or sink reads from 'forgotten': its events would go "
      "nowhere\ntest.yaml:7:3: transforms.unused: no transform or sink reads from 'unused': its events "
      "would go nowhere\n");
}

TEST(AgentConfig, NoSourcesOrNoSinks) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
)"),
            "test.yaml:1:1: the configuration has no sinks\n");
  EXPECT_EQ(problems(R"(sources: {}
sinks: {}
)"),
            "test.yaml:1:1: the configuration has no sources\ntest.yaml:1:1: the configuration has no "
            "sinks\n");
}

// ---- Channel ----

TEST(AgentConfig, ChannelSection) {
  const std::string head = R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)";
  const auto config = load_ok(head + "    channel: {max_bytes: 64KiB, when_full: block, type: memory}\n");
  EXPECT_EQ(config.find("out")->channel.max_bytes, ByteSize{64 * 1024});
  EXPECT_EQ(config.find("out")->channel.when_full, WhenFull::block);
  EXPECT_EQ(config.find("out")->channel.type, ChannelType::memory);
  // Without a size of its own, a memory channel takes 64MiB and a disk channel 1GiB.
  EXPECT_EQ(load_ok(head + "    channel: {type: memory}\n").find("out")->channel.max_bytes,
            ByteSize{64 * 1024 * 1024});
  EXPECT_EQ(load_ok(head + "    channel: {type: disk}\n").find("out")->channel.max_bytes,
            ByteSize{1024 * 1024 * 1024});
  EXPECT_EQ(load_ok(head + "    channel: {type: memory, max_bytes: 1GiB}\n").find("out")->channel.max_bytes,
            ByteSize{1024 * 1024 * 1024});

  EXPECT_EQ(
      problems(head + "    channel:\n      max_bytes: 1KiB\n      when_full: dropnewest\n"),
      "test.yaml:9:18: sinks.out.channel.max_bytes: 1KiB is out of range (64KiB to 1TiB)\ntest.yaml:10:18: "
      "sinks.out.channel.when_full: expected one of block, drop_newest; got 'dropnewest' (did you mean "
      "'drop_newest'?)\n");
  EXPECT_EQ(problems(head + "    channel: {max_byte: 1MiB}\n"),
            "test.yaml:8:15: sinks.out.channel: unknown option 'max_byte'; did you mean 'max_bytes'?\n");
  EXPECT_EQ(problems(head + "    channel: memory\n"),
            "test.yaml:8:14: sinks.out.channel: expected a map of options, got a value\n");
  // Only sinks have a channel.
  EXPECT_EQ(
      problems(R"(sources:
  in:
    type: test_source
    channel: {max_bytes: 1MiB}
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
      "test.yaml:4:5: sources.in: unknown option 'channel'; valid options: probe, batches, events, lines, "
      "build_error, open_error, type, inputs\n");
}

TEST(AgentConfig, HttpSection) {
  const std::string body = R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)";
  const auto defaults = load_ok(body);
  EXPECT_TRUE(defaults.global.http.enabled);
  EXPECT_EQ(defaults.global.http.address, "127.0.0.1:9180");
  EXPECT_EQ(defaults.global.http.sink_stall_timeout, std::chrono::seconds(30));

  const auto set = load_ok("http: {enabled: false, address: '[::1]:9999', sink_stall_timeout: 5s}\n" + body);
  EXPECT_FALSE(set.global.http.enabled);
  EXPECT_EQ(set.global.http.address, "[::1]:9999");
  EXPECT_EQ(set.global.http.sink_stall_timeout, std::chrono::seconds(5));

  EXPECT_THAT(problems("http: {address: localhost}\n" + body),
              ::testing::HasSubstr("http.address: expected host:port, got 'localhost'"));
  EXPECT_THAT(problems("http: {address: '127.0.0.1:99999'}\n" + body),
              ::testing::HasSubstr("http.address: '99999' is not a port number (0 to 65535)"));
  EXPECT_THAT(problems("http: {sink_stall_timeout: 10ms}\n" + body),
              ::testing::HasSubstr("http.sink_stall_timeout: 10ms is out of range"));
  EXPECT_THAT(problems("http: {adress: x}\n" + body), ::testing::HasSubstr("did you mean 'address'?"));
}

// ---- Environment variables ----

TEST(AgentConfig, EnvironmentVariables) {
  const std::string text = R"(sources:
  in:
    type: ${SOURCE_TYPE:-test_source}
    batches: ${BATCHES}
    lines: ["${GREETING:-hello}", "$${NOT_A_VAR}"]
sinks:
  out:
    type: test_sink
    inputs: [in]
)";
  const auto config = load_ok(text, env_of({{"BATCHES", "7"}}));
  EXPECT_EQ(options_of<TestSourceConfig>(config, "in").batches, 7u);
  EXPECT_THAT(options_of<TestSourceConfig>(config, "in").lines, ElementsAre("hello", "${NOT_A_VAR}"));

  const auto set = load_ok(text, env_of({{"BATCHES", "1"}, {"GREETING", "hi"}}));
  EXPECT_THAT(options_of<TestSourceConfig>(set, "in").lines, ElementsAre("hi", "${NOT_A_VAR}"));

  // Set but empty: the default applies.
  const auto empty = load_ok(text, env_of({{"BATCHES", "1"}, {"GREETING", ""}}));
  EXPECT_THAT(options_of<TestSourceConfig>(empty, "in").lines, ElementsAre("hello", "${NOT_A_VAR}"));

  EXPECT_EQ(
      problems(text),
      "test.yaml:4:14: sources.in.batches: environment variable 'BATCHES' is not set and has no default "
      "(write ${BATCHES:-default})\n");
  EXPECT_EQ(problems(text, env_of({{"BATCHES", "lots"}})),
            "test.yaml:4:14: sources.in.batches: expected an integer, got 'lots'\n");
}

TEST(AgentConfig, EnvironmentVariableInInputsAndBadReferences) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: ["${UPSTREAM"]
)"),
            "test.yaml:7:14: sinks.out.inputs: unterminated '${' in '${UPSTREAM'\n");
  load_ok(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: ["${UPSTREAM}"]
)",
          env_of({{"UPSTREAM", "in"}}));
}

// ---- The document ----

TEST(AgentConfig, InvalidYaml) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
     batches: 1
)"),
            "test.yaml:4:13: invalid YAML: illegal map value\n");
  EXPECT_EQ(problems("sources: [in\n"), "test.yaml:2:1: invalid YAML: end of sequence flow not found\n");
}

TEST(AgentConfig, EmptyDocument) {
  const std::string expected =
      "test.yaml: the configuration is empty; it needs at least 'sources' and 'sinks'\n";
  EXPECT_EQ(problems(""), expected);
  EXPECT_EQ(problems("# nothing yet\n"), expected);
  EXPECT_EQ(problems("---\n"), expected);
}

TEST(AgentConfig, TopLevelMustBeAMap) {
  EXPECT_EQ(problems("- sources\n- sinks\n"), "test.yaml:1:1: expected a map at the top level, got a list\n");
  EXPECT_EQ(problems("sources\n"), "test.yaml:1:1: expected a map at the top level, got a value\n");
}

TEST(AgentConfig, OnlyOneDocument) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_sink
    inputs: [in]
---
sinks:
  other:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:9:1: the file holds more than one YAML document; a configuration is one document\n");
}

TEST(AgentConfig, EveryProblemIsReportedAtOnce) {
  const auto result = load_config_text(R"(sources:
  in:
    type: test_source
    batches: many
    events: 0
sinks:
  out:
    type: test_snk
    inputs: [in]
  other:
    type: test_sink
    inputs: [nowhere]
)",
                                       "test.yaml", env_of());
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(result.diagnostics.to_string(),
            "test.yaml:4:14: sources.in.batches: expected an integer, got 'many'\ntest.yaml:5:13: "
            "sources.in.events: 0 is out of range (1 to 100000)\ntest.yaml:8:11: sinks.out.type: unknown "
            "sink type 'test_snk'; did you mean 'test_sink'? (known: test_sink)\ntest.yaml:12:14: "
            "sinks.other.inputs: 'nowhere' names no source or transform\n");
  ASSERT_EQ(result.diagnostics.size(), 4u);
  const auto& first = result.diagnostics.items().front();
  EXPECT_EQ(first.where.file, "test.yaml");
  EXPECT_EQ(first.where.line, 4);
  EXPECT_EQ(first.where.column, 14);
  EXPECT_EQ(first.path, "sources.in.batches");
  EXPECT_EQ(first.message, "expected an integer, got 'many'");
}

TEST(AgentConfig, LoadsAFile) {
  const auto missing = load_config_file("/nonexistent/pyrolog.yaml", env_of());
  EXPECT_FALSE(missing.config.has_value());
  EXPECT_EQ(missing.diagnostics.to_string(),
            "/nonexistent/pyrolog.yaml: cannot read the file: No such file or directory\n");

  const auto path =
      std::filesystem::temp_directory_path() / fmt::format("pyrolog-config-{}.yaml", ::getpid());
  {
    std::ofstream file(path);
    file << "sources:\n  in:\n    type: test_source\nsinks:\n  out:\n    type: test_sink\n    inputs: [ni]\n";
  }
  const auto loaded = load_config_file(path.string(), env_of());
  std::filesystem::remove(path);
  EXPECT_FALSE(loaded.config.has_value());
  EXPECT_EQ(
      loaded.diagnostics.to_string(),
      path.string() + ":7:14: sinks.out.inputs: 'ni' names no source or transform; did you mean 'in'?\n");
}

TEST(AgentConfig, TrailingDocumentMarkerIsOneDocument) {
  const auto config = load_ok(
      "sources:\n  in:\n    type: test_source\nsinks:\n  out:\n    type: test_sink\n    inputs: [in]\n---\n");
  EXPECT_EQ(config.components.size(), 2u);
}

TEST(AgentConfig, DuplicateNameInOneSection) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
  in:
    type: test_typed_source
sinks:
  out:
    type: test_sink
    inputs: [in]
)"),
            "test.yaml:4:3: sources.in: the name 'in' is already used by the source at line 2\n");
}

TEST(AgentConfig, ReadingANamedOutputOfATransformWithoutAny) {
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
transforms:
  pass:
    type: test_passthrough
    inputs: [in]
sinks:
  out:
    type: test_sink
    inputs: [pass.errors]
)"),
            "test.yaml:11:14: sinks.out.inputs: 'pass' has no named outputs; read it as 'pass'\n");
}

TEST(AgentConfig, ABrokenSinkDoesNotMakeItsInputsLookUnread) {
  // The sink's type is wrong, so it is not loaded; its input must not then be reported as read by nobody.
  EXPECT_EQ(
      problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    type: test_snik
    inputs: [in]
)"),
      "test.yaml:6:11: sinks.out.type: unknown sink type 'test_snik'; did you mean 'test_sink'? (known: "
      "test_sink)\n");
  EXPECT_EQ(problems(R"(sources:
  in:
    type: test_source
sinks:
  out:
    inputs: [in]
)"),
            "test.yaml:5:3: sinks.out: missing 'type'; a sink is one of: test_sink\n");
}

}  // namespace
}  // namespace pyrolog
