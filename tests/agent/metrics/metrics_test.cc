#include "metrics/metrics.h"

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
            "# HELP a_bytes Bytes held.\n"
            "# TYPE a_bytes gauge\n"
            "a_bytes -5\n"
            "# HELP b_total Things counted.\n"
            "# TYPE b_total counter\n"
            "b_total{component=\"api\"} 1\n"
            "b_total{component=\"web\"} 3\n"
            "# HELP c_total No labels.\n"
            "# TYPE c_total counter\n"
            "c_total 0\n");
}

TEST(Metrics, AScaledFamilyRendersInItsBaseUnit) {
  MetricsRegistry registry;
  // Counted in microseconds, exported in seconds; the first caller's scale is the family's.
  registry.counter("latency_seconds_total", "Time.", {{"c", "a"}}, 1e-6).add(1'500'000);
  registry.counter("latency_seconds_total", "Time.", {{"c", "b"}}).add(250);
  registry.gauge("latency_max_seconds", "Longest.", {}, 1e-3).set(42);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP latency_max_seconds Longest.\n"
            "# TYPE latency_max_seconds gauge\n"
            "latency_max_seconds 0.042\n"
            "# HELP latency_seconds_total Time.\n"
            "# TYPE latency_seconds_total counter\n"
            "latency_seconds_total{c=\"a\"} 1.5\n"
            "latency_seconds_total{c=\"b\"} 0.00025\n");
  // Sums and values stay in the counted unit.
  EXPECT_EQ(registry.counter_sum("latency_seconds_total"), 1'500'250u);
}

TEST(Metrics, LabelsKeepTheirOrderAndValuesAreEscaped) {
  MetricsRegistry registry;
  registry.counter("x_total", "X.", {{"z", "1"}, {"a", "2"}}).add(7);
  registry.counter("y_total", "Y.", {{"path", "C:\\dir\\"}, {"quote", "say \"hi\""}, {"nl", "a\nb"}}).add();
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP x_total X.\n"
            "# TYPE x_total counter\n"
            "x_total{z=\"1\",a=\"2\"} 7\n"
            "# HELP y_total Y.\n"
            "# TYPE y_total counter\n"
            "y_total{path=\"C:\\\\dir\\\\\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\"} 1\n");
}

TEST(Metrics, HelpTextIsEscaped) {
  MetricsRegistry registry;
  registry.gauge("g", "Line one\nline two with a \\ and \"quotes\".", {}).set(1);
  EXPECT_EQ(registry.render_prometheus(),
            "# HELP g Line one\\nline two with a \\\\ and \"quotes\".\n"
            "# TYPE g gauge\n"
            "g 1\n");
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

TEST(Metrics, GlobalRegistryIsOne) {
  EXPECT_EQ(&global_metrics(), &global_metrics());
}

}  // namespace
}  // namespace pyrolog
