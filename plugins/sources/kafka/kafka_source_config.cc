#include "kafka_source_config.h"

#include <array>

#include <fmt/format.h>

#include "kafka_consumer.h"

namespace pyrolog {

namespace {
// librdkafka properties the source sets itself: the option to use, or why it cannot be changed.
std::string owned_property(const std::string& name) {
  static const std::array<std::pair<std::string_view, std::string_view>, 7> kOwned{{
      {"bootstrap.servers", "use the option `brokers`"},
      {"metadata.broker.list", "use the option `brokers`"},
      {"group.id", "use the option `group_id`"},
      {"auto.offset.reset", "use the option `auto_offset_reset`"},
      {"enable.auto.commit", "the source commits offsets itself, once the channel has the events"},
      {"enable.auto.offset.store", "the source commits offsets itself, once the channel has the events"},
      {"auto.commit.enable", "the source commits offsets itself, once the channel has the events"},
  }};
  for (const auto& [property, why] : kOwned) {
    if (name == property) return std::string(why);
  }
  return {};
}
}  // namespace

const config::OptionTable<KafkaSourceConfig>& KafkaSourceConfig::options() {
  static const auto table = [] {
    config::OptionTable<KafkaSourceConfig> t;
    t.add("brokers", &KafkaSourceConfig::brokers,
          "Bootstrap brokers, `host:port` separated by commas (librdkafka's `bootstrap.servers`).")
        .required()
        .example("kafka1:9092,kafka2:9092");
    t.add("topics", &KafkaSourceConfig::topics,
          "Topics to read: names, or regular expressions starting with `^` (`^logs-.*`), which also match "
          "topics created later.")
        .required()
        .example("[web-logs, \"^app-.*\"]");
    t.add("group_id", &KafkaSourceConfig::group_id,
          "The consumer group. Agents with the same group share the partitions of the topics; run more of "
          "them to read faster.")
        .required()
        .example("pyrolog-archive");
    t.add("auto_offset_reset", &KafkaSourceConfig::auto_offset_reset,
          "Where to start in a partition the group has no committed offset for (or one the broker no longer "
          "has): `earliest` (the oldest message kept) or `latest` (only new messages).")
        .choices<KafkaOffsetReset>(
            {{"earliest", KafkaOffsetReset::earliest}, {"latest", KafkaOffsetReset::latest}});
    t.add("commit_interval", &KafkaSourceConfig::commit_interval,
          "How often offsets are committed: each time, up to the last message of the longest run of batches "
          "the channel has acknowledged, per partition. A crash reads at most this much again.")
        .range(10, 3600000);
    t.add("max_batch_events", &KafkaSourceConfig::max_batch_events, "Most messages in one batch.")
        .range(1, 1000000);
    t.add("max_batch_bytes", &KafkaSourceConfig::max_batch_bytes, "Most payload bytes in one batch.")
        .range(1024, 1024.0 * 1024 * 1024);
    t.add(
         "ack_timeout", &KafkaSourceConfig::ack_timeout,
         "On a rebalance and on stop: how long to wait for the channel to acknowledge what was read from the "
         "partitions being given up, before committing and letting them go. What is not acknowledged by then "
         "is not committed, and read again by the next owner.")
        .range(0, 600000);
    t.add("headers", &KafkaSourceConfig::headers,
          "`true`: each message header becomes a field `kafka.headers.NAME` (string).");
    t.add("librdkafka", &KafkaSourceConfig::librdkafka,
          "Further librdkafka properties, passed as they are: TLS and SASL (`security.protocol`, ...), "
          "`client.id`, `session.timeout.ms`, `partition.assignment.strategy` (`cooperative-sticky` for "
          "incremental rebalances), fetch sizes.")
        .example("{security.protocol: SSL, ssl.ca.location: /etc/ssl/certs/ca.pem}");
    t.check("brokers", [](const KafkaSourceConfig& c) -> std::optional<std::string> {
      if (c.brokers.find_first_not_of(" ,") == std::string::npos) return "must name at least one broker";
      return std::nullopt;
    });
    t.check("topics", [](const KafkaSourceConfig& c) -> std::optional<std::string> {
      if (c.topics.empty()) return "must name at least one topic";
      for (const auto& topic : c.topics) {
        if (topic.empty()) return "a topic must not be empty";
      }
      return std::nullopt;
    });
    t.check("group_id", [](const KafkaSourceConfig& c) -> std::optional<std::string> {
      if (c.group_id.empty()) return "must not be empty";
      return std::nullopt;
    });
    t.check("librdkafka", [](const KafkaSourceConfig& c) -> std::optional<std::string> {
      for (const auto& [name, value] : c.librdkafka) {
        if (auto why = owned_property(name); !why.empty())
          return fmt::format("'{}' cannot be set here: {}", name, why);
      }
      return kafka::KafkaConsumer::check_properties(c.librdkafka);
    });
    return t;
  }();
  return table;
}

std::map<std::string, std::string> consumer_properties(const KafkaSourceConfig& c) {
  std::map<std::string, std::string> p;
  p["bootstrap.servers"] = c.brokers;
  p["group.id"] = c.group_id;
  p["client.id"] = "pyrolog";
  p["auto.offset.reset"] = c.auto_offset_reset == KafkaOffsetReset::earliest ? "earliest" : "latest";
  p["enable.auto.commit"] = "false";
  p["enable.auto.offset.store"] = "false";
  p["log.connection.close"] = "false";
  for (const auto& [name, value] : c.librdkafka)
    p[name] = value;
  return p;
}

}  // namespace pyrolog
