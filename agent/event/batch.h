#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "event/ack.h"
#include "event/arena.h"
#include "event/value.h"

namespace pyrolog {

// One log event: when it happened, the raw bytes as received, and typed fields. The fields live in the
// batch's field pool (`first_field`, `field_count`), so an event is a few words and costs no allocation of
// its own.
struct Event {
  TimestampNs timestamp = 0;
  std::string_view raw;
  std::uint32_t first_field = 0;
  std::uint32_t field_count = 0;
};

// A batch of events that owns the memory behind them. Sources fill a batch per read (hundreds of lines),
// transforms edit it in place, channels and sinks take it whole. Strings are views into the batch's arenas.
//
// Clones share the arenas read-only and get a fresh arena of their own for new bytes, so a fan-out costs two
// small vectors, not the data. A batch is not thread-safe; a const batch may be read from several threads.
class Batch {
 public:
  Batch();
  Batch(Batch&&) noexcept = default;
  Batch& operator=(Batch&&) noexcept = default;
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;
  ~Batch() = default;

  // A copy for another branch of the topology: shares the bytes, copies the event and field tables.
  Batch clone() const;

  // Bytes.
  std::string_view store(std::string_view bytes) { return arena().copy(bytes); }
  char* allocate(std::size_t n) { return arena().allocate(n); }
  void adopt(std::unique_ptr<char[]> buffer, std::size_t size) { arena().adopt(std::move(buffer), size); }

  // Events. `raw` must already live in this batch (use `store`) or outlive it.
  Event& add_event(TimestampNs timestamp, std::string_view raw);
  std::span<Event> events() { return events_; }
  std::span<const Event> events() const { return events_; }
  std::size_t size() const { return events_.size(); }
  bool empty() const { return events_.empty(); }
  void reserve(std::size_t events) { events_.reserve(events); }

  // Keeps the events for which `keep(event)` is true, in order.
  template <class Pred>
  void retain(Pred keep) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (keep(std::as_const(events_[i]))) events_[out++] = events_[i];
    }
    events_.resize(out);
  }

  // Fields. Names must live in the batch or for the whole process (see FieldNames).
  std::span<const Field> fields(const Event& event) const {
    return std::span<const Field>(fields_).subspan(event.first_field, event.field_count);
  }
  std::span<Field> fields(const Event& event) {
    return std::span<Field>(fields_).subspan(event.first_field, event.field_count);
  }
  const Value* find(const Event& event, std::string_view name) const;
  // Adds a field, or replaces the value of an existing field of the same name.
  void set(Event& event, std::string_view name, Value value);
  // Adds a field without looking for an existing one (the caller knows it is new).
  void append(Event& event, std::string_view name, Value value) {
    if (event.first_field + event.field_count != fields_.size()) make_fields_last(event);
    Field& f = fields_.emplace_back();
    f.name = name;
    f.value = value;
    ++event.field_count;
  }
  bool remove(Event& event, std::string_view name);
  // Room for `additional` more fields in the pool, so that a transform adding fields to every event grows it
  // once per batch. Grows geometrically, so calling it often stays linear.
  void reserve_fields(std::size_t additional) {
    const std::size_t needed = fields_.size() + additional;
    if (needed > fields_.capacity()) fields_.reserve(std::max(needed, 2 * fields_.capacity()));
  }

  // Fields in the pool: every event's, and copies left behind when an event's fields were moved to the end.
  // A transform that adds fields to events that have some reserves for this many moved ones as well.
  std::size_t pooled_fields() const { return fields_.size(); }
  // Bytes this batch holds in memory, for bounded queues: its arenas' blocks and its tables' capacities (a
  // clone counts the blocks it shares).
  std::size_t byte_size() const;
  // Sum of raw line lengths.
  std::size_t raw_bytes() const;

  // The finalizer riding on this batch (null when nobody waits for it).
  const std::shared_ptr<AckGroup>& ack() const { return ack_; }
  void set_ack(std::shared_ptr<AckGroup> ack) { ack_ = std::move(ack); }
  std::shared_ptr<AckGroup> take_ack() { return std::move(ack_); }

 private:
  Arena& arena() { return *arenas_.back(); }
  void make_fields_last(Event& event);

  std::vector<std::shared_ptr<Arena>> arenas_;  // the last one is this batch's own, for writing
  std::vector<Event> events_;
  std::vector<Field> fields_;
  std::shared_ptr<AckGroup> ack_;
};

}  // namespace pyrolog
