#include "event/batch.h"

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "event/ack.h"
#include "event/arena.h"
#include "event/value.h"

namespace pyrolog {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// The fields of an event as (name, value) strings, in order.
std::vector<std::pair<std::string, std::string>> fields_of(const Batch& batch, const Event& event) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Field& f : batch.fields(event)) {
    std::string value;
    switch (f.value.type()) {
      case ValueType::string:
        value = std::string(f.value.as_string());
        break;
      case ValueType::integer:
        value = std::to_string(f.value.as_integer());
        break;
      default:
        value = "?";
    }
    out.emplace_back(std::string(f.name), value);
  }
  return out;
}

TEST(Value, TypesAndEquality) {
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value(), Value());
  EXPECT_EQ(Value::string("a").type(), ValueType::string);
  EXPECT_EQ(Value::string("a").as_string(), "a");
  EXPECT_EQ(Value::integer(-7).as_integer(), -7);
  EXPECT_EQ(Value::floating(2.5).as_floating(), 2.5);
  EXPECT_TRUE(Value::boolean(true).as_boolean());
  EXPECT_FALSE(Value::boolean(false).as_boolean());
  EXPECT_EQ(Value::timestamp(123).as_timestamp(), 123);

  const std::string a = "same";
  const std::string b = "same";
  EXPECT_EQ(Value::string(a), Value::string(b));  // by content, not by address
  EXPECT_NE(Value::string("x"), Value::string("y"));
  EXPECT_NE(Value::integer(1), Value::timestamp(1));  // same bits, other type
  EXPECT_NE(Value::integer(1), Value::boolean(true));
  EXPECT_EQ(Value::boolean(true), Value::boolean(true));
  EXPECT_NE(Value::floating(1.0), Value::integer(1));
  EXPECT_NE(Value(), Value::string(""));
}

TEST(Batch, AddsEventsWhoseBytesItOwns) {
  Batch batch;
  EXPECT_TRUE(batch.empty());
  std::string line = "first line";
  batch.add_event(10, batch.store(line));
  line = "overwritten";  // the batch holds its own copy
  batch.add_event(20, batch.store("second"));
  batch.add_event(30, batch.store(""));

  ASSERT_EQ(batch.size(), 3u);
  EXPECT_FALSE(batch.empty());
  EXPECT_EQ(batch.events()[0].raw, "first line");
  EXPECT_EQ(batch.events()[0].timestamp, 10);
  EXPECT_EQ(batch.events()[1].raw, "second");
  EXPECT_EQ(batch.events()[2].raw, "");
  EXPECT_EQ(batch.events()[2].timestamp, 30);
  EXPECT_EQ(batch.raw_bytes(), 16u);
  for (const Event& e : batch.events())
    EXPECT_EQ(e.field_count, 0u);
}

TEST(Batch, SetAppendFindRemove) {
  Batch batch;
  Event& e = batch.add_event(1, batch.store("line"));
  EXPECT_EQ(batch.find(e, "host"), nullptr);

  batch.set(e, "host", Value::string("a"));
  batch.set(e, "status", Value::integer(200));
  ASSERT_NE(batch.find(e, "host"), nullptr);
  EXPECT_EQ(*batch.find(e, "host"), Value::string("a"));
  EXPECT_EQ(batch.find(e, "status")->as_integer(), 200);

  // `set` replaces in place, keeping the order.
  batch.set(e, "host", Value::string("b"));
  EXPECT_THAT(fields_of(batch, e), ElementsAre(Pair("host", "b"), Pair("status", "200")));

  // `append` does not look: a repeated name is kept twice, and `find` sees the first.
  batch.append(e, "tag", Value::string("x"));
  batch.append(e, "tag", Value::string("y"));
  EXPECT_EQ(e.field_count, 4u);
  EXPECT_EQ(batch.find(e, "tag")->as_string(), "x");

  // `remove` takes the first of that name and keeps the others in order.
  EXPECT_TRUE(batch.remove(e, "host"));
  EXPECT_FALSE(batch.remove(e, "host"));
  EXPECT_FALSE(batch.remove(e, "missing"));
  EXPECT_THAT(fields_of(batch, e), ElementsAre(Pair("status", "200"), Pair("tag", "x"), Pair("tag", "y")));
  EXPECT_TRUE(batch.remove(e, "tag"));
  EXPECT_THAT(fields_of(batch, e), ElementsAre(Pair("status", "200"), Pair("tag", "y")));

  // Adding after a removal.
  batch.set(e, "host", Value::string("c"));
  EXPECT_THAT(fields_of(batch, e), ElementsAre(Pair("status", "200"), Pair("tag", "y"), Pair("host", "c")));
}

TEST(Batch, FieldsOfAnEarlierEventMoveWhenALaterEventHasFieldsAfterThem) {
  Batch batch;
  batch.add_event(1, batch.store("a"));
  batch.add_event(2, batch.store("b"));
  batch.add_event(3, batch.store("c"));
  auto events = batch.events();
  batch.set(events[0], "one", Value::integer(1));
  batch.set(events[0], "two", Value::integer(2));
  batch.set(events[1], "three", Value::integer(3));
  batch.set(events[2], "four", Value::integer(4));
  // Event 0's fields are not last in the pool: they are copied to the end, then the new one follows.
  batch.set(events[0], "five", Value::integer(5));
  batch.set(events[1], "six", Value::integer(6));
  batch.set(events[0], "seven", Value::integer(7));
  // Replacing a value does not move anything.
  batch.set(events[2], "four", Value::integer(44));

  EXPECT_THAT(fields_of(batch, events[0]),
              ElementsAre(Pair("one", "1"), Pair("two", "2"), Pair("five", "5"), Pair("seven", "7")));
  EXPECT_THAT(fields_of(batch, events[1]), ElementsAre(Pair("three", "3"), Pair("six", "6")));
  EXPECT_THAT(fields_of(batch, events[2]), ElementsAre(Pair("four", "44")));
  EXPECT_EQ(batch.find(events[0], "seven")->as_integer(), 7);
  EXPECT_EQ(batch.find(events[1], "one"), nullptr);
}

TEST(Batch, FieldOperationsMatchASimpleModel) {
  // Random set / append / remove on random events, checked against a vector per event after every step.
  std::mt19937 rng(12345);
  Batch batch;
  constexpr int kEvents = 12;
  for (int i = 0; i < kEvents; ++i)
    batch.add_event(i, batch.store("line " + std::to_string(i)));
  std::vector<std::vector<std::pair<std::string, std::string>>> model(kEvents);
  const std::vector<std::string> names{"a", "b", "c", "d", "http.status", "e"};
  for (int step = 0; step < 3000; ++step) {
    const std::size_t index = rng() % kEvents;
    Event& e = batch.events()[index];
    auto& m = model[index];
    const std::string& name = names[rng() % names.size()];
    const std::string value = std::to_string(step);
    switch (rng() % 4) {
      case 0:
      case 1: {  // set
        batch.set(e, batch.store(name), Value::string(batch.store(value)));
        auto it = std::find_if(m.begin(), m.end(), [&](const auto& f) { return f.first == name; });
        if (it != m.end()) {
          it->second = value;
        } else {
          m.emplace_back(name, value);
        }
        break;
      }
      case 2:  // append
        if (m.size() < 8) {
          batch.append(e, name, Value::string(batch.store(value)));
          m.emplace_back(name, value);
        }
        break;
      default: {  // remove
        auto it = std::find_if(m.begin(), m.end(), [&](const auto& f) { return f.first == name; });
        EXPECT_EQ(batch.remove(e, name), it != m.end());
        if (it != m.end()) m.erase(it);
      }
    }
    for (std::size_t i = 0; i < kEvents; ++i) {
      ASSERT_EQ(fields_of(batch, batch.events()[i]), model[i]) << "step " << step << ", event " << i;
      ASSERT_EQ(batch.events()[i].raw, "line " + std::to_string(i));
    }
  }
}

TEST(Batch, RetainKeepsOrderAndFields) {
  Batch batch;
  for (int i = 0; i < 6; ++i) {
    Event& e = batch.add_event(i, batch.store("e" + std::to_string(i)));
    batch.set(e, "n", Value::integer(i));
  }
  batch.retain([](const Event& e) { return e.timestamp % 2 == 0; });
  ASSERT_EQ(batch.size(), 3u);
  std::vector<std::string> raws;
  for (const Event& e : batch.events()) {
    raws.emplace_back(e.raw);
    EXPECT_EQ(batch.find(e, "n")->as_integer(), e.timestamp);
  }
  EXPECT_THAT(raws, ElementsAre("e0", "e2", "e4"));
  // Fields can still be added to the kept events.
  batch.set(batch.events()[0], "m", Value::integer(100));
  EXPECT_EQ(batch.find(batch.events()[0], "m")->as_integer(), 100);
  EXPECT_EQ(batch.find(batch.events()[1], "n")->as_integer(), 2);

  batch.retain([](const Event&) { return true; });
  EXPECT_EQ(batch.size(), 3u);
  batch.retain([](const Event&) { return false; });
  EXPECT_TRUE(batch.empty());
}

TEST(Batch, CloneSharesBytesButNotFields) {
  Batch original;
  Event& e = original.add_event(5, original.store("shared bytes"));
  original.set(e, "k", Value::string(original.store("v")));

  Batch copy = original.clone();
  ASSERT_EQ(copy.size(), 1u);
  // The same bytes, not a copy of them.
  EXPECT_EQ(copy.events()[0].raw.data(), original.events()[0].raw.data());
  EXPECT_EQ(copy.find(copy.events()[0], "k")->as_string().data(),
            original.find(original.events()[0], "k")->as_string().data());

  // Fields are independent both ways.
  copy.set(copy.events()[0], "k", Value::string(copy.store("changed")));
  copy.set(copy.events()[0], "only_in_copy", Value::integer(1));
  original.set(original.events()[0], "only_in_original", Value::integer(2));
  EXPECT_THAT(fields_of(original, original.events()[0]),
              ElementsAre(Pair("k", "v"), Pair("only_in_original", "2")));
  EXPECT_THAT(fields_of(copy, copy.events()[0]),
              ElementsAre(Pair("k", "changed"), Pair("only_in_copy", "1")));

  // Events are independent too.
  copy.add_event(6, copy.store("copy only"));
  copy.retain([](const Event& ev) { return ev.timestamp == 6; });
  EXPECT_EQ(original.size(), 1u);
  EXPECT_EQ(copy.size(), 1u);

  // The clone keeps the shared bytes alive after the original is gone.
  Batch copy2 = original.clone();
  { Batch gone = std::move(original); }
  EXPECT_EQ(copy2.events()[0].raw, "shared bytes");
  EXPECT_EQ(copy2.find(copy2.events()[0], "k")->as_string(), "v");
}

TEST(Batch, ByteSizeGrows) {
  Batch batch;
  const std::size_t empty = batch.byte_size();
  batch.store("0123456789");
  const std::size_t stored = batch.byte_size();
  EXPECT_GE(stored, empty + 10);
  Event& e = batch.add_event(0, "literal");
  const std::size_t with_event = batch.byte_size();
  EXPECT_GE(with_event, stored + sizeof(Event));
  batch.set(e, "f", Value::integer(1));
  EXPECT_GE(batch.byte_size(), with_event + sizeof(Field));
  const std::string big(100000, 'x');
  const std::size_t before_big = batch.byte_size();
  batch.store(big);
  EXPECT_GE(batch.byte_size(), before_big + big.size());
  // A clone accounts for the bytes it shares.
  EXPECT_GE(batch.clone().byte_size(), batch.byte_size());
}

// What a batch costs in memory is what it accounts for: a few short lines hold a small block, not a large
// one, and the count covers every block and the tables' capacities.
TEST(Batch, ByteSizeIsTheMemoryHeld) {
  Batch small;
  small.add_event(0, small.store("a short line"));
  EXPECT_LE(small.byte_size(), Arena::kFirstBlock + 64 * sizeof(Event));

  Batch big;
  std::size_t raw = 0;
  for (std::size_t i = 0; i < 2000; ++i) {
    const std::string line(100 + i % 50, 'x');
    big.add_event(0, big.store(line));
    raw += line.size();
  }
  EXPECT_GE(big.byte_size(), raw + 2000 * sizeof(Event));
  // Blocks double up to their largest size, so at most about a block beyond the bytes is held.
  EXPECT_LE(big.byte_size(), raw + Arena::kDefaultBlock + 2 * 2048 * sizeof(Event));
}

TEST(Arena, BlocksGrowFromSmallToTheirLargestSize) {
  Arena arena;
  EXPECT_EQ(arena.reserved(), 0u);
  arena.allocate(10);
  EXPECT_EQ(arena.reserved(), Arena::kFirstBlock);
  for (int i = 0; i < 1000; ++i)
    arena.allocate(1000);
  EXPECT_GE(arena.reserved(), arena.used());
  EXPECT_LE(arena.reserved(), arena.used() + Arena::kDefaultBlock);
  auto adopted = std::make_unique<char[]>(100);
  const std::size_t before = arena.reserved();
  arena.adopt(std::move(adopted), 100);
  EXPECT_EQ(arena.reserved(), before + 100);
}

TEST(Batch, MovedBatchKeepsItsViews) {
  Batch batch;
  for (int i = 0; i < 100; ++i)
    batch.add_event(i, batch.store(std::string(1000, static_cast<char>('a' + i % 26))));
  Batch moved = std::move(batch);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(moved.events()[static_cast<std::size_t>(i)].raw,
              std::string(1000, static_cast<char>('a' + i % 26)));
  }
}

TEST(Arena, AllocatesInBlocksAndCountsBytes) {
  Arena arena(1024);
  EXPECT_EQ(arena.used(), 0u);
  char* a = arena.allocate(100);
  char* b = arena.allocate(100);
  EXPECT_EQ(b, a + 100);  // bump allocation within a block
  // A large piece that does not fit gets a block of its own; the current block goes on after it.
  char* big = arena.allocate(900);
  std::memset(big, 'x', 900);
  char* c = arena.allocate(10);
  EXPECT_EQ(c, b + 100);
  EXPECT_EQ(arena.used(), 1110u);
  // A small piece that does not fit starts a new block.
  char* d = arena.allocate(250);
  char* e = arena.allocate(250);
  char* f = arena.allocate(250);
  char* g = arena.allocate(250);
  EXPECT_EQ(d, c + 10);
  EXPECT_EQ(e, d + 250);
  EXPECT_EQ(f, e + 250);
  EXPECT_NE(g, f + 250);
  std::memset(d, 'y', 750);
  std::memset(g, 'z', 250);
  EXPECT_EQ(arena.used(), 2110u);

  EXPECT_TRUE(arena.copy("").empty());
  EXPECT_EQ(arena.copy("hello"), "hello");
  auto adopted = std::make_unique<char[]>(64);
  arena.adopt(std::move(adopted), 64);
  EXPECT_EQ(arena.used(), 2110u + 5 + 64);
  EXPECT_EQ(big[899], 'x');
}

// ---- AckGroup ----

struct AckRecorder {
  int calls = 0;
  bool ok = false;
  AckGroup::Callback callback() {
    return [this](bool result) {
      ++calls;
      ok = result;
    };
  }
};

TEST(AckGroup, FiresOnceWhenTheLastReferenceGoes) {
  AckRecorder rec;
  {
    auto ack = AckGroup::make(rec.callback());
    auto second = ack;
    ack.reset();
    EXPECT_EQ(rec.calls, 0);
    EXPECT_FALSE(second->failed());
  }
  EXPECT_EQ(rec.calls, 1);
  EXPECT_TRUE(rec.ok);
}

TEST(AckGroup, FailedByAnyHolderReportsFailure) {
  AckRecorder rec;
  auto ack = AckGroup::make(rec.callback());
  auto other = ack;
  other->fail();
  EXPECT_TRUE(ack->failed());
  other.reset();
  EXPECT_EQ(rec.calls, 0);
  ack.reset();
  EXPECT_EQ(rec.calls, 1);
  EXPECT_FALSE(rec.ok);
}

TEST(AckGroup, ClonesOfABatchShareIt) {
  AckRecorder rec;
  {
    Batch batch;
    batch.add_event(0, batch.store("x"));
    batch.set_ack(AckGroup::make(rec.callback()));
    Batch a = batch.clone();
    Batch b = batch.clone();
    EXPECT_EQ(a.ack(), batch.ack());
    EXPECT_EQ(batch.ack().use_count(), 3);
    { Batch gone = std::move(batch); }
    { Batch gone = std::move(a); }
    EXPECT_EQ(rec.calls, 0);
    // `take_ack` moves the reference out: the batch no longer holds it.
    auto taken = b.take_ack();
    EXPECT_EQ(b.ack(), nullptr);
    { Batch gone = std::move(b); }
    EXPECT_EQ(rec.calls, 0);
    taken->fail();
  }
  EXPECT_EQ(rec.calls, 1);
  EXPECT_FALSE(rec.ok);
}

TEST(AckGroup, ABatchWithoutOneHasNone) {
  Batch batch;
  EXPECT_EQ(batch.ack(), nullptr);
  EXPECT_EQ(batch.clone().ack(), nullptr);
  EXPECT_EQ(batch.take_ack(), nullptr);
}

TEST(AckGroup, AnEmptyCallbackIsAllowed) {
  auto ack = AckGroup::make({});
  ack->fail();
  ack.reset();  // nothing to call, nothing to crash
  SUCCEED();
}

}  // namespace
}  // namespace pyrolog
