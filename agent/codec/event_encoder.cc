#include "codec/event_encoder.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "codec/json_writer.h"
#include "event/field_names.h"

namespace pyrolog {

std::span<const std::pair<std::string_view, Encoding>> encoding_choices() {
  static constexpr std::pair<std::string_view, Encoding> kChoices[] = {{"raw", Encoding::raw},
                                                                       {"json", Encoding::json}};
  return kChoices;
}

const char* const kExceptFieldsHelp =
    "With `encoding: json`: fields left out of the object, each with everything nested under it (`http` "
    "leaves out every `http.*`); `message` and `timestamp` leave out the raw line and the event time. "
    "Example: `[message, syslog.peer]`.";

std::optional<std::string> check_except_fields(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (name.empty() || name.front() == '.' || name.back() == '.')
      return "'" + name + "' is not a field name";
  }
  return std::nullopt;
}

EventEncoder::EventEncoder(Encoding encoding, std::vector<std::string> except_fields)
    : encoding_(encoding), except_(std::move(except_fields)) {
  with_timestamp_ = !excluded("timestamp");
  with_message_ = !excluded("message");
}

bool EventEncoder::excluded(std::string_view name) const {
  for (const auto& e : except_) {
    if (name.starts_with(e) && (name.size() == e.size() || name[e.size()] == '.')) return true;
  }
  return false;
}

void EventEncoder::append_line(std::string& out, const Batch& batch, const Event& event) {
  if (encoding_ == Encoding::raw) {
    out.append(event.raw);
  } else {
    append_json(out, batch, event);
  }
  out += '\n';
}

namespace {
template <std::size_t N>
char* put_literal(char* at, const char (&text)[N]) {
  std::memcpy(at, text, N - 1);
  return at + N - 1;
}
// `{"timestamp":"2026-11-21T03:43:51.123456789Z","message":`
constexpr std::size_t kEnvelopeRoom = 64;

// The dotted path's components shared by `a` and `b`, counted in components.
std::size_t common_parents(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  for (;;) {
    const auto da = a.find('.');
    const auto db = b.find('.');
    if (da == std::string_view::npos || db == std::string_view::npos) return n;
    if (a.substr(0, da) != b.substr(0, db)) return n;
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
    ++n;
  }
}
std::size_t depth_of(std::string_view name) {
  return static_cast<std::size_t>(std::count(name.begin(), name.end(), '.'));
}
std::string_view component(std::string_view name, std::size_t index) {
  for (std::size_t i = 0; i < index; ++i)
    name.remove_prefix(name.find('.') + 1);
  return name.substr(0, name.find('.'));
}
// `timestamp`, `message`, or a name nested under either: the envelope has those keys.
bool under_envelope(std::string_view name) {
  for (std::string_view key : {std::string_view("timestamp"), std::string_view("message")}) {
    if (name.starts_with(key) && (name.size() == key.size() || name[key.size()] == '.')) return true;
  }
  return false;
}
bool name_less(const Field* f, std::string_view name) {
  return f->name < name;
}
}  // namespace

void EventEncoder::drop_overwritten(const Field* first) {
  // `sorted_` is sorted by name, equal names in field order; a field's position in the event is `f - first`.
  // A field is dropped when a later one (in field order) has the same name, a name nested under it, or a name
  // it is nested under. Names nested under `n` are contiguous in `sorted_`, from the first name >= `n.`.
  const std::size_t n = sorted_.size();
  keep_.assign(n, 1);
  const auto begin = sorted_.begin();
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view name = sorted_[i]->name;
    const auto position = sorted_[i] - first;
    if (i + 1 < n && sorted_[i + 1]->name == name) {
      keep_[i] = 0;
      continue;
    }
    prefix_.assign(name);
    prefix_ += '.';
    for (auto it = std::lower_bound(begin + static_cast<std::ptrdiff_t>(i) + 1, sorted_.end(),
                                    std::string_view(prefix_), name_less);
         it != sorted_.end() && (*it)->name.starts_with(prefix_); ++it) {
      if (*it - first > position) {
        keep_[i] = 0;
        break;
      }
    }
    for (auto dot = name.find('.'); keep_[i] && dot != std::string_view::npos;
         dot = name.find('.', dot + 1)) {
      const std::string_view parent = name.substr(0, dot);
      const auto end = begin + static_cast<std::ptrdiff_t>(i);  // a parent sorts before its children
      for (auto it = std::lower_bound(begin, end, parent, name_less); it != end && (*it)->name == parent;
           ++it) {
        if (*it - first > position) {
          keep_[i] = 0;
          break;
        }
      }
    }
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (keep_[i]) sorted_[kept++] = sorted_[i];
  }
  sorted_.resize(kept);
}

namespace {
template <typename Interned>
bool same_names(const std::vector<std::string>& names, const std::vector<Interned>& interned,
                std::span<const Field> fields) {
  if (names.size() != fields.size()) return false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view name = fields[i].name;
    if (name.data() == interned[i].data && name.size() == interned[i].size) continue;
    if (names[i] != name) return false;
  }
  return true;
}
}  // namespace

const EventEncoder::Shape& EventEncoder::shape_of(std::span<const Field> fields) {
  ++events_;
  if (last_shape_ < shapes_.size() &&
      same_names(shapes_[last_shape_].names, shapes_[last_shape_].interned, fields)) {
    shapes_[last_shape_].used = events_;
    return shapes_[last_shape_];
  }
  std::size_t i = 0;
  while (i < shapes_.size() && !same_names(shapes_[i].names, shapes_[i].interned, fields))
    ++i;
  if (i == shapes_.size()) {
    if (shapes_.size() < kMaxShapes) {
      shapes_.emplace_back();
    } else {
      i = static_cast<std::size_t>(
          std::min_element(shapes_.begin(), shapes_.end(),
                           [](const Shape& a, const Shape& b) { return a.used < b.used; }) -
          shapes_.begin());
    }
    lay_out(fields, shapes_[i]);
  }
  last_shape_ = i;
  shapes_[i].used = events_;
  return shapes_[i];
}

void EventEncoder::lay_out(std::span<const Field> fields, Shape& shape) {
  shape.names.assign(fields.size(), {});
  shape.interned.assign(fields.size(), {});
  for (std::size_t i = 0; i < fields.size(); ++i) {
    shape.names[i].assign(fields[i].name);
    if (FieldNames::is_interned(fields[i].name))
      shape.interned[i] = {fields[i].name.data(), fields[i].name.size()};
  }
  sorted_.clear();
  for (const Field& f : fields) {
    if (under_envelope(f.name)) continue;  // the envelope's own keys win
    if (!except_.empty() && excluded(f.name)) continue;
    sorted_.push_back(&f);
  }
  // Sorting by name puts the members of each nested object together; stable keeps a repeated name's order.
  std::stable_sort(sorted_.begin(), sorted_.end(),
                   [](const Field* a, const Field* b) { return a->name < b->name; });
  drop_overwritten(fields.data());
  shape.steps.clear();
  shape.texts.clear();
  std::string text;  // written before the next value
  std::string_view previous;
  std::size_t open = 0;                                // nested objects open
  bool need_comma = with_timestamp_ || with_message_;  // the envelope's members come first
  for (const Field* f : sorted_) {
    const std::string_view name = f->name;
    const std::size_t keep = previous.empty() ? 0 : std::min(open, common_parents(previous, name));
    for (; open > keep; --open) {
      text += '}';
      need_comma = true;
    }
    const std::size_t depth = depth_of(name);
    for (; open < depth; ++open) {
      if (need_comma) text += ',';
      append_json_string(text, component(name, open));
      text += ":{";
      need_comma = false;
    }
    if (need_comma) text += ',';
    append_json_string(text, component(name, depth));
    text += ':';
    shape.steps.push_back({static_cast<std::uint32_t>(f - fields.data()),
                           static_cast<std::uint32_t>(shape.texts.size()),
                           static_cast<std::uint32_t>(text.size())});
    shape.texts += text;
    text.clear();
    need_comma = true;
    previous = name;
  }
  for (; open > 0; --open)
    text += '}';
  text += '}';
  shape.after = static_cast<std::uint32_t>(shape.texts.size());
  shape.after_size = static_cast<std::uint32_t>(text.size());
  shape.texts += text;
  shape.text_size = shape.texts.size();
  shape.texts.append(kTextBlock, '\0');
}

void EventEncoder::append_json(std::string& out, const Batch& batch, const Event& event) {
  const auto fields = batch.fields(event);
  const Shape& shape = shape_of(fields);
  // The room the event can need, then the event written into it with no further checks.
  std::size_t room = kEnvelopeRoom + json_string_room(event.raw.size()) + shape.text_size + kTextBlock;
  for (const Shape::Step& step : shape.steps)
    room += json_value_room(fields[step.field].value);
  char* const start = scratch(room);
  char* at = start;
  *at++ = '{';
  if (with_timestamp_) {
    at = put_literal(at, "\"timestamp\":\"");
    at = write_rfc3339(at, event.timestamp);
    *at++ = '"';
    if (with_message_) *at++ = ',';
  }
  if (with_message_) {
    at = put_literal(at, "\"message\":");
    at = write_json_string(at, event.raw);
  }
  const char* const texts = shape.texts.data();
  for (const Shape::Step& step : shape.steps) {
    at = put_text(at, texts + step.text, step.text_size);
    at = write_json_value(at, fields[step.field].value);
  }
  at = put_text(at, texts + shape.after, shape.after_size);
  out.append(start, at);
  if (scratch_size_ > kScratchKept) {
    scratch_.reset();
    scratch_size_ = 0;
  }
}

char* EventEncoder::put_text(char* at, const char* text, std::size_t size) {
  if (size <= kTextBlock) {
    std::memcpy(at, text, kTextBlock);
  } else {
    std::memcpy(at, text, size);
  }
  return at + size;
}

char* EventEncoder::scratch(std::size_t room) {
  if (room > scratch_size_) {
    scratch_size_ = std::max(room, std::size_t{4096});
    scratch_ = std::make_unique_for_overwrite<char[]>(scratch_size_);
  }
  return scratch_.get();
}

}  // namespace pyrolog
