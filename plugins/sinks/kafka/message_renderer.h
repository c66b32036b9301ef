#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "codec/event_encoder.h"
#include "in_flight.h"
#include "kafka_sink_config.h"
#include "message_template.h"

namespace pyrolog {

// Turns the events of a batch into Kafka messages as the options say: topic (template or name, with the
// fallback), key, headers and body (`json`, `raw` or the `text` template). Raw bodies are views into the
// batch; everything rendered goes into the in-flight batch's own text. Keeps scratch space: one per sink.
class MessageRenderer {
 public:
  // Throws ComponentConfigError when a template does not compile (the option checks catch that first).
  explicit MessageRenderer(const KafkaSinkConfig& config);

  struct Stats {
    std::size_t fallback_topic = 0;  // events whose topic template could not be rendered
  };
  // Fills `batch.messages`, `batch.text`, `batch.headers` and `batch.bytes` from `batch.delivery.batch`.
  Stats render(InFlightBatch& batch);

 private:
  // Offsets into the batch's text while it still grows; turned into views once it is complete.
  struct Span {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  struct Pending {
    std::optional<Span> topic;  // rendered; nullopt: a constant topic
    std::string_view constant_topic;
    std::optional<Span> key;
    std::optional<Span> payload;  // rendered; nullopt: the raw line
    std::uint32_t first_header = 0;
    std::uint32_t header_count = 0;
  };
  struct HeaderTemplate {
    std::string name;
    MessageTemplate value;
  };

  static MessageTemplate compile(const std::string& text, const char* option);

  KafkaEncoding encoding_;
  MessageTemplate topic_;
  std::string fallback_topic_;
  std::optional<MessageTemplate> key_;
  std::vector<HeaderTemplate> headers_;
  std::optional<MessageTemplate> text_;
  EventEncoder json_;
  std::vector<Pending> pending_;
  std::vector<std::pair<std::uint32_t, Span>> header_spans_;  // header template index, value
};

}  // namespace pyrolog
