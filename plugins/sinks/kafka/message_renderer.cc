#include "message_renderer.h"

#include <variant>

#include <fmt/format.h>

#include "kafka_topic_name.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {

MessageTemplate MessageRenderer::compile(const std::string& text, const char* option) {
  auto compiled = MessageTemplate::compile(text);
  if (auto* problem = std::get_if<std::string>(&compiled)) {
    throw ComponentConfigError(fmt::format("{}: {}", option, *problem));
  }
  return std::get<MessageTemplate>(std::move(compiled));
}

MessageRenderer::MessageRenderer(const KafkaSinkConfig& config)
    : encoding_(config.encoding),
      topic_(compile(config.topic, "topic")),
      fallback_topic_(config.fallback_topic),
      json_(Encoding::json, config.except_fields) {
  if (!config.key.empty()) key_ = compile(config.key, "key");
  for (const auto& [name, text] : config.headers)
    headers_.push_back({name, compile(text, "headers")});
  if (config.encoding == KafkaEncoding::text) text_ = compile(config.text, "text");
}

MessageRenderer::Stats MessageRenderer::render(InFlightBatch& out) {
  Stats stats;
  const Batch& batch = *out.delivery.batch;
  const auto events = batch.events();
  pending_.clear();
  pending_.reserve(events.size());
  header_spans_.clear();
  std::string& text = out.text;
  text.clear();
  auto span_since = [&](std::size_t start) { return Span{start, text.size() - start}; };

  for (const Event& e : events) {
    Pending p;
    if (topic_.is_constant()) {
      p.constant_topic = topic_.constant();
    } else {
      const std::size_t start = text.size();
      const bool complete = topic_.render(text, batch, e);
      const std::string_view rendered(text.data() + start, text.size() - start);
      if (complete && is_valid_topic_name(rendered)) {
        p.topic = span_since(start);
      } else {
        text.resize(start);
        p.constant_topic = fallback_topic_;
        ++stats.fallback_topic;
      }
    }
    if (key_) {
      const std::size_t start = text.size();
      key_->render(text, batch, e);
      if (text.size() > start) p.key = span_since(start);
    }
    p.first_header = static_cast<std::uint32_t>(header_spans_.size());
    for (std::uint32_t h = 0; h < headers_.size(); ++h) {
      const std::size_t start = text.size();
      if (headers_[h].value.render(text, batch, e)) {
        header_spans_.emplace_back(h, span_since(start));
      } else {
        text.resize(start);
      }
    }
    p.header_count = static_cast<std::uint32_t>(header_spans_.size()) - p.first_header;
    switch (encoding_) {
      case KafkaEncoding::raw:
        break;
      case KafkaEncoding::json: {
        const std::size_t start = text.size();
        json_.append_line(text, batch, e);
        text.pop_back();  // the newline
        p.payload = span_since(start);
        break;
      }
      case KafkaEncoding::text: {
        const std::size_t start = text.size();
        text_->render(text, batch, e);
        p.payload = span_since(start);
        break;
      }
    }
    pending_.push_back(p);
  }

  // The text is complete: views into it stay valid from here on.
  auto view = [&](const Span& s) { return std::string_view(text.data() + s.offset, s.size); };
  out.headers.clear();
  out.headers.reserve(header_spans_.size());
  for (const auto& [index, span] : header_spans_)
    out.headers.push_back({headers_[index].name.c_str(), view(span)});
  out.messages.clear();
  out.messages.resize(events.size());
  out.bytes = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Pending& p = pending_[i];
    OutgoingMessage& m = out.messages[i];
    m.batch = &out;
    m.index = static_cast<std::uint32_t>(i);
    m.topic = p.topic ? view(*p.topic) : p.constant_topic;
    m.payload = p.payload ? view(*p.payload) : events[i].raw;
    if (p.key) m.key = view(*p.key);
    m.first_header = p.first_header;
    m.header_count = p.header_count;
    m.timestamp_ms = events[i].timestamp / 1000000;
    out.bytes += m.payload.size() + (m.key ? m.key->size() : 0);
  }
  return stats;
}

}  // namespace pyrolog
