#include "kafka_sink_config.h"

#include <string>

#include <gtest/gtest.h>

#include "config/parse_context.h"

namespace pyrolog {
namespace {

struct Parsed {
  KafkaSinkConfig config;
  std::string problems;
};

Parsed parse(const std::string& yaml) {
  config::Diagnostics diagnostics;
  config::ParseContext ctx{"test.yaml", &diagnostics, [](const std::string&) { return std::nullopt; }};
  Parsed out;
  KafkaSinkConfig::options().parse(YAML::Load(yaml), out.config, ctx, "sinks.kafka", {"type", "inputs"});
  out.problems = diagnostics.to_string();
  return out;
}

bool mentions(const std::string& problems, const std::string& text) {
  return problems.find(text) != std::string::npos;
}

TEST(KafkaSinkConfig, Defaults) {
  const auto p = parse("brokers: 127.0.0.1:9092\ntopic: logs");
  ASSERT_EQ(p.problems, "");
  const KafkaSinkConfig& c = p.config;
  EXPECT_EQ(c.encoding, KafkaEncoding::json);
  EXPECT_EQ(c.compression, KafkaCompression::lz4);
  EXPECT_TRUE(c.idempotence);
  EXPECT_EQ(c.acks, KafkaAcks::all);
  EXPECT_EQ(c.delivery_timeout.count(), 0);
  EXPECT_EQ(c.max_in_flight_batches, 64u);
  EXPECT_TRUE(c.dead_letter.path.empty());
  EXPECT_TRUE(c.dead_letter.topic.empty());

  const auto props = producer_properties(c);
  EXPECT_EQ(props.at("bootstrap.servers"), "127.0.0.1:9092");
  EXPECT_EQ(props.at("enable.idempotence"), "true");
  EXPECT_EQ(props.at("acks"), "all");
  EXPECT_EQ(props.at("compression.codec"), "lz4");
  EXPECT_EQ(props.at("message.timeout.ms"), "0");  // retried until delivered
  EXPECT_EQ(props.at("linger.ms"), "10");
  EXPECT_EQ(props.at("batch.size"), "1048576");
  EXPECT_EQ(props.at("message.max.bytes"), "1048576");
}

TEST(KafkaSinkConfig, OptionsBecomeProperties) {
  const auto p = parse(R"(
brokers: a:1,b:2
topic: logs
compression: zstd
idempotence: false
acks: leader
linger: 50ms
batch_bytes: 2MiB
batch_messages: 500
message_max_bytes: 5MB
delivery_timeout: 2m
librdkafka: {security.protocol: SASL_SSL, sasl.mechanisms: PLAIN, client.id: edge-7}
)");
  ASSERT_EQ(p.problems, "");
  const auto props = producer_properties(p.config);
  EXPECT_EQ(props.at("compression.codec"), "zstd");
  EXPECT_EQ(props.at("enable.idempotence"), "false");
  EXPECT_EQ(props.at("acks"), "1");
  EXPECT_EQ(props.at("linger.ms"), "50");
  EXPECT_EQ(props.at("batch.size"), std::to_string(2 * 1024 * 1024));
  EXPECT_EQ(props.at("batch.num.messages"), "500");
  EXPECT_EQ(props.at("message.max.bytes"), "5000000");
  EXPECT_EQ(props.at("message.timeout.ms"), "120000");
  EXPECT_EQ(props.at("security.protocol"), "SASL_SSL");
  EXPECT_EQ(props.at("client.id"), "edge-7");  // the passthrough wins over the sink's own default
}

TEST(KafkaSinkConfig, RequiredOptions) {
  const auto p = parse("topic: logs");
  EXPECT_TRUE(mentions(p.problems, "missing required option 'brokers'")) << p.problems;
  EXPECT_TRUE(mentions(parse("brokers: a:1").problems, "missing required option 'topic'"));
  EXPECT_TRUE(mentions(parse("brokers: ' , '\ntopic: t").problems, "must name at least one broker"));
}

TEST(KafkaSinkConfig, BadValuesAreRejected) {
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\ncompression: brotli").problems,
                       "expected one of none, gzip, snappy, lz4, zstd"));
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\nencoding: xml").problems, "expected one of json, raw, text"));
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\nacks: leader").problems, "the idempotent producer needs"));
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\nmax_in_flight_batches: 0").problems, "max_in_flight_batches"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nmessage_max_bytes: 10").problems, "message_max_bytes"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nlinger: forever").problems, "linger"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\ntopics: x").problems, "did you mean 'topic'"));
}

TEST(KafkaSinkConfig, TopicNamesAndTemplates) {
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: 'web logs'").problems, "not a valid topic name"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: '..'").problems, "not a valid topic name"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: 'logs-{service'").problems, "is not closed"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: 'logs-{service}'").problems, "fallback_topic: required"));
  EXPECT_EQ(parse("brokers: a:1\ntopic: 'logs-{service}'\nfallback_topic: logs-other").problems, "");
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\nfallback_topic: 'a/b'").problems, "not a valid topic name"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nkey: '{}'").problems, "empty field reference"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nheaders: {h: 'x}'}").problems, "header 'h'"));
}

TEST(KafkaSinkConfig, TextEncodingNeedsItsTemplate) {
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\nencoding: text").problems, "required with `encoding: text`"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\ntext: '{message}'").problems, "only used with"));
  EXPECT_EQ(parse("brokers: a:1\ntopic: t\nencoding: text\ntext: '{host} {message}'").problems, "");
}

TEST(KafkaSinkConfig, ExceptFieldsIsForJsonAndNamesFields) {
  EXPECT_EQ(parse("brokers: a:1\ntopic: t\nexcept_fields: [message, http.request]").problems, "");
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nencoding: raw\nexcept_fields: [message]").problems,
                       "only used with `encoding: json`"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nexcept_fields: ['http.']").problems,
                       "'http.' is not a field name"));
}

TEST(KafkaSinkConfig, LibrdkafkaPassthroughIsChecked) {
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nlibrdkafka: {no.such.property: 1}").problems,
                       "librdkafka property 'no.such.property'"));
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\nlibrdkafka: {security.protocol: carrier-pigeon}").problems,
               "security.protocol"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nlibrdkafka: {compression.codec: gzip}").problems,
                       "set by the option `compression`"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\nlibrdkafka: {acks: '1'}").problems,
                       "set by the option `acks`"));
}

TEST(KafkaSinkConfig, DeadLetter) {
  EXPECT_EQ(parse("brokers: a:1\ntopic: t\ndead_letter: {path: /tmp/dl.jsonl}").problems, "");
  EXPECT_EQ(parse("brokers: a:1\ntopic: t\ndead_letter: {topic: t-dead}").problems, "");
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\ndead_letter: {path: /tmp/x, topic: y}").problems, "not both"));
  EXPECT_TRUE(mentions(parse("brokers: a:1\ntopic: t\ndead_letter: {topic: 'bad topic'}").problems,
                       "not a valid topic name"));
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\ndead_letter: {path: /tmp/}").problems, "names a directory"));
  EXPECT_TRUE(
      mentions(parse("brokers: a:1\ntopic: t\ndead_letter: {file: x}").problems, "unknown option 'file'"));
}

TEST(KafkaSinkConfig, OwnedProperties) {
  EXPECT_EQ(option_for_property("linger.ms"), "linger");
  EXPECT_EQ(option_for_property("delivery.timeout.ms"), "delivery_timeout");
  EXPECT_EQ(option_for_property("ssl.ca.location"), "");
}

}  // namespace
}  // namespace pyrolog
