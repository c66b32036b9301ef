#include "event/field_names.h"

#include <string>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(FieldNames, InterningTheSameNameTwiceGivesTheSameView) {
  const std::string name = "field_names_test.same";
  const std::string_view a = FieldNames::intern(name);
  const std::string_view b = FieldNames::intern(std::string(name));
  EXPECT_EQ(a, name);
  EXPECT_EQ(a.data(), b.data());
}

TEST(FieldNames, OnlyTheInternedBytesCountAsInterned) {
  const std::string_view interned = FieldNames::intern("field_names_test.interned");
  EXPECT_TRUE(FieldNames::is_interned(interned));
  const std::string copy(interned);  // equal bytes elsewhere, as a name from data would be
  EXPECT_FALSE(FieldNames::is_interned(copy));
  EXPECT_FALSE(FieldNames::is_interned(interned.substr(0, 5)));  // a prefix of interned bytes is not a name
  EXPECT_FALSE(FieldNames::is_interned("field_names_test.never_interned"));
}

}  // namespace
}  // namespace pyrolog
