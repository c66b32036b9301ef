#include "metrics/metrics.h"

#include <chrono>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(Metrics, RendersCountersAndGaugesInTheTextFormat) {
  MetricsRegistry registry;
  registry.counter("b_total", "Things counted.", {{"component", "web"}}).add(3);
  registry.counter("b_total", "Ignored: the first help wins.", {{"component", "api"}}).add();
  registry.gauge("a_bytes", "Bytes held.", {}).set(-5);
  registry.counter("c_total", "No labels.", {});
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP a_bytes Bytes held.\n# TYPE a_bytes gauge\na_bytes -5\n# HELP b_total Things "
            "counted.\n# TYPE b_total counter\nb_total{component=\"api\"} 1\nb_total{component=\"web\"} "
            "3\n# HELP c_total No labels.\n# TYPE c_total counter\nc_total 0\n");
}

TEST(Metrics, AScaledFamilyRendersInItsBaseUnit) {
  MetricsRegistry registry;
  // Counted in microseconds, exported in seconds; the first caller's scale is the family's.
  registry.counter("latency_seconds_total", "Time.", {{"c", "a"}}, 1e-6).add(1'500'000);
  registry.counter("latency_seconds_total", "Time.", {{"c", "b"}}).add(250);
  registry.gauge("latency_max_seconds", "Longest.", {}, 1e-3).set(42);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP latency_max_seconds Longest.\n# TYPE latency_max_seconds gauge\nlatency_max_seconds "
            "0.042\n# HELP latency_seconds_total Time.\n# TYPE latency_seconds_total "
            "counter\nlatency_seconds_total{c=\"a\"} 1.5\nlatency_seconds_total{c=\"b\"} 0.00025\n");
  // Sums and values stay in the counted unit.
  EXPECT_EQ(registry.counter_sum("latency_seconds_total"), 1'500'250u);
}

TEST(Metrics, LabelsKeepTheirOrderAndValuesAreEscaped) {
  MetricsRegistry registry;
  registry.counter("x_total", "X.", {{"z", "1"}, {"a", "2"}}).add(7);
  registry.counter("y_total", "Y.", {{"path", "C:\\dir\\"}, {"quote", "say \"hi\""}, {"nl", "a\nb"}}).add();
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP x_total X.\n# TYPE x_total counter\nx_total{z=\"1\",a=\"2\"} 7\n# HELP y_total Y.\n# "
            "TYPE y_total counter\ny_total{path=\"C:\\\\dir\\\\\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\"} "
            "1\n");
}

TEST(Metrics, HelpTextIsEscaped) {
  MetricsRegistry registry;
  registry.gauge("g", "Line one\nline two with a \\ and \"quotes\".", {}).set(1);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP g Line one\\nline two with a \\\\ and \"quotes\".\n# TYPE g gauge\ng 1\n");
}

TEST(Metrics, TheSameSeriesIsTheSameCounter) {
  MetricsRegistry registry;
  Counter& a = registry.counter("n_total", "N.", {{"k", "v"}});
  Counter& b = registry.counter("n_total", "N.", {{"k", "v"}});
  Counter& other = registry.counter("n_total", "N.", {{"k", "w"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &other);
  a.add(2);
  b.add(3);
  EXPECT_EQ(a.value(), 5u);
  EXPECT_EQ(other.value(), 0u);
  Gauge& g1 = registry.gauge("g", "G.", {{"k", "v"}});
  Gauge& g2 = registry.gauge("g", "G.", {{"k", "v"}});
  EXPECT_EQ(&g1, &g2);
  g1.set(10);
  g2.add(-15);
  EXPECT_EQ(g1.value(), -5);
}

TEST(Metrics, CounterValueNeedsTheExactLabels) {
  MetricsRegistry registry;
  registry.counter("n_total", "N.", {{"a", "1"}, {"b", "2"}}).add(4);
  EXPECT_EQ(registry.counter_value("n_total", {{"a", "1"}, {"b", "2"}}), 4u);
  EXPECT_EQ(registry.counter_value("n_total", {{"a", "1"}}), 0u);
  EXPECT_EQ(registry.counter_value("n_total", {{"b", "2"}, {"a", "1"}}), 0u);  // labels are ordered
  EXPECT_EQ(registry.counter_value("missing_total", {}), 0u);
}

TEST(Metrics, CounterSumFiltersByLabels) {
  MetricsRegistry registry;
  registry.counter("d_total", "D.", {{"component", "a"}, {"reason", "full"}}).add(1);
  registry.counter("d_total", "D.", {{"component", "a"}, {"reason", "long"}}).add(10);
  registry.counter("d_total", "D.", {{"component", "b"}, {"reason", "full"}}).add(100);
  registry.counter("e_total", "E.", {{"component", "a"}}).add(1000);
  EXPECT_EQ(registry.counter_sum("d_total"), 111u);
  EXPECT_EQ(registry.counter_sum("d_total", {{"component", "a"}}), 11u);
  EXPECT_EQ(registry.counter_sum("d_total", {{"reason", "full"}}), 101u);
  EXPECT_EQ(registry.counter_sum("d_total", {{"reason", "full"}, {"component", "b"}}), 100u);  // any order
  EXPECT_EQ(registry.counter_sum("d_total", {{"component", "c"}}), 0u);
  EXPECT_EQ(registry.counter_sum("d_total", {{"component", "a"}, {"component", "b"}}), 0u);
  EXPECT_EQ(registry.counter_sum("d_total", {{"other", "x"}}), 0u);
  EXPECT_EQ(registry.counter_sum("missing_total"), 0u);
}

TEST(Metrics, ComponentMetricsCreateTheStandardSeries) {
  MetricsRegistry registry;
  ComponentMetrics m(registry, "web", "source", "tcp");
  m.received_events.add(5);
  m.received_bytes.add(50);
  m.sent_events.add(4);
  m.sent_bytes.add(40);
  m.errors.add(1);
  m.dropped("line_too_long").add(2);
  m.dropped("line_too_long").add(1);
  m.dropped("channel_full").add(7);
  m.counter("connections_refused", "Refused.").add(3);
  m.gauge("connections", "Open connections.").set(9);

  const Labels labels{{"component", "web"}, {"kind", "source"}, {"type", "tcp"}};
  EXPECT_EQ(m.labels(), labels);
  EXPECT_EQ(registry.counter_value("pyrolog_component_received_events_total", labels), 5u);
  EXPECT_EQ(registry.counter_value("pyrolog_component_received_bytes_total", labels), 50u);
  EXPECT_EQ(registry.counter_value("pyrolog_component_sent_events_total", labels), 4u);
  EXPECT_EQ(registry.counter_value("pyrolog_component_sent_bytes_total", labels), 40u);
  EXPECT_EQ(registry.counter_value("pyrolog_component_errors_total", labels), 1u);
  EXPECT_EQ(registry.counter_sum("pyrolog_component_discarded_events_total", {{"reason", "line_too_long"}}),
            3u);
  EXPECT_EQ(registry.counter_sum("pyrolog_component_discarded_events_total", {{"component", "web"}}), 10u);
  EXPECT_EQ(registry.counter_value("pyrolog_connections_refused_total", labels), 3u);

  const std::string text = registry.render_prometheus();
  EXPECT_NE(
      text.find("pyrolog_component_discarded_events_total{component=\"web\",kind=\"source\",type=\"tcp\","
                "reason=\"channel_full\"} 7\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("# TYPE pyrolog_connections gauge\npyrolog_connections{component=\"web\",kind=\"source\","
                "type=\"tcp\"} 9\n"),
      std::string::npos)
      << text;

  // A second component with the same name (a reload) shares the totals.
  ComponentMetrics again(registry, "web", "source", "tcp");
  again.received_events.add(1);
  EXPECT_EQ(registry.counter_value("pyrolog_component_received_events_total", labels), 6u);
}

TEST(Metrics, ConcurrentUpdatesAreCounted) {
  MetricsRegistry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < 1000; ++i) {
        registry.counter("c_total", "C.", {{"thread", std::to_string(t % 2)}}).add();
        registry.gauge("g", "G.", {}).add(1);
        if (i % 100 == 0) (void)registry.render_prometheus();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(registry.counter_sum("c_total"), 4000u);
  EXPECT_EQ(registry.counter_value("c_total", {{"thread", "0"}}), 2000u);
  EXPECT_EQ(registry.gauge("g", "G.", {}).value(), 4000);
}

TEST(Histogram, RendersCumulativeBucketsSumAndCountInTheBaseUnit) {
  MetricsRegistry registry;
  const double bounds[] = {0.001, 0.01, 0.1};
  // Counted in microseconds, exported in seconds.
  Histogram& h = registry.histogram("req_seconds", "Request time.", {{"c", "a"}}, bounds, 1e-6);
  h.observe(500);      // 0.5 ms
  h.observe(1000);     // 1 ms: `le` is inclusive
  h.observe(1001);     // just above
  h.observe(200'000);  // 0.2 s: above every bound
  h.observe(0);
  registry.histogram("tiny_seconds", "Nanoseconds.", {}, bounds, 1e-9).observe(7);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP req_seconds Request time.\n# TYPE req_seconds "
            "histogram\nreq_seconds_bucket{c=\"a\",le=\"0.001\"} 3\nreq_seconds_bucket{c=\"a\",le=\"0.01\"} "
            "4\nreq_seconds_bucket{c=\"a\",le=\"0.1\"} 4\nreq_seconds_bucket{c=\"a\",le=\"+Inf\"} "
            "5\nreq_seconds_sum{c=\"a\"} 0.202501\nreq_seconds_count{c=\"a\"} 5\n# HELP tiny_seconds "
            "Nanoseconds.\n# TYPE tiny_seconds histogram\ntiny_seconds_bucket{le=\"0.001\"} "
            "1\ntiny_seconds_bucket{le=\"0.01\"} 1\ntiny_seconds_bucket{le=\"0.1\"} "
            "1\ntiny_seconds_bucket{le=\"+Inf\"} 1\ntiny_seconds_sum 7e-09\ntiny_seconds_count 1\n");
}

TEST(Histogram, TheSameSeriesIsTheSameHistogramAndTheFirstBucketsWin) {
  MetricsRegistry registry;
  const double first[] = {1, 2};
  const double other[] = {5};
  Histogram& a = registry.histogram("h", "H.", {{"k", "v"}}, first);
  Histogram& b = registry.histogram("h", "H.", {{"k", "v"}}, other);
  Histogram& c = registry.histogram("h", "H.", {{"k", "w"}}, other);
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(c.bounds(), std::vector<double>({1, 2}));  // every series of a family can be summed
  a.observe(2);
  b.observe(3);
  const auto s = a.snapshot();
  EXPECT_EQ(s.buckets, std::vector<std::uint64_t>({0, 1, 1}));
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(s.sum, 5u);
}

TEST(Histogram, BucketsAreFoundByInclusiveUpperBound) {
  const double bounds[] = {0.00001, 0.0001, 0.001};
  Histogram h(bounds, 1e-9);  // nanoseconds
  EXPECT_EQ(h.bucket_of(0), 0u);
  EXPECT_EQ(h.bucket_of(10'000), 0u);
  EXPECT_EQ(h.bucket_of(10'001), 1u);
  EXPECT_EQ(h.bucket_of(100'000), 1u);
  EXPECT_EQ(h.bucket_of(1'000'000), 2u);
  EXPECT_EQ(h.bucket_of(1'000'001), 3u);
  EXPECT_EQ(h.bucket_of(UINT64_MAX), 3u);
}

TEST(Histogram, DurationsAreCountedInItsUnit) {
  const double bounds[] = {0.001};
  Histogram ns(bounds, 1e-9);
  ns.observe(std::chrono::microseconds(1000));
  ns.observe(std::chrono::nanoseconds(1'000'001));
  ns.observe(std::chrono::nanoseconds(-5));  // a clock that went back counts as 0
  EXPECT_EQ(ns.snapshot().buckets, std::vector<std::uint64_t>({2, 1}));
  EXPECT_EQ(ns.snapshot().sum, 2'000'001u);
  Histogram us(bounds, 1e-6);
  us.observe(std::chrono::milliseconds(2));
  us.observe(std::chrono::nanoseconds(999));  // below one counted unit
  EXPECT_EQ(us.snapshot().sum, 2000u);
  EXPECT_EQ(us.snapshot().buckets, std::vector<std::uint64_t>({1, 1}));
  Histogram ms(bounds, 1e-3);
  ms.observe(std::chrono::seconds(3));
  EXPECT_EQ(ms.snapshot().sum, 3000u);
}

TEST(Histogram, BadBoundsAreRejected) {
  const double unsorted[] = {1, 0.5};
  const double twice[] = {1, 1};
  const double infinite[] = {1, std::numeric_limits<double>::infinity()};
  const double fine[] = {1};
  EXPECT_THROW(Histogram(unsorted, 1), std::invalid_argument);
  EXPECT_THROW(Histogram(twice, 1), std::invalid_argument);
  EXPECT_THROW(Histogram(infinite, 1), std::invalid_argument);
  EXPECT_THROW(Histogram(fine, 0), std::invalid_argument);
  Histogram none(std::span<const double>{}, 1);  // only +Inf
  none.observe(7);
  EXPECT_EQ(none.snapshot().buckets, std::vector<std::uint64_t>({1}));
}

TEST(Histogram, ConcurrentObservationsAreAllCounted) {
  const double bounds[] = {10, 100, 1000};
  Histogram h(bounds, 1);
  std::vector<std::thread> threads;
  constexpr int kThreads = 8;
  constexpr int kEach = 100'000;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h] {
      for (int i = 0; i < kEach; ++i)
        h.observe(static_cast<std::uint64_t>(i % 2000));
    });
  }
  std::uint64_t seen = 0;
  for (int i = 0; i < 100; ++i) {
    const auto s = h.snapshot();  // while they observe: counts only grow, count is the sum of the buckets
    EXPECT_GE(s.count, seen);
    seen = s.count;
  }
  for (auto& t : threads)
    t.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.count, std::uint64_t{kThreads} * kEach);
  // Per thread: 50 rounds of 0..1999.
  EXPECT_EQ(s.buckets, std::vector<std::uint64_t>({kThreads * 50 * 11, kThreads * 50 * 90,
                                                   kThreads * 50 * 900, kThreads * 50 * 999}));
  EXPECT_EQ(s.sum, std::uint64_t{kThreads} * 50 * (1999 * 2000 / 2));
}

TEST(Histogram, LocalObservationsArriveOnFlush) {
  const double bounds[] = {10};
  Histogram h(bounds, 1);
  LocalHistogram local(h);
  local.observe(3);
  local.observe(30);
  local.observe(10);
  EXPECT_EQ(h.snapshot().count, 0u);
  local.flush();
  auto s = h.snapshot();
  EXPECT_EQ(s.buckets, std::vector<std::uint64_t>({2, 1}));
  EXPECT_EQ(s.sum, 43u);
  local.flush();  // nothing new
  local.observe(1);
  local.flush();
  s = h.snapshot();
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.sum, 44u);
}

TEST(Histogram, ComponentsHaveABatchLatencyHistogram) {
  MetricsRegistry registry;
  ComponentMetrics m(registry, "web", "sink", "file");
  m.batch_latency.observe(std::chrono::milliseconds(3));
  const double bounds[] = {0.5};
  m.histogram("things_seconds", "Things.", bounds, 1e-3).observe(std::chrono::milliseconds(250));
  const std::string text = registry.render_prometheus();
  EXPECT_NE(text.find("# TYPE pyrolog_component_batch_latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("pyrolog_component_batch_latency_seconds_bucket{component=\"web\",kind=\"sink\","
                      "type=\"file\",le=\"0.0025\"} "
                      "0\npyrolog_component_batch_latency_seconds_bucket{component=\"web\",kind=\"sink\","
                      "type=\"file\",le=\"0.005\"} "
                      "1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("pyrolog_component_batch_latency_seconds_sum{component=\"web\",kind=\"sink\",type=\"file\"}"
                " 0.003\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("pyrolog_things_seconds_bucket{component=\"web\",kind=\"sink\",type=\"file\",le=\"0.5\"} 1\n"
                "pyrolog_things_seconds_bucket{component=\"web\",kind=\"sink\",type=\"file\",le=\"+Inf\"} "
                "1\npyrolog_things_seconds_sum{component=\"web\",kind=\"sink\",type=\"file\"} "
                "0.25\npyrolog_things_seconds_count{component=\"web\",kind=\"sink\",type=\"file\"} 1\n"),
      std::string::npos)
      << text;
}

TEST(ScopedGauge, TheSeriesGoesWithItsLastHolder) {
  MetricsRegistry registry;
  ScopedGauge a = registry.scoped_gauge("behind_bytes", "Behind.", {{"path", "/a"}});
  ScopedGauge b = registry.scoped_gauge("behind_bytes", "Behind.", {{"path", "/b"}});
  ScopedGauge a2 = registry.scoped_gauge("behind_bytes", "Behind.", {{"path", "/a"}});  // the same series
  a.set(5);
  b.set(7);
  EXPECT_EQ(a2.value(), 5);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP behind_bytes Behind.\n# TYPE behind_bytes gauge\nbehind_bytes{path=\"/a\"} "
            "5\nbehind_bytes{path=\"/b\"} 7\n");
  b.reset();
  EXPECT_FALSE(b);
  a.reset();  // a2 still holds /a
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP behind_bytes Behind.\n# TYPE behind_bytes gauge\nbehind_bytes{path=\"/a\"} 5\n");
  ScopedGauge moved = std::move(a2);
  EXPECT_FALSE(a2);  // NOLINT(bugprone-use-after-move): a moved-from holder holds nothing
  moved = ScopedGauge();
  EXPECT_EQ(registry.render_prometheus(), "");  // a family without series is left out
  // A series also handed out by `gauge` stays.
  Gauge& kept = registry.gauge("behind_bytes", "Behind.", {{"path", "/c"}});
  { ScopedGauge c = registry.scoped_gauge("behind_bytes", "Behind.", {{"path", "/c"}}); }
  kept.set(1);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP behind_bytes Behind.\n# TYPE behind_bytes gauge\nbehind_bytes{path=\"/c\"} 1\n");
}

TEST(ScopedGauge, ComponentSeriesCarryTheComponentLabels) {
  MetricsRegistry registry;
  ComponentMetrics m(registry, "logs", "source", "tail");
  {
    ScopedGauge g = m.scoped_gauge("tail_file_behind_bytes", "Behind.", {{"path", "/var/log/x.log"}});
    g.set(42);
    EXPECT_NE(
        registry.render_prometheus().find("pyrolog_tail_file_behind_bytes{component=\"logs\",kind=\"source\","
                                          "type=\"tail\",path=\"/var/log/x.log\"} 42\n"),
        std::string::npos);
  }
  EXPECT_EQ(registry.render_prometheus().find("pyrolog_tail_file_behind_bytes"), std::string::npos);
}

TEST(Metrics, GlobalRegistryIsOne) {
  EXPECT_EQ(&global_metrics(), &global_metrics());
}

}  // namespace
}  // namespace pyrolog
