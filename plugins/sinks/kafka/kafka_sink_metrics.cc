#include "kafka_sink_metrics.h"

namespace pyrolog {

namespace {
// Seconds: a local broker acknowledges in a millisecond or two, one far away or under load in hundreds, and a
// message waiting through an outage as long as `delivery_timeout` allows.
constexpr double kDeliveryLatencyBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                              0.5,   1,      2.5,   5,    10,    30,   60,  300};
}  // namespace

KafkaSinkMetrics::KafkaSinkMetrics(ComponentMetrics& c)
    : component(c),
      latency(c.histogram("kafka_delivery_latency_seconds",
                          "Time from taking a message's batch off the channel to the broker's "
                          "acknowledgement, per delivered message.",
                          kDeliveryLatencyBuckets, 1e-6)),
      latency_pending(latency),
      latency_max_ms(c.gauge("kafka_delivery_latency_max_seconds",
                             "Longest delivery latency over the last statistics interval, in seconds.",
                             1e-3)),
      retries(c.counter("kafka_retries",
                        "Produce requests librdkafka sent again, plus messages produced again.")),
      rebuilds(c.counter("kafka_producer_rebuilds", "Producers replaced after a fatal librdkafka error.")),
      in_flight_messages(
          c.gauge("kafka_in_flight_messages", "Messages handed to Kafka and not yet acknowledged.")),
      in_flight_batches(c.gauge("kafka_in_flight_batches", "Channel batches not yet acknowledged by Kafka.")),
      in_flight_bytes(c.gauge("kafka_in_flight_bytes", "Message bytes not yet acknowledged by Kafka.")),
      brokers_up(c.gauge("kafka_brokers_up", "Brokers the producer is connected to.")),
      fallback_topic(
          c.counter("kafka_fallback_topic",
                    "Events sent to the fallback topic: their topic template could not be rendered.")) {}

Counter& KafkaSinkMetrics::labelled(const std::string& family, const std::string& help,
                                    const std::string& label, std::string_view value) {
  Labels labels = component.labels();
  labels.emplace_back(label, std::string(value));
  // ComponentMetrics has no labelled series of its own beside `dropped`; the registry is the process's.
  return global_metrics().counter(family, help, labels);
}

Counter& KafkaSinkMetrics::error(std::string_view reason) {
  auto it = errors_.find(reason);
  if (it != errors_.end()) return *it->second;
  Counter& c =
      labelled("pyrolog_kafka_errors_total", "Kafka errors by librdkafka's code name.", "reason", reason);
  errors_.emplace(std::string(reason), &c);
  return c;
}

Counter& KafkaSinkMetrics::dead_letters(std::string_view destination) {
  auto it = dead_letters_.find(destination);
  if (it != dead_letters_.end()) return *it->second;
  Counter& c = labelled("pyrolog_kafka_dead_letters_total",
                        "Messages set aside as dead letters, by destination.", "destination", destination);
  dead_letters_.emplace(std::string(destination), &c);
  return c;
}

}  // namespace pyrolog
