#include "expr/event_fields.h"

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(EventFieldsTest, MessageIsTheRawLine) {
  Batch batch;
  Event& e = batch.add_event(0, batch.store("the line"));
  EXPECT_EQ(read_field(batch, e, "message"), Value::string("the line"));
  EXPECT_FALSE(read_field(batch, e, "other").has_value());

  write_field(batch, e, "message", Value::string(batch.store("new line")));
  EXPECT_EQ(e.raw, "new line");
  EXPECT_EQ(e.field_count, 0u);
  write_field(batch, e, "message", Value::integer(42));
  EXPECT_EQ(e.raw, "42");

  write_field(batch, e, "a", Value::integer(1));
  write_field(batch, e, "a", Value::integer(2));
  EXPECT_EQ(read_field(batch, e, "a"), Value::integer(2));
  EXPECT_EQ(e.field_count, 1u);

  EXPECT_TRUE(remove_field(batch, e, "message"));
  EXPECT_EQ(e.raw, "");
  EXPECT_FALSE(remove_field(batch, e, "message"));
  EXPECT_TRUE(remove_field(batch, e, "a"));
  EXPECT_FALSE(remove_field(batch, e, "a"));
}

}  // namespace
}  // namespace pyrolog
