#include "message_renderer.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

std::shared_ptr<const Batch> sample() {
  Batch b;
  Event& first = b.add_event(1700000000000000000, b.store("GET /a 200"));
  b.append(first, "service", Value::string("web"));
  b.append(first, "client", Value::string("10.0.0.1"));
  b.append(first, "status", Value::integer(200));
  Event& second = b.add_event(1700000001500000000, b.store("GET /b 404"));
  b.append(second, "status", Value::integer(404));
  b.append(second, "service", Value::string("bad topic!"));  // not a valid topic name
  b.add_event(1700000002000000000, b.store("no fields"));
  return std::make_shared<const Batch>(std::move(b));
}

// The header names point into the renderer (as in the sink, where it outlives the batches): keep both.
struct Rendered {
  std::unique_ptr<MessageRenderer> renderer;
  std::unique_ptr<InFlightBatch> batch;
  const InFlightBatch& operator*() const { return *batch; }
};

Rendered render_batch(const KafkaSinkConfig& config, MessageRenderer::Stats* stats = nullptr) {
  Rendered r{std::make_unique<MessageRenderer>(config), std::make_unique<InFlightBatch>()};
  r.batch->delivery.batch = sample();
  const auto s = r.renderer->render(*r.batch);
  if (stats != nullptr) *stats = s;
  return r;
}

KafkaSinkConfig base() {
  KafkaSinkConfig c;
  c.brokers = "x:1";
  c.topic = "logs";
  return c;
}

TEST(MessageRenderer, RawBodiesAreTheLinesThemselves) {
  auto c = base();
  c.encoding = KafkaEncoding::raw;
  const auto batch = render_batch(c);
  const InFlightBatch& out = *batch;
  ASSERT_EQ(out.messages.size(), 3u);
  EXPECT_EQ(out.messages[0].payload, "GET /a 200");
  EXPECT_EQ(out.messages[0].payload.data(), out.delivery.batch->events()[0].raw.data());  // not copied
  EXPECT_EQ(out.messages[1].topic, "logs");
  EXPECT_FALSE(out.messages[0].key.has_value());
  EXPECT_EQ(out.messages[1].timestamp_ms, 1700000001500);
  EXPECT_EQ(out.bytes, std::string("GET /a 200GET /b 404no fields").size());
  EXPECT_EQ(out.messages[2].batch, &out);
  EXPECT_EQ(out.messages[2].index, 2u);
}

TEST(MessageRenderer, JsonBodies) {
  const auto batch = render_batch(base());
  const InFlightBatch& out = *batch;
  EXPECT_EQ(out.messages[0].payload,
            R"({"timestamp":"2023-11-14T22:13:20.000000000Z","message":"GET /a 200","client":"10.0.0.1",)"
            R"("service":"web","status":200})");
  EXPECT_EQ(out.messages[2].payload,
            R"({"timestamp":"2023-11-14T22:13:22.000000000Z","message":"no fields"})");
}

TEST(MessageRenderer, TextBodies) {
  auto c = base();
  c.encoding = KafkaEncoding::text;
  c.text = "{status} {message}";
  const auto batch = render_batch(c);
  const InFlightBatch& out = *batch;
  EXPECT_EQ(out.messages[0].payload, "200 GET /a 200");
  EXPECT_EQ(out.messages[2].payload, " no fields");
}

TEST(MessageRenderer, TopicTemplateFallsBack) {
  auto c = base();
  c.topic = "logs-{service}";
  c.fallback_topic = "logs-other";
  MessageRenderer::Stats stats;
  const auto batch = render_batch(c, &stats);
  const InFlightBatch& out = *batch;
  EXPECT_EQ(out.messages[0].topic, "logs-web");
  EXPECT_EQ(out.messages[1].topic, "logs-other");  // rendered, but not a valid name
  EXPECT_EQ(out.messages[2].topic, "logs-other");  // the field is missing
  EXPECT_EQ(stats.fallback_topic, 2u);
}

TEST(MessageRenderer, KeysAndHeaders) {
  auto c = base();
  c.key = "{client}";
  c.headers = {{"service", "{service}"}, {"status", "s={status}"}};
  const auto batch = render_batch(c);
  const InFlightBatch& out = *batch;
  ASSERT_TRUE(out.messages[0].key.has_value());
  EXPECT_EQ(*out.messages[0].key, "10.0.0.1");
  EXPECT_FALSE(out.messages[1].key.has_value());  // rendered empty: no key
  auto h0 = out.headers_of(out.messages[0]);
  ASSERT_EQ(h0.size(), 2u);
  EXPECT_STREQ(h0[0].name, "service");
  EXPECT_EQ(h0[0].value, "web");
  EXPECT_STREQ(h0[1].name, "status");
  EXPECT_EQ(h0[1].value, "s=200");
  auto h2 = out.headers_of(out.messages[2]);
  EXPECT_TRUE(h2.empty());  // both fields missing: both headers left out
}

}  // namespace
}  // namespace pyrolog
