#include "event/value.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(Value, EachTypeGivesBackWhatItHolds) {
  const std::string text = "GET /index.html";
  EXPECT_EQ(Value::string(text).as_string(), text);
  EXPECT_EQ(Value::string(text).as_string().data(), text.data());
  EXPECT_EQ(Value::integer(std::numeric_limits<std::int64_t>::min()).as_integer(),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(Value::integer(-1).as_integer(), -1);
  EXPECT_EQ(Value::floating(-0.25).as_floating(), -0.25);
  EXPECT_TRUE(Value::boolean(true).as_boolean());
  EXPECT_FALSE(Value::boolean(false).as_boolean());
  EXPECT_EQ(Value::timestamp(1'717'200'000'123'456'789).as_timestamp(), 1'717'200'000'123'456'789);
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value::string("").type(), ValueType::string);
  EXPECT_EQ(Value::string("").as_string(), "");
}

// The payload is shared between the types: an accessor for another type must give that type's zero, not the
// payload's bits read as it.
TEST(Value, AnAccessorOfAnotherTypeGivesItsZero) {
  const Value s = Value::string("abc");
  EXPECT_EQ(s.as_integer(), 0);
  EXPECT_EQ(s.as_floating(), 0.0);
  EXPECT_FALSE(s.as_boolean());
  EXPECT_EQ(s.as_timestamp(), 0);
  const Value i = Value::integer(0x4010'0000'0000'0000);  // 4.0 as a double's bits
  EXPECT_EQ(i.as_floating(), 0.0);
  EXPECT_TRUE(i.as_string().empty());
  const Value d = Value::floating(4.0);
  EXPECT_EQ(d.as_integer(), 0);
  EXPECT_TRUE(d.as_string().empty());
  EXPECT_TRUE(Value().as_string().empty());
  EXPECT_EQ(Value().as_integer(), 0);
}

TEST(Value, AStringKeepsALengthBeyondThirtyTwoBits) {
  const char* somewhere = "x";
  const std::size_t length = (std::size_t{1} << 40) + 3;  // never read: only the length is checked
  const Value v = Value::string(std::string_view(somewhere, length));
  EXPECT_EQ(v.type(), ValueType::string);
  EXPECT_EQ(v.as_string().size(), length);
  EXPECT_EQ(v.as_string().data(), somewhere);
}

TEST(Value, EqualityComparesTypeAndContent) {
  const std::string a = "same";
  const std::string b = "same";
  EXPECT_EQ(Value::string(a), Value::string(b));  // by content, not by address
  EXPECT_NE(Value::string("1"), Value::integer(1));
  EXPECT_NE(Value::integer(1), Value::timestamp(1));
  EXPECT_NE(Value::integer(1), Value::boolean(true));
  EXPECT_EQ(Value::floating(1.5), Value::floating(1.5));
  EXPECT_NE(Value::floating(1.5), Value::floating(2.5));
  EXPECT_EQ(Value(), Value());
}

static_assert(Value::integer(7).as_integer() == 7);
static_assert(Value::string("ab").as_string() == "ab");
static_assert(Value::floating(2.0).as_floating() == 2.0);

}  // namespace
}  // namespace pyrolog
