#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"

namespace pyrolog {

enum class KafkaOffsetReset { earliest, latest };

struct KafkaSourceConfig {
  std::string brokers;
  std::vector<std::string> topics;
  std::string group_id;
  KafkaOffsetReset auto_offset_reset = KafkaOffsetReset::earliest;
  Duration commit_interval{std::chrono::seconds(1)};
  std::uint32_t max_batch_events = 2000;
  ByteSize max_batch_bytes{1024 * 1024};
  Duration ack_timeout{std::chrono::seconds(5)};
  bool headers = false;
  std::map<std::string, std::string> librdkafka;

  static const config::OptionTable<KafkaSourceConfig>& options();
};

// The librdkafka properties of the source's consumer: what the options say, then the `librdkafka:` map.
std::map<std::string, std::string> consumer_properties(const KafkaSourceConfig& config);

}  // namespace pyrolog
