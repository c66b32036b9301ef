#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <librdkafka/rdkafka.h>

namespace pyrolog::kafka {

// What the Kafka sink and source share of librdkafka's configuration: an owned rd_kafka_conf_t and the
// application of property maps to it.
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// Applies `properties` to `conf` in order; the first refusal as "librdkafka property 'NAME': its message".
std::optional<std::string> apply_properties(rd_kafka_conf_t* conf,
                                            const std::map<std::string, std::string>& properties);

}  // namespace pyrolog::kafka
