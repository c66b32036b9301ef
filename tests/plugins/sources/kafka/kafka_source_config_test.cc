#include "kafka_source_config.h"

#include <string>

#include <gtest/gtest.h>

#include "config/parse_context.h"

namespace pyrolog {
namespace {

struct Parsed {
  KafkaSourceConfig config;
  std::string problems;
};

Parsed parse(const std::string& yaml) {
  config::Diagnostics diagnostics;
  config::ParseContext ctx{"test.yaml", &diagnostics, [](const std::string&) { return std::nullopt; }};
  Parsed out;
  KafkaSourceConfig::options().parse(YAML::Load(yaml), out.config, ctx, "sources.kafka", {"type"});
  out.problems = diagnostics.to_string();
  return out;
}

bool mentions(const std::string& problems, const std::string& text) {
  return problems.find(text) != std::string::npos;
}

TEST(KafkaSourceConfig, Defaults) {
  const auto p = parse("brokers: k:9092\ntopics: [web]\ngroup_id: archive");
  ASSERT_EQ(p.problems, "");
  EXPECT_EQ(p.config.auto_offset_reset, KafkaOffsetReset::earliest);
  EXPECT_EQ(p.config.commit_interval.count(), 1000);
  EXPECT_FALSE(p.config.headers);
  const auto props = consumer_properties(p.config);
  EXPECT_EQ(props.at("bootstrap.servers"), "k:9092");
  EXPECT_EQ(props.at("group.id"), "archive");
  EXPECT_EQ(props.at("auto.offset.reset"), "earliest");
  EXPECT_EQ(props.at("enable.auto.commit"), "false");
  EXPECT_EQ(props.at("enable.auto.offset.store"), "false");
}

TEST(KafkaSourceConfig, OptionsBecomeProperties) {
  const auto p = parse(R"(
brokers: k:9092
topics: [web, "^app-.*"]
group_id: g
auto_offset_reset: latest
librdkafka: {partition.assignment.strategy: cooperative-sticky, session.timeout.ms: "10000"}
)");
  ASSERT_EQ(p.problems, "");
  EXPECT_EQ(p.config.topics, (std::vector<std::string>{"web", "^app-.*"}));
  const auto props = consumer_properties(p.config);
  EXPECT_EQ(props.at("auto.offset.reset"), "latest");
  EXPECT_EQ(props.at("partition.assignment.strategy"), "cooperative-sticky");
  EXPECT_EQ(props.at("session.timeout.ms"), "10000");
}

TEST(KafkaSourceConfig, BadValuesAreRejected) {
  EXPECT_TRUE(mentions(parse("topics: [a]\ngroup_id: g").problems, "missing required option 'brokers'"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ngroup_id: g").problems, "missing required option 'topics'"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]").problems, "missing required option 'group_id'"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: []\ngroup_id: g").problems, "at least one topic"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]\ngroup_id: ''").problems, "must not be empty"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]\ngroup_id: g\nauto_offset_reset: middle").problems,
                       "expected one of earliest, latest"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]\ngroup_id: g\nmax_batch_events: 0").problems,
                       "max_batch_events"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]\ngroup_id: g\ncommit_interval: 1ms").problems,
                       "commit_interval"));
}

TEST(KafkaSourceConfig, OffsetsCannotBeLeftToLibrdkafka) {
  EXPECT_TRUE(mentions(
      parse("brokers: k:1\ntopics: [a]\ngroup_id: g\nlibrdkafka: {enable.auto.commit: 'true'}").problems,
      "the source commits offsets itself"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]\ngroup_id: g\nlibrdkafka: {group.id: x}").problems,
                       "use the option `group_id`"));
  EXPECT_TRUE(mentions(parse("brokers: k:1\ntopics: [a]\ngroup_id: g\nlibrdkafka: {no.such: x}").problems,
                       "librdkafka property 'no.such'"));
}

}  // namespace
}  // namespace pyrolog
