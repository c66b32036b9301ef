#include "codec/event_encoder.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "event/field_names.h"

namespace pyrolog {
namespace {

using nlohmann::json;

// Parses `text` as JSON, and fails when an object repeats a key (valid JSON grammar, but parsers disagree on
// what it means, and Elasticsearch rejects it).
class StrictParser : public nlohmann::json_sax<json> {
 public:
  static json parse(const std::string& text) {
    StrictParser checker;
    EXPECT_TRUE(json::sax_parse(text, &checker)) << text;
    EXPECT_EQ(checker.duplicate_, "") << "repeated key in " << text;
    return json::parse(text);
  }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& key) override {
    if (!keys_.back().insert(key).second && duplicate_.empty()) duplicate_ = key;
    return true;
  }
  bool end_object() override {
    keys_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    ADD_FAILURE() << e.what();
    return false;
  }

 private:
  std::vector<std::set<std::string>> keys_;
  std::string duplicate_;
};

struct NamedValue {
  std::string name;
  Value value;
};

// Encodes one event with `fields` (appended in order, repeats allowed) as JSON, checks it is one line of
// strict JSON, and returns it parsed.
json encode(const std::vector<NamedValue>& fields, std::string_view raw = "the line", TimestampNs ts = 0) {
  Batch batch;
  Event& e = batch.add_event(ts, batch.store(raw));
  for (const auto& f : fields)
    batch.append(e, batch.store(f.name), f.value);
  EventEncoder encoder(Encoding::json);
  std::string out;
  encoder.append_line(out, batch, batch.events()[0]);
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  return StrictParser::parse(out);
}

// What setting each field in order into nested objects gives: a later field replaces an earlier one at the
// same name, inside it, or where it must nest.
json model(const std::vector<NamedValue>& fields, std::string_view raw, const std::string& timestamp) {
  json fields_json = json::object();
  for (const auto& f : fields) {
    if (f.name == "timestamp" || f.name == "message" || f.name.rfind("timestamp.", 0) == 0 ||
        f.name.rfind("message.", 0) == 0) {
      continue;
    }
    json* node = &fields_json;
    std::string_view rest = f.name;
    for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
      json& child = (*node)[std::string(rest.substr(0, dot))];
      if (!child.is_object()) child = json::object();
      node = &child;
      rest.remove_prefix(dot + 1);
    }
    json value;
    switch (f.value.type()) {
      case ValueType::integer:
        value = f.value.as_integer();
        break;
      case ValueType::string:
        value = std::string(f.value.as_string());
        break;
      default:
        ADD_FAILURE() << "the model only knows integers and strings";
    }
    (*node)[std::string(rest)] = value;
  }
  json out = fields_json;
  out["timestamp"] = timestamp;
  out["message"] = std::string(raw);
  return out;
}

TEST(EventEncoder, RawIsTheLineAsReceived) {
  Batch batch;
  batch.add_event(0, batch.store("first \"line\" \xFF"));
  Event& e = batch.add_event(0, batch.store(""));
  batch.set(e, "ignored", Value::integer(1));
  EventEncoder encoder(Encoding::raw);
  std::string out = "kept:";
  for (const Event& ev : batch.events())
    encoder.append_line(out, batch, ev);
  EXPECT_EQ(out, "kept:first \"line\" \xFF\n\n");
}

TEST(EventEncoder, JsonEnvelope) {
  Batch batch;
  batch.add_event(1'500'000'000, batch.store("GET / \"x\""));
  EventEncoder encoder(Encoding::json);
  std::string out;
  encoder.append_line(out, batch, batch.events()[0]);
  EXPECT_EQ(out, R"({"timestamp":"1970-01-01T00:00:01.500000000Z","message":"GET / \"x\""})"
                 "\n");
}

TEST(EventEncoder, JsonFieldsOfEveryType) {
  Batch batch;
  Event& e = batch.add_event(0, batch.store("l"));
  batch.set(e, "s", Value::string("text"));
  batch.set(e, "i", Value::integer(-3));
  batch.set(e, "f", Value::floating(2.5));
  batch.set(e, "b", Value::boolean(true));
  batch.set(e, "t", Value::timestamp(86'400'000'000'000));
  batch.set(e, "n", Value());
  EventEncoder encoder(Encoding::json);
  std::string out;
  encoder.append_line(out, batch, batch.events()[0]);
  // Fields follow the envelope, sorted by name.
  EXPECT_EQ(out, R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"l","b":true,"f":2.5,"i":-3,)"
                 R"("n":null,"s":"text","t":"1970-01-02T00:00:00.000000000Z"})"
                 "\n");
}

TEST(EventEncoder, ExceptFieldsLeavesOutFieldsWithWhatIsNestedUnderThemAndTheEnvelopeKeys) {
  Batch batch;
  Event& e = batch.add_event(0, batch.store("the line"));
  batch.set(e, "syslog.hostname", Value::string("web1"));
  batch.set(e, "syslog.peer", Value::string("127.0.0.1"));
  batch.set(e, "http.status", Value::integer(200));
  batch.set(e, "http.request.path", Value::string("/"));
  batch.set(e, "httpx", Value::integer(1));  // `http` is not a prefix of `httpx`: kept
  const auto encode_without = [&](std::vector<std::string> except) {
    EventEncoder encoder(Encoding::json, std::move(except));
    std::string out;
    encoder.append_line(out, batch, batch.events()[0]);
    encoder.append_line(out, batch, batch.events()[0]);  // the second time from the kept layout
    const auto newline = out.find('\n');
    EXPECT_EQ(out.substr(0, newline + 1), out.substr(newline + 1));
    return out.substr(0, newline);
  };
  EXPECT_EQ(encode_without({"message", "http", "syslog.peer"}),
            R"({"timestamp":"1970-01-01T00:00:00.000000000Z","httpx":1,"syslog":{"hostname":"web1"}})");
  EXPECT_EQ(encode_without({"timestamp", "http.request", "syslog"}),
            R"({"message":"the line","http":{"status":200},"httpx":1})");
  EXPECT_EQ(encode_without({"timestamp", "message", "http", "httpx"}),
            R"({"syslog":{"hostname":"web1","peer":"127.0.0.1"}})");
  EXPECT_EQ(encode_without({"timestamp", "message", "http", "httpx", "syslog"}), "{}");
  EXPECT_EQ(encode_without({"timestamp"}).substr(0, 23), R"({"message":"the line",")");
}

TEST(EventEncoder, ExceptFieldsNamesAreChecked) {
  EXPECT_EQ(check_except_fields({"message", "a.b"}), std::nullopt);
  EXPECT_EQ(check_except_fields({""}), "'' is not a field name");
  EXPECT_EQ(check_except_fields({"a."}), "'a.' is not a field name");
}

TEST(EventEncoder, DottedNamesNest) {
  const auto parsed = encode({{"http.status", Value::integer(200)},
                              {"http.method", Value::string("GET")},
                              {"a.b.c", Value::integer(1)},
                              {"client", Value::string("10.0.0.1")},
                              {"a.b.d", Value::integer(2)},
                              {"a.e", Value::integer(3)},
                              {"http.request.path", Value::string("/")},
                              {"z", Value::integer(9)}});
  EXPECT_EQ(parsed, json::parse(R"({
    "timestamp": "1970-01-01T00:00:00.000000000Z", "message": "the line",
    "http": {"status": 200, "method": "GET", "request": {"path": "/"}},
    "a": {"b": {"c": 1, "d": 2}, "e": 3},
    "client": "10.0.0.1", "z": 9})"));
}

TEST(EventEncoder, SiblingsThatSortBetweenNestedMembers) {
  // '-' and '!' sort before '.', '_' after it: `a-x` and `a!` sort between `a` and `a.b`, `a_y` after `a.z`.
  const auto parsed = encode({{"a.b", Value::integer(1)},
                              {"a-x", Value::integer(2)},
                              {"a_y", Value::integer(3)},
                              {"a.z", Value::integer(4)},
                              {"a!", Value::integer(5)},
                              {"a.b-c.d", Value::integer(6)},
                              {"a.b_c", Value::integer(7)}});
  EXPECT_EQ(parsed, json::parse(R"({
    "timestamp": "1970-01-01T00:00:00.000000000Z", "message": "the line",
    "a": {"b": 1, "z": 4, "b-c": {"d": 6}, "b_c": 7}, "a-x": 2, "a_y": 3, "a!": 5})"));
}

TEST(EventEncoder, ALeafAndAnObjectOfTheSameNameKeepTheLaterOne) {
  // `a` then `a.b.c`: the object replaces the value.
  EXPECT_EQ(encode({{"a", Value::integer(1)}, {"a.b.c", Value::integer(2)}}),
            json::parse(R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"the line",
                            "a":{"b":{"c":2}}})"));
  // `a.b.c` then `a`: the value replaces the object.
  EXPECT_EQ(encode({{"a.b.c", Value::integer(2)}, {"a", Value::integer(1)}}),
            json::parse(R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"the line","a":1})"));
  // In between: `a.b`, `a`, `a.c` is {"a":{"c":..}}; siblings elsewhere stay.
  EXPECT_EQ(encode({{"a.b", Value::integer(1)},
                    {"x", Value::integer(0)},
                    {"a", Value::integer(2)},
                    {"a.c", Value::integer(3)},
                    {"a.b.d", Value::integer(4)}}),
            json::parse(R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"the line",
                            "x":0,"a":{"c":3,"b":{"d":4}}})"));
  // A leaf inside a nested object.
  EXPECT_EQ(encode({{"a.b.c.d", Value::integer(1)}, {"a.b", Value::integer(2)}, {"a.e", Value::integer(3)}}),
            json::parse(R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"the line",
                            "a":{"b":2,"e":3}})"));
}

TEST(EventEncoder, ARepeatedNameKeepsTheLastValue) {
  EXPECT_EQ(
      encode({{"x", Value::integer(1)}, {"y", Value::integer(0)}, {"x", Value::integer(2)}}),
      json::parse(R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"the line","x":2,"y":0})"));
  EXPECT_EQ(encode({{"h.s", Value::integer(1)}, {"h.s", Value::integer(2)}, {"h.t", Value::integer(3)}}),
            json::parse(R"({"timestamp":"1970-01-01T00:00:00.000000000Z","message":"the line",
                            "h":{"s":2,"t":3}})"));
}

TEST(EventEncoder, FieldsDoNotDuplicateTheEnvelope) {
  const auto parsed = encode({{"timestamp", Value::string("from a field")},
                              {"message", Value::string("from a field")},
                              {"message.length", Value::integer(8)},
                              {"timestamp.zone", Value::string("UTC")},
                              {"messages", Value::integer(1)},
                              {"timestamps.x", Value::integer(2)},
                              {"event.message", Value::string("nested is fine")}},
                             "raw line", 2'000'000'000);
  EXPECT_EQ(parsed, json::parse(R"({"timestamp":"1970-01-01T00:00:02.000000000Z","message":"raw line",
                                    "messages":1,"timestamps":{"x":2},"event":{"message":"nested is fine"}})"));
}

TEST(EventEncoder, OddNamesStillGiveValidJson) {
  const auto parsed = encode({{"", Value::integer(1)},
                              {"a.", Value::integer(2)},
                              {".b", Value::integer(3)},
                              {"c..d", Value::integer(4)},
                              {"q\"uote.back\\slash", Value::integer(5)},
                              {"\xFF.x", Value::integer(6)}});
  EXPECT_EQ(parsed["a"][""], 2);
  EXPECT_EQ(parsed["c"][""]["d"], 4);
  EXPECT_EQ(parsed["q\"uote"]["back\\slash"], 5);
  EXPECT_EQ(parsed["\xEF\xBF\xBD"]["x"], 6);
  // `""` and `.b` collide (`.b` nests under ""): the later one wins.
  EXPECT_EQ(parsed[""]["b"], 3);
}

TEST(EventEncoder, EscapesFieldValuesAndTheMessage) {
  const auto parsed =
      encode({{"v", Value::string("tab\there \"q\" \x01 \xC3\xA9 \xC3")}}, "msg \\ \n \xE2\x82");
  EXPECT_EQ(parsed["v"], "tab\there \"q\" \x01 \xC3\xA9 \xEF\xBF\xBD");
  EXPECT_EQ(parsed["message"], "msg \\ \n \xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(EventEncoder, RandomFieldSetsMatchNestedAssignment) {
  std::mt19937 rng(2024);
  const std::vector<std::string> parts{"a", "b", "c", "a-b", "a_b", "message", "timestamp", ""};
  EventEncoder encoder(Encoding::json);  // one encoder for every event: its scratch space must not leak
  for (int round = 0; round < 3000; ++round) {
    std::vector<NamedValue> fields;
    for (int n = static_cast<int>(rng() % 9); n > 0; --n) {
      std::string name = parts[rng() % parts.size()];
      for (int depth = static_cast<int>(rng() % 4); depth > 0; --depth)
        name += "." + parts[rng() % parts.size()];
      fields.push_back({name, rng() % 2 ? Value::integer(static_cast<std::int64_t>(rng() % 100))
                                        : Value::string(round % 2 ? "s" : "t")});
    }
    Batch batch;
    Event& e = batch.add_event(0, batch.store("m"));
    for (const auto& f : fields)
      batch.append(e, batch.store(f.name), f.value);
    std::string out;
    encoder.append_line(out, batch, batch.events()[0]);
    std::string names;
    for (const auto& f : fields)
      names += "[" + f.name + "] ";
    SCOPED_TRACE(names);
    ASSERT_EQ(StrictParser::parse(out), model(fields, "m", "1970-01-01T00:00:00.000000000Z")) << out;
  }
}

// The encoder keeps the layouts of the last few field-name sequences: cycling through more of them than it
// keeps, and through sequences that differ only in one name of the same length, every event still encodes as
// a fresh encoder would encode it.
TEST(EventEncoder, CyclingThroughMoreShapesThanItKeeps) {
  EventEncoder shared(Encoding::json);
  for (int round = 0; round < 5; ++round) {
    for (int shape = 0; shape < 12; ++shape) {
      std::vector<NamedValue> fields{{"host", Value::string("web-1")},
                                     {"f" + std::to_string(shape % 10), Value::integer(round)},
                                     {"http.status", Value::integer(200 + shape)}};
      if (shape >= 10) fields.push_back({"http.status.code", Value::integer(shape)});  // replaces the leaf
      Batch batch;
      Event& e = batch.add_event(0, batch.store("m"));
      for (const auto& f : fields)
        batch.append(e, batch.store(f.name), f.value);
      std::string out;
      shared.append_line(out, batch, batch.events()[0]);
      SCOPED_TRACE("round " + std::to_string(round) + " shape " + std::to_string(shape));
      EXPECT_EQ(StrictParser::parse(out), encode(fields, "m"));
    }
  }
}

// A layout remembers which of its names were interned, and an event with those very views matches it without
// comparing bytes; names with the same text elsewhere (from data) still match by their bytes, and others not.
TEST(EventEncoder, InternedAndStoredNamesAreMatchedAlike) {
  const std::string_view host = FieldNames::intern("host");
  const std::string_view code = FieldNames::intern("http.code");
  EventEncoder encoder(Encoding::json);
  Batch batch;
  Event& interned = batch.add_event(0, batch.store("a"));
  batch.append(interned, host, Value::string("web-1"));
  batch.append(interned, code, Value::integer(200));
  Event& stored = batch.add_event(0, batch.store("b"));
  batch.append(stored, batch.store("host"), Value::string("web-2"));
  batch.append(stored, batch.store("http.code"), Value::integer(404));
  Event& other = batch.add_event(0, batch.store("c"));
  batch.append(other, host, Value::string("web-3"));
  batch.append(other, batch.store("http.kode"), Value::integer(500));
  std::string out;
  for (const Event& e : batch.events()) {
    out.clear();
    encoder.append_line(out, batch, e);
    const auto parsed = StrictParser::parse(out);
    if (&e == &batch.events()[2]) {
      EXPECT_EQ(parsed["http"]["kode"], 500);
      EXPECT_FALSE(parsed["http"].contains("code"));
    } else {
      EXPECT_EQ(parsed["http"]["code"], &e == &batch.events()[0] ? 200 : 404);
    }
    EXPECT_EQ(parsed["host"], &e == &batch.events()[0]   ? "web-1"
                              : &e == &batch.events()[1] ? "web-2"
                                                         : "web-3");
  }
}

TEST(EventEncoder, ManyEventsInOneBuffer) {
  Batch batch;
  for (int i = 0; i < 50; ++i) {
    Event& e = batch.add_event(i, batch.store("line " + std::to_string(i)));
    batch.set(e, "n", Value::integer(i));
    if (i % 2) batch.set(e, "odd.yes", Value::boolean(true));
  }
  EventEncoder encoder(Encoding::json);
  std::string out;
  for (const Event& e : batch.events())
    encoder.append_line(out, batch, e);
  std::size_t start = 0;
  for (int i = 0; i < 50; ++i) {
    const std::size_t end = out.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    const auto parsed = StrictParser::parse(out.substr(start, end - start));
    EXPECT_EQ(parsed["n"], i);
    EXPECT_EQ(parsed["message"], "line " + std::to_string(i));
    EXPECT_EQ(parsed.contains("odd"), i % 2 == 1);
    start = end + 1;
  }
  EXPECT_EQ(start, out.size());
}

TEST(EventEncoder, EncodingChoices) {
  const auto choices = encoding_choices();
  ASSERT_EQ(choices.size(), 2u);
  EXPECT_EQ(choices[0].first, "raw");
  EXPECT_EQ(choices[0].second, Encoding::raw);
  EXPECT_EQ(choices[1].first, "json");
  EXPECT_EQ(choices[1].second, Encoding::json);
}

}  // namespace
}  // namespace pyrolog
