#include "runtime/health.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "runtime/agent_status.h"

namespace pyrolog {
namespace {

using namespace std::chrono_literals;
using Clock = HealthTracker::Clock;

ComponentSnapshot sink(std::uint64_t sent, std::uint64_t pending, std::uint64_t errors = 0) {
  ComponentSnapshot s;
  s.name = "out";
  s.kind = "sink";
  s.type = "file";
  s.sent_events = sent;
  s.pending_batches = pending;
  s.errors = errors;
  return s;
}

ComponentSnapshot source() {
  ComponentSnapshot s;
  s.name = "in";
  s.kind = "source";
  s.type = "tcp";
  return s;
}

TEST(Health, ASinkWithWorkWaitingAndNoDeliveryForTheTimeoutIsUnhealthy) {
  HealthTracker tracker(10s);
  const auto t0 = Clock::now();
  EXPECT_TRUE(tracker.update({source(), sink(5, 2)}, t0).healthy);
  EXPECT_TRUE(tracker.update({source(), sink(5, 3, 4)}, t0 + 9s).healthy);
  const auto report = tracker.update({source(), sink(5, 3, 7)}, t0 + 10s);
  EXPECT_FALSE(report.healthy);
  ASSERT_EQ(report.components.size(), 2u);
  EXPECT_TRUE(report.components[0].healthy);
  EXPECT_FALSE(report.components[1].healthy);
  EXPECT_EQ(report.components[1].reason,
            "no delivery for 10s with 3 batch(es) waiting; 7 error(s) meanwhile");
  EXPECT_EQ(report.unhealthy_names(), std::vector<std::string>{"out"});
}

TEST(Health, ADeliveryMakesTheSinkHealthyAgainAndRestartsTheClock) {
  HealthTracker tracker(10s);
  const auto t0 = Clock::now();
  tracker.update({sink(5, 2)}, t0);
  EXPECT_FALSE(tracker.update({sink(5, 2)}, t0 + 11s).healthy);
  EXPECT_TRUE(tracker.update({sink(6, 2)}, t0 + 12s).healthy);
  EXPECT_TRUE(tracker.update({sink(6, 2)}, t0 + 21s).healthy);
  EXPECT_FALSE(tracker.update({sink(6, 2)}, t0 + 22s).healthy);
}

TEST(Health, AnIdleSinkWithNothingWaitingStaysHealthy) {
  HealthTracker tracker(1s);
  const auto t0 = Clock::now();
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(tracker.update({sink(5, 0)}, t0 + std::chrono::seconds(i * 10)).healthy);
  // Work arrives: the clock starts now, not at the last delivery long ago.
  EXPECT_TRUE(tracker.update({sink(5, 1)}, t0 + 50s).healthy);
  EXPECT_FALSE(tracker.update({sink(5, 1)}, t0 + 51s).healthy);
}

TEST(Health, AComponentThatStoppedOnAnErrorIsUnhealthy) {
  HealthTracker tracker(10s);
  auto s = source();
  s.failed = true;
  s.failure = "bind: address in use";
  const auto report = tracker.update({s}, Clock::now());
  EXPECT_FALSE(report.healthy);
  EXPECT_EQ(report.components[0].reason, "stopped on an error: bind: address in use");
}

TEST(Health, TheJsonNamesTheUnhealthyComponentsAndWhy) {
  HealthTracker tracker(1s);
  const auto t0 = Clock::now();
  tracker.update({source(), sink(0, 1)}, t0);
  const auto j = nlohmann::json::parse(tracker.update({source(), sink(0, 1)}, t0 + 2s).to_json());
  EXPECT_EQ(j["status"], "unhealthy");
  ASSERT_EQ(j["unhealthy"].size(), 1u);
  EXPECT_EQ(j["unhealthy"][0]["component"], "out");
  EXPECT_EQ(j["unhealthy"][0]["type"], "file");
  EXPECT_NE(j["unhealthy"][0]["reason"].get<std::string>().find("no delivery for 2s"), std::string::npos);
  EXPECT_EQ(j["components"].size(), 2u);
}

TEST(AgentStatus, OnlyARunningAgentIsHealthy) {
  AgentStatus status;
  HealthReport ok;
  ok.healthy = true;
  status.set_health(ok);
  EXPECT_FALSE(status.health().healthy);
  EXPECT_EQ(status.health().state, "starting");
  status.set_state("running");
  EXPECT_TRUE(status.health().healthy);
  status.set_state("reloading");
  EXPECT_FALSE(status.health().healthy);
  EXPECT_EQ(nlohmann::json::parse(status.health().to_json())["state"], "reloading");
}

}  // namespace
}  // namespace pyrolog
