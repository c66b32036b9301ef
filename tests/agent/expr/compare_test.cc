#include "expr/compare.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace pyrolog::expr {
namespace {

TEST(CompareTest, ParseNumber) {
  EXPECT_EQ(parse_number("42"), Value::integer(42));
  EXPECT_EQ(parse_number("-7"), Value::integer(-7));
  EXPECT_EQ(parse_number("+3"), Value::integer(3));
  EXPECT_EQ(parse_number("2.5"), Value::floating(2.5));
  EXPECT_EQ(parse_number("1e3"), Value::floating(1000.0));
  EXPECT_EQ(parse_number("99999999999999999999"), Value::floating(1e20));
  for (const char* bad : {"", "+", "+-1", " 1", "1 ", "1x", "0x10", "inf", "nan", "1e999", "--1", "."}) {
    EXPECT_FALSE(parse_number(bad).has_value()) << bad;
  }
}

TEST(CompareTest, EqualityAcrossTypes) {
  EXPECT_TRUE(equal(Value::integer(3), Value::floating(3.0)));
  EXPECT_FALSE(equal(Value::integer(3), Value::floating(3.5)));
  EXPECT_TRUE(equal(Value::string("3"), Value::integer(3)));
  EXPECT_TRUE(equal(Value::integer(3), Value::string("3.0")));
  EXPECT_FALSE(equal(Value::string("three"), Value::integer(3)));
  EXPECT_TRUE(equal(Value::string("true"), Value::boolean(true)));
  EXPECT_FALSE(equal(Value::string("yes"), Value::boolean(true)));
  EXPECT_FALSE(equal(Value::integer(1), Value::boolean(true)));
  EXPECT_TRUE(equal(Value(), Value()));
  EXPECT_FALSE(equal(Value(), Value::string("")));
  EXPECT_TRUE(equal(Value::timestamp(5), Value::integer(5)));
  EXPECT_FALSE(equal(Value::timestamp(5), Value::string("5")));
  EXPECT_FALSE(equal(Value::floating(std::nan("")), Value::floating(std::nan(""))));
}

TEST(CompareTest, Ordering) {
  EXPECT_TRUE(order(Value::integer(2), Value::floating(2.5)) < 0);
  EXPECT_TRUE(order(Value::string("10"), Value::integer(9)) > 0);   // as numbers
  EXPECT_TRUE(order(Value::string("10"), Value::string("9")) < 0);  // as strings
  EXPECT_TRUE(order(Value::timestamp(10), Value::timestamp(20)) < 0);
  EXPECT_TRUE(order(Value::timestamp(10), Value::integer(5)) > 0);
  EXPECT_EQ(order(Value::boolean(false), Value::boolean(true)), std::partial_ordering::unordered);
  EXPECT_EQ(order(Value(), Value::integer(1)), std::partial_ordering::unordered);
  EXPECT_EQ(order(Value::string("abc"), Value::integer(1)), std::partial_ordering::unordered);
  EXPECT_EQ(order(Value::floating(std::nan("")), Value::integer(1)), std::partial_ordering::unordered);
  const auto big = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(order(Value::integer(big), Value::floating(9.3e18)) < 0);
  EXPECT_TRUE(order(Value::integer(big - 1), Value::integer(big)) < 0);
}

}  // namespace
}  // namespace pyrolog::expr
