#include <string>

#include <gtest/gtest.h>

#include "transform_test_support.h"

namespace pyrolog {
namespace {

using test::field;
using test::make_batch;
using test::make_transform;
using test::run_one;

Batch sample() {
  Batch batch = make_batch({"the raw line"});
  Event& e = batch.events()[0];
  batch.append(e, "host", Value::string("web1"));
  batch.append(e, "status", Value::string("503"));
  batch.append(e, "took", Value::string("2.75"));
  batch.append(e, "ok", Value::string("yes"));
  batch.append(e, "n", Value::integer(7));
  batch.append(e, "password", Value::string("hunter2"));
  return batch;
}

TEST(FieldsTransformTest, RenameAddSetConvertRemove) {
  auto t = make_transform("fields", R"(rename: {host: server.name}
add: {env: production, status: 'never used'}
set: {id: '{server.name}-{status}', copy: '{n}', braces: '{{literal}}', line: 'raw: {message}'}
convert: {status: integer, took: float, ok: boolean, n: string}
remove: [password, absent])");
  Batch b = run_one(*t, sample());
  const Event& e = b.events()[0];
  EXPECT_EQ(field(b, e, "host"), "<missing>");
  EXPECT_EQ(field(b, e, "server.name"), "web1");
  EXPECT_EQ(field(b, e, "env"), "production");
  EXPECT_EQ(field(b, e, "status"), "int:503");  // `add` does not replace; `convert` ran after `set`
  EXPECT_EQ(field(b, e, "id"), "web1-503");     // templates see the value before `convert`
  EXPECT_EQ(field(b, e, "copy"), "int:7");      // one reference: the value with its type
  EXPECT_EQ(field(b, e, "braces"), "{literal}");
  EXPECT_EQ(field(b, e, "line"), "raw: the raw line");
  EXPECT_EQ(field(b, e, "took"), "float:2.75");
  EXPECT_EQ(field(b, e, "ok"), "bool:true");
  EXPECT_EQ(field(b, e, "n"), "7");
  EXPECT_EQ(field(b, e, "password"), "<missing>");
  EXPECT_EQ(field(b, e, "tags._fieldsfailure"), "<missing>");
}

TEST(FieldsTransformTest, TheMessageAndTheTimestamp) {
  auto t = make_transform("fields", "rename: {message: original}\nset: {at: '{@timestamp}'}");
  Batch batch = make_batch({"line"});
  batch.events()[0].timestamp = 1'000'000'000;
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "original"), "line");
  EXPECT_EQ(b.events()[0].raw, "");
  EXPECT_EQ(field(b, b.events()[0], "at"), "ts:1000000000");
  auto s = make_transform("fields", "set: {message: '{a} {b}'}");
  Batch batch2 = make_batch({"old"});
  batch2.append(batch2.events()[0], "a", Value::integer(1));
  batch2.append(batch2.events()[0], "b", Value::boolean(false));
  Batch b2 = run_one(*s, std::move(batch2));
  EXPECT_EQ(b2.events()[0].raw, "1 false");
}

TEST(FieldsTransformTest, ConversionsThatFailAreTaggedAndKept) {
  std::string errors;
  auto t =
      test::make_transform("fields", R"(convert: {a: integer, b: float, c: boolean, d: integer, e: integer})",
                           errors, "fields_bad");
  ASSERT_TRUE(t) << errors;
  Batch batch = make_batch({"x"});
  Event& e = batch.events()[0];
  batch.append(e, "a", Value::string("12abc"));
  batch.append(e, "b", Value::string("caf\xC3"));
  batch.append(e, "c", Value::string("maybe"));
  batch.append(e, "d", Value::floating(1e300));
  batch.append(e, "e", Value::string("-3.9"));
  Batch b = run_one(*t, std::move(batch));
  const Event& out = b.events()[0];
  EXPECT_EQ(field(b, out, "a"), "12abc");
  EXPECT_EQ(field(b, out, "b"), "caf\xC3");
  EXPECT_EQ(field(b, out, "c"), "maybe");
  EXPECT_EQ(field(b, out, "d"), "float:1e+300");
  EXPECT_EQ(field(b, out, "e"), "int:-3");  // truncated
  EXPECT_EQ(field(b, out, "tags._fieldsfailure"), "bool:true");
  EXPECT_EQ(test::outcome_count("fields_bad", "fields", "conversion_failed"), 4u);
}

TEST(FieldsTransformTest, TemplatesWithMissingFieldsAndBigValues) {
  std::string errors;
  auto t =
      test::make_transform("fields", "set: {id: '{host}/{absent}', big2: '{big}{big}', copy: '{absent}'}",
                           errors, "fields_missing");
  ASSERT_TRUE(t) << errors;
  Batch batch = make_batch({"x"});
  const std::string big(10 * 1024 * 1024, 'b');
  batch.append(batch.events()[0], "host", Value::string("h"));
  batch.append(batch.events()[0], "big", Value::string(batch.store(big)));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(field(b, b.events()[0], "id"), "h/");
  EXPECT_EQ(field(b, b.events()[0], "copy"), "<missing>");  // a copy of nothing sets nothing
  EXPECT_EQ(field(b, b.events()[0], "tags._fieldsfailure"), "bool:true");
  EXPECT_EQ(b.find(b.events()[0], "big2")->as_string().size(), 2 * big.size());
  EXPECT_EQ(test::outcome_count("fields_missing", "fields", "template_missing_field"), 2u);
}

TEST(FieldsTransformTest, RenameOntoAnExistingFieldReplacesIt) {
  auto t = make_transform("fields", "rename: {a: b, c: d}");
  Batch batch = make_batch({"x"});
  batch.append(batch.events()[0], "a", Value::integer(1));
  batch.append(batch.events()[0], "b", Value::integer(2));
  batch.append(batch.events()[0], "c", Value::integer(3));
  Batch b = run_one(*t, std::move(batch));
  EXPECT_EQ(test::fields_of(b, b.events()[0]),
            (std::map<std::string, std::string>{{"b", "int:1"}, {"d", "int:3"}, {"message", "x"}}));
}

TEST(FieldsTransformTest, MissingFieldsAreNoFailureForRenameConvertRemove) {
  auto t = make_transform("fields", "rename: {a: b}\nconvert: {c: integer}\nremove: [d]");
  Batch b = run_one(*t, make_batch({"x"}));
  EXPECT_EQ(b.events()[0].field_count, 0u);
}

TEST(FieldsTransformTest, ConfigErrors) {
  EXPECT_NE(test::config_errors("fields", "set: {a: '{b'}").find("has no closing '}'"), std::string::npos);
  EXPECT_NE(test::config_errors("fields", "set: {a: 'b}'}").find("closes nothing"), std::string::npos);
  EXPECT_NE(test::config_errors("fields", "set: {a: '{}'}").find("empty or broken field reference"),
            std::string::npos);
  EXPECT_NE(test::config_errors("fields", "convert: {a: number}").find("unknown type 'number'"),
            std::string::npos);
  EXPECT_NE(test::config_errors("fields", "rename: {a: 'b..c'}").find("is not a field name"),
            std::string::npos);
  EXPECT_NE(test::config_errors("fields", "remove: ['']").find("is not a field name"), std::string::npos);
  EXPECT_NE(test::config_errors("fields", "set: [a]").find("expected a map of strings"), std::string::npos);
}

}  // namespace
}  // namespace pyrolog
