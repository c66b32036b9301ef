#include "kafka_sink_config.h"

#include <algorithm>
#include <array>
#include <variant>

#include <fmt/format.h>

#include "codec/event_encoder.h"
#include "kafka_producer.h"
#include "kafka_topic_name.h"
#include "message_template.h"

namespace pyrolog {

namespace {

std::optional<std::string> template_problem(const std::string& text) {
  auto compiled = MessageTemplate::compile(text);
  if (auto* problem = std::get_if<std::string>(&compiled)) return *problem;
  return std::nullopt;
}

bool has_references(const std::string& text) {
  auto compiled = MessageTemplate::compile(text);
  const auto* t = std::get_if<MessageTemplate>(&compiled);
  return t != nullptr && !t->is_constant();
}

}  // namespace

const config::OptionTable<KafkaDeadLetterConfig>& KafkaDeadLetterConfig::options() {
  static const auto table = [] {
    config::OptionTable<KafkaDeadLetterConfig> t;
    t.add("path", &KafkaDeadLetterConfig::path,
          "A file that each refused message is appended to, as one JSON object per line: `time`, `topic`, "
          "`key`, `error` (librdkafka's code), `reason`, `headers` and `message` (the payload). Without "
          "`path` and `topic`: `dead-letter.jsonl` in the sink's state directory (`data_dir/sinks/NAME`).")
        .example("/var/lib/pyrolog/kafka-dead-letter.jsonl");
    t.add("topic", &KafkaDeadLetterConfig::topic,
          "A topic of the same cluster that refused messages are produced to, unchanged, with the headers "
          "`pyrolog.error`, `pyrolog.reason` and `pyrolog.topic` added. If that topic refuses one too, it "
          "goes to the file.")
        .example("logs-dead-letter");
    t.check("topic", [](const KafkaDeadLetterConfig& c) -> std::optional<std::string> {
      if (c.topic.empty()) return std::nullopt;
      if (!c.path.empty()) return "give `path` or `topic`, not both";
      return check_topic_name(c.topic);
    });
    t.check("path", [](const KafkaDeadLetterConfig& c) -> std::optional<std::string> {
      if (!c.path.empty() && c.path.back() == '/')
        return fmt::format("'{}' names a directory; it must name a file", c.path);
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

const config::OptionTable<KafkaSinkConfig>& KafkaSinkConfig::options() {
  static const auto table = [] {
    config::OptionTable<KafkaSinkConfig> t;
    t.add("brokers", &KafkaSinkConfig::brokers,
          "Bootstrap brokers, `host:port` separated by commas (librdkafka's `bootstrap.servers`).")
        .required()
        .example("kafka1:9092,kafka2:9092");
    t.add("topic", &KafkaSinkConfig::topic,
          "The topic each event goes to: a name, or a template over the event's fields such as "
          "`logs-{service}` (`{message}` is the raw line, `{{` and `}}` literal braces). An event whose "
          "topic cannot be made (a field is missing, or the result is not a valid topic name) goes to "
          "`fallback_topic`.")
        .required()
        .example("web-logs");
    t.add("fallback_topic", &KafkaSinkConfig::fallback_topic,
          "The topic for events whose `topic` template cannot be rendered; required when `topic` references "
          "fields.");
    t.add("key", &KafkaSinkConfig::key,
          "The message key, a template over fields (`{client_ip}`). Empty, or rendered empty: no key, so "
          "librdkafka spreads messages over the partitions. Messages with one key stay in order in one "
          "partition.");
    t.add("headers", &KafkaSinkConfig::headers,
          "Message headers: name to template (`{field}`). A header whose template references a missing "
          "field is left out.");
    t.add("encoding", &KafkaSinkConfig::encoding,
          "The message body. `json`: an object with `timestamp`, `message` and every field (dotted names "
          "nest). `raw`: the line as received. `text`: the `text` template.")
        .choices<KafkaEncoding>(
            {{"json", KafkaEncoding::json}, {"raw", KafkaEncoding::raw}, {"text", KafkaEncoding::text}});
    t.add("except_fields", &KafkaSinkConfig::except_fields, kExceptFieldsHelp);
    t.check("except_fields", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      if (!c.except_fields.empty() && c.encoding != KafkaEncoding::json)
        return "only used with `encoding: json`";
      return check_except_fields(c.except_fields);
    });
    t.add("text", &KafkaSinkConfig::text,
          "The body template for `encoding: text`, e.g. `{@timestamp} {host} {message}`.");
    t.add("compression", &KafkaSinkConfig::compression,
          "Compression of the record batches sent to the brokers.")
        .choices<KafkaCompression>({{"none", KafkaCompression::none},
                                    {"gzip", KafkaCompression::gzip},
                                    {"snappy", KafkaCompression::snappy},
                                    {"lz4", KafkaCompression::lz4},
                                    {"zstd", KafkaCompression::zstd}});
    t.add("idempotence", &KafkaSinkConfig::idempotence,
          "The idempotent producer: retries write no duplicates and keep the order within a partition. "
          "Needs `acks: all`.");
    t.add("acks", &KafkaSinkConfig::acks,
          "When a broker acknowledges a message. `all`: once every in-sync replica has it (what "
          "`min.insync.replicas` promises). `leader`: once the leader has it; a leader that dies before its "
          "followers copied it loses it. `none`: when it is sent, which delivers nothing for sure.")
        .choices<KafkaAcks>(
            {{"all", KafkaAcks::all}, {"leader", KafkaAcks::leader}, {"none", KafkaAcks::none}});
    t.add("linger", &KafkaSinkConfig::linger,
          "How long librdkafka waits for more messages before it sends a batch to a partition (`linger.ms`).")
        .range(0, 900000);
    t.add("batch_bytes", &KafkaSinkConfig::batch_bytes, "Most bytes in one record batch (`batch.size`).")
        .range(1024, 1024.0 * 1024 * 1024);
    t.add("batch_messages", &KafkaSinkConfig::batch_messages,
          "Most messages in one record batch (`batch.num.messages`).")
        .range(1, 1000000);
    t.add("message_max_bytes", &KafkaSinkConfig::message_max_bytes,
          "Largest message sent (`message.max.bytes`); a larger one is refused before it is sent and goes to "
          "the dead letters. Keep it at or below the brokers' `message.max.bytes` and the topics' "
          "`max.message.bytes`.")
        .range(1024, 512.0 * 1024 * 1024);
    t.add("delivery_timeout", &KafkaSinkConfig::delivery_timeout,
          "How long librdkafka tries to deliver a message (`message.timeout.ms`); 0: until it is delivered. "
          "When it gives up, the sink produces the message again, so nothing is lost, but order may change.")
        .range(0, 7.0 * 24 * 3600 * 1000);
    t.add("max_in_flight_batches", &KafkaSinkConfig::max_in_flight_batches,
          "Batches taken from the channel and not yet acknowledged by the brokers. While this many (or "
          "`max_in_flight_bytes`) are in flight, the sink takes no more, and the channel absorbs the rest.")
        .range(1, 100000);
    t.add("max_in_flight_bytes", &KafkaSinkConfig::max_in_flight_bytes,
          "Bytes of messages in flight, at most (see `max_in_flight_batches`).")
        .range(64 * 1024, 16.0 * 1024 * 1024 * 1024);
    t.add("flush_timeout", &KafkaSinkConfig::flush_timeout,
          "On stop: how long to wait for the brokers to acknowledge what is in flight. What they have not "
          "acknowledged by then stays in the channel and is sent after the next start.");
    t.add("dead_letter", &KafkaSinkConfig::dead_letter,
          "Where messages go that the brokers refuse for good (too large, invalid topic, not authorized).");
    t.add("librdkafka", &KafkaSinkConfig::librdkafka,
          "Further librdkafka properties, passed as they are: TLS and SASL (`security.protocol`, "
          "`ssl.ca.location`, `sasl.mechanisms`, `sasl.username`, ...), `client.id`, timeouts. Properties "
          "that have an option above must be set with it.")
        .example("{security.protocol: SASL_SSL, sasl.mechanisms: PLAIN}");

    t.check("brokers", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      if (c.brokers.find_first_not_of(" ,") == std::string::npos) return "must name at least one broker";
      return std::nullopt;
    });
    t.check("topic", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      if (auto problem = template_problem(c.topic)) return problem;
      if (!has_references(c.topic)) return check_topic_name(c.topic);
      return std::nullopt;
    });
    t.check("fallback_topic", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      if (!c.fallback_topic.empty()) return check_topic_name(c.fallback_topic);
      if (has_references(c.topic)) {
        return "required: `topic` references fields, and an event without them needs a topic to go to";
      }
      return std::nullopt;
    });
    t.check("key", [](const KafkaSinkConfig& c) { return template_problem(c.key); });
    t.check("headers", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      for (const auto& [name, text] : c.headers) {
        if (name.empty()) return "a header name must not be empty";
        if (name.find('\0') != std::string::npos)
          return fmt::format("header name '{}' contains a NUL byte", name);
        if (auto problem = template_problem(text)) return fmt::format("header '{}': {}", name, *problem);
      }
      return std::nullopt;
    });
    t.check("text", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      if (c.encoding == KafkaEncoding::text && c.text.empty()) return "required with `encoding: text`";
      if (c.encoding != KafkaEncoding::text && !c.text.empty()) return "only used with `encoding: text`";
      return template_problem(c.text);
    });
    t.check("acks", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      if (c.idempotence && c.acks != KafkaAcks::all) {
        return "the idempotent producer needs `acks: all`; set `idempotence: false` to use another level";
      }
      return std::nullopt;
    });
    t.check("librdkafka", [](const KafkaSinkConfig& c) -> std::optional<std::string> {
      for (const auto& [name, value] : c.librdkafka) {
        if (auto option = option_for_property(name); !option.empty()) {
          return fmt::format("'{}' is set by the option `{}`; use it instead", name, option);
        }
      }
      return kafka::KafkaProducer::check_properties(c.librdkafka);
    });
    return t;
  }();
  return table;
}

std::string option_for_property(const std::string& property) {
  static const std::array<std::pair<std::string_view, std::string_view>, 16> kOwned{{
      {"bootstrap.servers", "brokers"},
      {"metadata.broker.list", "brokers"},
      {"enable.idempotence", "idempotence"},
      {"acks", "acks"},
      {"request.required.acks", "acks"},
      {"compression.codec", "compression"},
      {"compression.type", "compression"},
      {"linger.ms", "linger"},
      {"queue.buffering.max.ms", "linger"},
      {"batch.size", "batch_bytes"},
      {"batch.num.messages", "batch_messages"},
      {"message.max.bytes", "message_max_bytes"},
      {"message.timeout.ms", "delivery_timeout"},
      {"delivery.timeout.ms", "delivery_timeout"},
      {"queue.buffering.max.messages", "max_in_flight_batches"},
      {"queue.buffering.max.kbytes", "max_in_flight_bytes"},
  }};
  for (const auto& [name, option] : kOwned) {
    if (property == name) return std::string(option);
  }
  return {};
}

std::map<std::string, std::string> producer_properties(const KafkaSinkConfig& c) {
  std::map<std::string, std::string> p;
  p["bootstrap.servers"] = c.brokers;
  p["client.id"] = "pyrolog";
  p["enable.idempotence"] = c.idempotence ? "true" : "false";
  p["acks"] = c.acks == KafkaAcks::all ? "all" : (c.acks == KafkaAcks::leader ? "1" : "0");
  static constexpr std::array<std::string_view, 5> kCodecs{"none", "gzip", "snappy", "lz4", "zstd"};
  p["compression.codec"] = std::string(kCodecs[static_cast<std::size_t>(c.compression)]);
  p["linger.ms"] = std::to_string(c.linger.count());
  p["batch.size"] = std::to_string(c.batch_bytes.bytes);
  p["batch.num.messages"] = std::to_string(c.batch_messages);
  p["message.max.bytes"] = std::to_string(c.message_max_bytes.bytes);
  p["message.timeout.ms"] = std::to_string(c.delivery_timeout.count());
  // The sink bounds what it hands librdkafka (max_in_flight_*); librdkafka's own limits only back that up.
  p["queue.buffering.max.messages"] = "0";
  p["queue.buffering.max.kbytes"] =
      std::to_string(std::max<std::uint64_t>(1024 * 1024, 2 * c.max_in_flight_bytes.bytes / 1024));
  p["statistics.interval.ms"] = "5000";
  p["log.connection.close"] = "false";
  for (const auto& [name, value] : c.librdkafka)
    p[name] = value;
  return p;
}

}  // namespace pyrolog
