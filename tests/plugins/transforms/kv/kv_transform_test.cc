#include <string>

#include <gtest/gtest.h>

#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::field;
using test::make_batch;
using test::make_transform;
using test::run_one;

TEST(KvTransformTest, PairsBecomeStringFieldsThatViewTheText) {
  auto t = make_transform("kv", "{}");
  Batch b = run_one(
      *t, make_batch({R"(Accepted user=alice action="log in" note='it''s' took=12 free words here)"}));
  const Event& e = b.events()[0];
  EXPECT_EQ(field(b, e, "user"), "alice");
  EXPECT_EQ(field(b, e, "action"), "log in");
  EXPECT_EQ(field(b, e, "took"), "12");
  EXPECT_EQ(field(b, e, "note"), "it");
  EXPECT_EQ(field(b, e, "tags._kvparsefailure"), "<missing>");
  const Value* user = b.find(e, "user");
  EXPECT_GE(user->as_string().data(), e.raw.data());
  EXPECT_LE(user->as_string().data(), e.raw.data() + e.raw.size());
}

TEST(KvTransformTest, SeparatorsQuotesPrefixTargetAndKeyLists) {
  auto t = make_transform("kv", R"(field_split: ',;'
value_split: ':'
quotes: '"'
target: kv
prefix: p_
exclude_keys: [secret]
allow_empty_values: true)");
  Batch b = run_one(*t, make_batch({R"(a:1,,b:"x \"y\" \\z";secret:s;empty:;c:'q')"}));
  const Event& e = b.events()[0];
  EXPECT_EQ(field(b, e, "kv.p_a"), "1");
  EXPECT_EQ(field(b, e, "kv.p_b"), R"(x "y" \z)");
  EXPECT_EQ(field(b, e, "kv.p_secret"), "<missing>");
  EXPECT_EQ(field(b, e, "kv.p_empty"), "");
  EXPECT_EQ(field(b, e, "kv.p_c"), "'q'");  // ' is not a quote here
  auto only = make_transform("kv", "include_keys: [a]");
  Batch o = run_one(*only, make_batch({"a=1 b=2"}));
  EXPECT_EQ(field(o, o.events()[0], "a"), "1");
  EXPECT_EQ(field(o, o.events()[0], "b"), "<missing>");
}

TEST(KvTransformTest, EmptyValuesAreLeftOutByDefaultAndLaterKeysWin) {
  auto t = make_transform("kv", "{}");
  Batch b = run_one(*t, make_batch({"a= b=1 b=2 =x"}));
  const Event& e = b.events()[0];
  EXPECT_EQ(field(b, e, "a"), "<missing>");
  EXPECT_EQ(field(b, e, "b"), "2");
  EXPECT_EQ(field(b, e, "tags._kvparsefailure"), "bool:true");  // `=x` has an empty key
}

TEST(KvTransformTest, BadInputIsTaggedCountedAndWhatCouldBeReadIsKept) {
  std::string errors;
  auto t = test::make_transform("kv", "max_pairs: 2", errors, "kv_bad");
  ASSERT_TRUE(t) << errors;
  Batch b = run_one(*t, make_batch({
                            "a=1 b=\"never closed",      // unterminated quote
                            "k\xFF=1 ok=2",              // invalid UTF-8 in a key
                            "x=1 y=2 z=3",               // more than max_pairs
                            "a..b=1 .c=2 d.=3 e\x01=4",  // keys that cannot be field names
                            "no pairs at all",           // nothing: counted, not tagged
                        }));
  auto e = b.events();
  EXPECT_EQ(field(b, e[0], "a"), "1");
  EXPECT_EQ(field(b, e[0], "b"), "<missing>");
  EXPECT_EQ(field(b, e[0], "tags._kvparsefailure"), "bool:true");
  EXPECT_EQ(field(b, e[1], "ok"), "2");
  EXPECT_EQ(field(b, e[1], "tags._kvparsefailure"), "bool:true");
  EXPECT_EQ(field(b, e[2], "y"), "2");
  EXPECT_EQ(field(b, e[2], "z"), "<missing>");
  EXPECT_EQ(field(b, e[2], "tags._kvparsefailure"), "bool:true");
  EXPECT_EQ(e[3].field_count, 1u);
  EXPECT_EQ(e[4].field_count, 0u);
  EXPECT_EQ(test::outcome_count("kv_bad", "kv", "unterminated_quote"), 1u);
  EXPECT_EQ(test::outcome_count("kv_bad", "kv", "invalid_key"), 5u);
  EXPECT_EQ(test::outcome_count("kv_bad", "kv", "too_many_pairs"), 1u);
  EXPECT_EQ(test::outcome_count("kv_bad", "kv", "no_pairs"), 1u);
}

TEST(KvTransformTest, InvalidUtf8InAValueIsKeptAsItIs) {
  auto t = make_transform("kv", "{}");
  Batch b = run_one(*t, make_batch({"v=caf\xC3 w=\xFF"}));
  EXPECT_EQ(field(b, b.events()[0], "v"), "caf\xC3");
  EXPECT_EQ(field(b, b.events()[0], "w"), "\xFF");
}

TEST(KvTransformTest, TenMebibyteValueAndMissingField) {
  std::string errors;
  auto t = test::make_transform("kv", "field: data", errors, "kv_missing");
  Batch batch = make_batch({"raw", "raw"});
  const std::string big = "k=" + std::string(10 * 1024 * 1024, 'v');
  batch.append(batch.events()[1], "data", Value::string(batch.store(big)));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "tags._kvparsefailure"), "bool:true");
  EXPECT_EQ(b.find(b.events()[1], "k")->as_string().size(), 10u * 1024 * 1024);
  EXPECT_EQ(test::outcome_count("kv_missing", "kv", "missing_field"), 1u);
}

TEST(KvTransformTest, ConfigErrors) {
  EXPECT_NE(test::config_errors("kv", "value_split: ''").find("needs at least one character"),
            std::string::npos);
  EXPECT_NE(test::config_errors("kv", "field_split: '= '").find("'=' is in both field_split and value_split"),
            std::string::npos);
  EXPECT_NE(test::config_errors("kv", "max_pairs: 0").find("max_pairs: 0 is out of range"),
            std::string::npos);
  EXPECT_NE(test::config_errors("kv", "tag_on_failure: ['']").find("invalid tag ''"), std::string::npos);
}

}  // namespace
}  // namespace pyrolog
