#include "codec/event_encoder.h"

#include <algorithm>
#include <array>

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
    "Example: "
    "`[message, syslog.peer]`.";

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
bool same_names(const std::vector<std::string>& names, const std::vector<const char*>& interned,
                std::span<const Field> fields) {
  if (names.size() != fields.size()) return false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string_view name = fields[i].name;
    if (name.data() == interned[i] && name.size() == names[i].size()) continue;
    if (names[i] != name) return false;
  }
  return true;
}
}  // namespace

const EventEncoder::Shape& EventEncoder::shape_of(std::span<const Field> fields) {
  for (std::size_t i = 0; i < shapes_.size(); ++i) {
    if (!same_names(shapes_[i].names, shapes_[i].interned, fields)) continue;
    if (i > 0) std::swap(shapes_[0], shapes_[i]);
    return shapes_[0];
  }
  if (shapes_.size() < kMaxShapes) shapes_.emplace_back();
  std::rotate(shapes_.begin(), shapes_.end() - 1, shapes_.end());  // the new or least recently used, first
  lay_out(fields, shapes_[0]);
  return shapes_[0];
}

void EventEncoder::lay_out(std::span<const Field> fields, Shape& shape) {
  shape.names.assign(fields.size(), {});
  shape.interned.assign(fields.size(), nullptr);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    shape.names[i].assign(fields[i].name);
    if (FieldNames::is_interned(fields[i].name)) shape.interned[i] = fields[i].name.data();
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
    shape.steps.push_back({static_cast<std::uint32_t>(f - fields.data()), std::move(text)});
    text.clear();
    need_comma = true;
    previous = name;
  }
  for (; open > 0; --open)
    text += '}';
  text += '}';
  shape.after = std::move(text);
}

void EventEncoder::append_json(std::string& out, const Batch& batch, const Event& event) {
  if (with_timestamp_) {
    out += "{\"timestamp\":\"";
    append_rfc3339(out, event.timestamp);
    out += with_message_ ? "\",\"message\":" : "\"";
  } else {
    out += with_message_ ? "{\"message\":" : "{";
  }
  if (with_message_) append_json_string(out, event.raw);
  const auto fields = batch.fields(event);
  const Shape& shape = shape_of(fields);
  for (const Shape::Step& step : shape.steps) {
    out += step.before;
    append_json_value(out, fields[step.field].value);
  }
  out += shape.after;
}

}  // namespace pyrolog
