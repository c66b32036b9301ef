#include "event/field_names.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(FieldNamesTest, SameNameSameViewForever) {
  std::string name = "http.status";
  const std::string_view a = FieldNames::intern(name);
  name = "something else entirely, long enough to leave the small-string buffer";
  const std::string_view b = FieldNames::intern("http.status");
  EXPECT_EQ(a, "http.status");
  EXPECT_EQ(a.data(), b.data());
}

TEST(FieldNamesTest, GrowsOnlyWithDistinctNames) {
  FieldNames::intern("field_names_test.x");
  const std::size_t before = FieldNames::size();
  for (int i = 0; i < 1000; ++i)
    FieldNames::intern("field_names_test.x");
  EXPECT_EQ(FieldNames::size(), before);
}

TEST(FieldNamesTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<std::set<const char*>> seen(4);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([t, &seen] {
      for (int i = 0; i < 2000; ++i)
        seen[t].insert(FieldNames::intern("thread_test." + std::to_string(i % 100)).data());
    });
  }
  for (auto& th : threads)
    th.join();
  for (std::size_t t = 1; t < 4; ++t)
    EXPECT_EQ(seen[t], seen[0]);
  EXPECT_EQ(seen[0].size(), 100u);
}

}  // namespace
}  // namespace pyrolog
