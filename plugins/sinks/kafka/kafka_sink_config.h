#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"

namespace pyrolog {

enum class KafkaEncoding { json, raw, text };
enum class KafkaCompression { none, gzip, snappy, lz4, zstd };
enum class KafkaAcks { all, leader, none };

// Where messages the brokers refuse for good go (the `dead_letter:` section). With neither `path` nor
// `topic`, they go to `dead-letter.jsonl` in the sink's state directory: nothing is ever dropped silently.
struct KafkaDeadLetterConfig {
  std::string path;
  std::string topic;

  static const config::OptionTable<KafkaDeadLetterConfig>& options();
};

struct KafkaSinkConfig {
  std::string brokers;
  std::string topic;
  std::string fallback_topic;
  std::string key;
  std::map<std::string, std::string> headers;
  KafkaEncoding encoding = KafkaEncoding::json;
  std::vector<std::string> except_fields;
  std::string text;
  KafkaCompression compression = KafkaCompression::lz4;
  bool idempotence = true;
  KafkaAcks acks = KafkaAcks::all;
  Duration linger{10};
  ByteSize batch_bytes{1024 * 1024};
  std::uint32_t batch_messages = 10000;
  ByteSize message_max_bytes{1024 * 1024};
  Duration delivery_timeout{0};
  std::uint32_t max_in_flight_batches = 64;
  ByteSize max_in_flight_bytes{64 * 1024 * 1024};
  Duration flush_timeout{std::chrono::seconds(10)};
  KafkaDeadLetterConfig dead_letter;
  std::map<std::string, std::string> librdkafka;

  static const config::OptionTable<KafkaSinkConfig>& options();
};

// The librdkafka properties of the sink's producer: what the options say, then the `librdkafka:` map.
std::map<std::string, std::string> producer_properties(const KafkaSinkConfig& config);

// librdkafka properties that have an option of their own, which must be used instead (option name, or empty).
std::string option_for_property(const std::string& property);

}  // namespace pyrolog
