#include <string>

#include <gtest/gtest.h>

#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::field;
using test::make_batch;
using test::make_transform;
using test::run_one;

TEST(JsonTransformTest, MembersBecomeTypedDottedFields) {
  auto t = make_transform("json", "{}");
  Batch b = run_one(
      *t,
      make_batch(
          {R"({"a":1,"b":"x","c":{"d":true,"e":{"f":-2.5}},"n":null,)"
           R"("list":[1,{"g":"h"},[],"q\"uote"],"u":18446744073709551615,"s":"caf\u00e9 \ud83d\ude00"})"}));
  const Event& e = b.events()[0];
  EXPECT_EQ(field(b, e, "a"), "int:1");
  EXPECT_EQ(field(b, e, "b"), "x");
  EXPECT_EQ(field(b, e, "c.d"), "bool:true");
  EXPECT_EQ(field(b, e, "c.e.f"), "float:-2.5");
  EXPECT_EQ(field(b, e, "n"), "null");
  EXPECT_EQ(field(b, e, "list"), R"([1,{"g":"h"},[],"q\"uote"])");  // arrays as their JSON text
  EXPECT_EQ(field(b, e, "u"), "float:1.84467e+19");                 // past int64: a float
  EXPECT_EQ(field(b, e, "s"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(field(b, e, "tags._jsonparsefailure"), "<missing>");
}

TEST(JsonTransformTest, AMessageMemberReplacesTheRawLine) {
  auto t = make_transform("json", "{}");
  Batch b = run_one(*t, make_batch({R"({"message":"hello","level":"info"})"}));
  EXPECT_EQ(b.events()[0].raw, "hello");
  EXPECT_EQ(field(b, b.events()[0], "level"), "info");
}

TEST(JsonTransformTest, LaterDuplicatesAndExistingFieldsAreReplaced) {
  auto t = make_transform("json", "{}");
  Batch batch = make_batch({R"({"a":1,"a":2,"b":"new"})"});
  batch.append(batch.events()[0], "b", Value::string("old"));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "a"), "int:2");
  EXPECT_EQ(field(b, b.events()[0], "b"), "new");
  EXPECT_EQ(b.events()[0].field_count, 2u);
}

TEST(JsonTransformTest, TargetAndSourceField) {
  auto t = make_transform("json", "field: payload\ntarget: parsed");
  Batch batch = make_batch({"line 1", "line 2", "line 3"});
  auto e = batch.events();
  batch.append(e[0], "payload", Value::string(R"({"x":{"y":1},"message":"m"})"));
  batch.append(e[1], "payload", Value::string("[1, 2 ,3]"));
  batch.append(e[2], "payload", Value::string("  42 "));
  Batch b = run_one(*t, std::move(batch));
  e = b.events();
  EXPECT_EQ(field(b, e[0], "parsed.x.y"), "int:1");
  EXPECT_EQ(field(b, e[0], "parsed.message"), "m");
  EXPECT_EQ(e[0].raw, "line 1");
  EXPECT_EQ(field(b, e[1], "parsed"), "[1,2,3]");
  EXPECT_EQ(field(b, e[2], "parsed"), "int:42");
}

TEST(JsonTransformTest, BadTextsLeaveTheEventAsItWasTaggedAndCounted) {
  std::string errors;
  auto t = test::make_transform("json", "max_depth: 4\nmax_fields: 3", errors, "json_bad");
  ASSERT_TRUE(t) << errors;
  const std::vector<std::string> lines = {
      R"({"a":1,"b":)",                      // malformed: truncated
      R"({"a":1} trailing)",                 // malformed: text after the value
      "{\"a\":\"caf\xC3\"}",                 // invalid UTF-8 in a string
      "{\"a\xFF\":1}",                       // invalid UTF-8 in a key
      R"({"a":{"b":{"c":{"d":{"e":1}}}}})",  // five levels, max_depth 4
      R"({"a":1,"b":2,"c":3,"d":4})",        // four fields, max_fields 3
      "[1,2]",                               // not an object, and no target
      "",                                    // empty
      R"({"a":01})",                         // a leading zero
      R"({'a':1})",                          // single quotes
  };
  Batch b = run_one(*t, make_batch(lines));
  ASSERT_EQ(b.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Event& e = b.events()[i];
    EXPECT_EQ(field(b, e, "tags._jsonparsefailure"), "bool:true") << lines[i];
    EXPECT_EQ(e.field_count, 1u) << lines[i] << ": no partial fields";
    EXPECT_EQ(e.raw, lines[i]);
  }
  EXPECT_EQ(test::outcome_count("json_bad", "json", "invalid"), 7u);
  EXPECT_EQ(test::outcome_count("json_bad", "json", "too_deep"), 1u);
  EXPECT_EQ(test::outcome_count("json_bad", "json", "too_many_fields"), 1u);
  EXPECT_EQ(test::outcome_count("json_bad", "json", "not_object"), 1u);
}

TEST(JsonTransformTest, DeepNestingIsBoundedWithoutRecursion) {
  auto t = make_transform("json", "{}");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Batch b = run_one(*t, make_batch({"{\"a\":" + deep + "}"}));
  EXPECT_EQ(field(b, b.events()[0], "tags._jsonparsefailure"), "bool:true");
}

TEST(JsonTransformTest, TenMebibyteValue) {
  const std::string big = "{\"v\":\"" + std::string(10 * 1024 * 1024, 'x') + "\"}";
  std::string errors;
  auto limited = test::make_transform("json", "{}", errors, "json_big");
  Batch b = run_one(*limited, make_batch({big}));
  EXPECT_EQ(field(b, b.events()[0], "tags._jsonparsefailure"), "bool:true");  // over max_bytes (1 MiB)
  EXPECT_EQ(test::outcome_count("json_big", "json", "too_large"), 1u);
  auto roomy = make_transform("json", "max_bytes: 16MiB");
  Batch r = run_one(*roomy, make_batch({big}));
  ASSERT_NE(r.find(r.events()[0], "v"), nullptr);
  EXPECT_EQ(r.find(r.events()[0], "v")->as_string().size(), 10u * 1024 * 1024);
}

TEST(JsonTransformTest, AMissingFieldIsTagged) {
  std::string errors;
  auto t = test::make_transform("json", "field: body", errors, "json_missing");
  Batch b = run_one(*t, make_batch({"{}"}));
  EXPECT_EQ(field(b, b.events()[0], "tags._jsonparsefailure"), "bool:true");
  EXPECT_EQ(test::outcome_count("json_missing", "json", "missing_field"), 1u);
}

TEST(JsonTransformTest, ConfigErrors) {
  EXPECT_NE(test::config_errors("json", "max_depth: 0").find("max_depth: 0 is out of range"),
            std::string::npos);
  EXPECT_NE(test::config_errors("json", "max_bytes: lots").find("expected a byte size"), std::string::npos);
  EXPECT_NE(test::config_errors("json", "tag_on_failure: ['a.b']").find("invalid tag 'a.b'"),
            std::string::npos);
  EXPECT_NE(test::config_errors("json", "field: ''").find("must not be empty"), std::string::npos);
  EXPECT_NE(test::config_errors("json", "targte: x").find("did you mean 'target'"), std::string::npos);
}

}  // namespace
}  // namespace pyrolog
