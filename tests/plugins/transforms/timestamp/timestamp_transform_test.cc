#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::field;
using test::make_batch;
using test::make_transform;
using test::run_one;

Batch with_field(const std::vector<std::string>& values, const std::string& name = "timestamp") {
  Batch batch = make_batch(std::vector<std::string>(values.size(), "line"));
  for (std::size_t i = 0; i < values.size(); ++i) {
    batch.append(batch.events()[i], batch.store(name), Value::string(batch.store(values[i])));
  }
  return batch;
}

TEST(TimestampTransformTest, SetsTheEventTimeWithTheFirstFormatThatFits) {
  auto t = make_transform("timestamp", "formats: ['%d/%b/%Y:%H:%M:%S %z', ISO8601, UNIX]");
  Batch b = run_one(*t, with_field({"10/Oct/2000:13:55:36 -0700", "2000-10-10T20:55:36.5Z", "971211336"}));
  auto e = b.events();
  EXPECT_EQ(e[0].timestamp, 971'211'336'000'000'000);
  EXPECT_EQ(e[1].timestamp, 971'211'336'500'000'000);
  EXPECT_EQ(e[2].timestamp, 971'211'336'000'000'000);
  for (const Event& ev : e)
    EXPECT_EQ(field(b, ev, "tags._timestampparsefailure"), "<missing>");
  EXPECT_EQ(field(b, e[0], "timestamp"), "10/Oct/2000:13:55:36 -0700");  // kept unless remove_field
}

TEST(TimestampTransformTest, TargetTimezoneAndRemoveField) {
  auto t = make_transform("timestamp",
                          "field: when\nformats: ['%Y-%m-%d %H:%M:%S']\ntimezone: '+02:00'\ntarget: "
                          "parsed_at\nremove_field: true");
  Batch b = run_one(*t, with_field({"2000-10-10 22:55:36"}, "when"));
  const Event& e = b.events()[0];
  EXPECT_EQ(e.timestamp, 0);
  EXPECT_EQ(field(b, e, "parsed_at"), "ts:971211336000000000");
  EXPECT_EQ(field(b, e, "when"), "<missing>");
}

TEST(TimestampTransformTest, NumberFieldsWithUnixFormats) {
  auto t = make_transform("timestamp", "field: t\nformats: [UNIX_MS]");
  Batch batch = make_batch({"a", "b"});
  batch.append(batch.events()[0], "t", Value::integer(1'700'000'000'123));
  batch.append(batch.events()[1], "t", Value::floating(1.7e12));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(b.events()[0].timestamp, 1'700'000'000'123'000'000);
  EXPECT_EQ(b.events()[1].timestamp, 1'700'000'000'000'000'000);
}

TEST(TimestampTransformTest, AnUnparseableTimeIsTaggedNotDropped) {
  std::string errors;
  auto t = test::make_transform("timestamp", "formats: [ISO8601]", errors, "ts_bad");
  ASSERT_TRUE(t) << errors;
  Batch batch =
      with_field({"yesterday", "2024-02-30", "caf\xC3\xA9", std::string(10 * 1024 * 1024, '9'), ""});
  batch.add_event(7, batch.store("no timestamp field"));
  Batch b = run_one(*t, std::move(batch));
  ASSERT_EQ(b.size(), 6u);
  for (const Event& e : b.events()) {
    EXPECT_EQ(field(b, e, "tags._timestampparsefailure"), "bool:true");
  }
  EXPECT_EQ(b.events()[5].timestamp, 7);  // the time is left as it was
  EXPECT_EQ(test::outcome_count("ts_bad", "timestamp", "unparseable"), 5u);
  EXPECT_EQ(test::outcome_count("ts_bad", "timestamp", "missing_field"), 1u);
}

TEST(TimestampTransformTest, ConfigErrors) {
  EXPECT_NE(test::config_errors("timestamp", "{}").find("missing required option 'formats'"),
            std::string::npos);
  EXPECT_NE(test::config_errors("timestamp", "formats: []").find("needs at least one format"),
            std::string::npos);
  EXPECT_NE(test::config_errors("timestamp", "formats: ['%Y-%q']").find("unknown directive '%q'"),
            std::string::npos);
  EXPECT_NE(test::config_errors("timestamp", "formats: [ISO8601]\ntimezone: Nowhere/Special")
                .find("timezone: 'Nowhere/Special': unknown time zone"),
            std::string::npos);
  EXPECT_NE(test::config_errors("timestamp", "formats: [ISO8601]\ntimezone: '+25:00'").find("timezone"),
            std::string::npos);
}

}  // namespace
}  // namespace pyrolog
