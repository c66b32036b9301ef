#include "expr/value_text.h"

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(ValueTextTest, EveryType) {
  ValueText text;
  EXPECT_EQ(text(Value::string("abc")), "abc");
  EXPECT_EQ(text(Value::integer(-42)), "-42");
  EXPECT_EQ(text(Value::floating(2.5)), "2.5");
  EXPECT_EQ(text(Value::boolean(true)), "true");
  EXPECT_EQ(text(Value()), "");
  EXPECT_EQ(text(Value::timestamp(0)), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(text(Value::timestamp(1'700'000'000'123'456'789)), "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(text(Value::timestamp(-1)), "1969-12-31T23:59:59.999999999Z");
}

}  // namespace
}  // namespace pyrolog
