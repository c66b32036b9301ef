#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "metrics/metrics.h"

namespace pyrolog {

// The Kafka sink's own series, beside the standard `pyrolog_component_*` ones (`sent_events` and `sent_bytes`
// count messages and payload bytes the brokers acknowledged):
//   pyrolog_kafka_delivery_latency_seconds             histogram over delivered messages of the time from
//                                                      taking the batch off the channel to the broker's
//                                                      acknowledgement (_bucket, _sum, _count)
//   pyrolog_kafka_delivery_latency_max_seconds         the longest of those over the last statistics interval
//   pyrolog_kafka_retries_total                        produce requests librdkafka sent again, plus messages
//                                                      the sink produced again
//   pyrolog_kafka_errors_total{reason}                 errors by librdkafka's code name
//   (`MSG_SIZE_TOO_LARGE`,
//                                                      `_TRANSPORT`, `_ALL_BROKERS_DOWN`, ...)
//   pyrolog_kafka_dead_letters_total{destination}      messages set aside, `file` or `topic`
//   pyrolog_kafka_in_flight_messages / _batches / _bytes
//   pyrolog_kafka_producer_rebuilds_total              producers replaced after a fatal error
//   pyrolog_kafka_brokers_up                           brokers the producer is connected to
//   pyrolog_kafka_fallback_topic_total                 events sent to `fallback_topic`
// Used from the sink's strand only, except the counters, which are atomics.
class KafkaSinkMetrics {
 public:
  explicit KafkaSinkMetrics(ComponentMetrics& component);

  ComponentMetrics& component;
  Histogram& latency;  // counted in microseconds
  // Per-message observations gathered on the strand, added to `latency` once per poll.
  LocalHistogram latency_pending;
  Gauge& latency_max_ms;
  Counter& retries;
  Counter& rebuilds;
  Gauge& in_flight_messages;
  Gauge& in_flight_batches;
  Gauge& in_flight_bytes;
  Gauge& brokers_up;
  Counter& fallback_topic;

  Counter& error(std::string_view reason);
  Counter& dead_letters(std::string_view destination);

 private:
  Counter& labelled(const std::string& family, const std::string& help, const std::string& label,
                    std::string_view value);
  std::map<std::string, Counter*, std::less<>> errors_;
  std::map<std::string, Counter*, std::less<>> dead_letters_;
};

}  // namespace pyrolog
