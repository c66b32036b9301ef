#include "event/batch.h"

#include <algorithm>

namespace pyrolog {

Batch::Batch() {
  arenas_.push_back(std::make_shared<Arena>());
}

Batch Batch::clone() const {
  Batch copy;
  copy.arenas_.insert(copy.arenas_.begin(), arenas_.begin(), arenas_.end());
  copy.events_ = events_;
  copy.fields_ = fields_;
  copy.ack_ = ack_;
  return copy;
}

Event& Batch::add_event(TimestampNs timestamp, std::string_view raw) {
  Event& e = events_.emplace_back();
  e.timestamp = timestamp;
  e.raw = raw;
  e.first_field = static_cast<std::uint32_t>(fields_.size());
  return e;
}

const Value* Batch::find(const Event& event, std::string_view name) const {
  for (const Field& f : fields(event)) {
    if (f.name == name) return &f.value;
  }
  return nullptr;
}

void Batch::make_fields_last(Event& event) {
  // An event's fields are contiguous. When another event's fields were added after them, move this event's
  // fields to the end of the pool first; transforms walk events in order, so this happens once per pass.
  if (event.first_field + event.field_count == fields_.size()) return;
  const auto first = static_cast<std::uint32_t>(fields_.size());
  const std::size_t needed = fields_.size() + event.field_count + 4;
  if (needed > fields_.capacity()) fields_.reserve(std::max(needed, 2 * fields_.capacity()));
  for (std::uint32_t i = 0; i < event.field_count; ++i)
    fields_.push_back(fields_[event.first_field + i]);
  event.first_field = first;
}

void Batch::set(Event& event, std::string_view name, Value value) {
  for (Field& f : fields(event)) {
    if (f.name == name) {
      f.value = value;
      return;
    }
  }
  append(event, name, value);
}

bool Batch::remove(Event& event, std::string_view name) {
  auto span = fields(event);
  auto it = std::find_if(span.begin(), span.end(), [&](const Field& f) { return f.name == name; });
  if (it == span.end()) return false;
  std::move(it + 1, span.end(), it);
  --event.field_count;
  return true;
}

std::size_t Batch::raw_bytes() const {
  std::size_t n = 0;
  for (const Event& e : events_)
    n += e.raw.size();
  return n;
}

std::size_t Batch::byte_size() const {
  // Capacities, not sizes: what the batch holds in memory is what a bounded channel must count.
  std::size_t n = events_.capacity() * sizeof(Event) + fields_.capacity() * sizeof(Field);
  for (const auto& a : arenas_)
    n += a->reserved();
  return n;
}

}  // namespace pyrolog
