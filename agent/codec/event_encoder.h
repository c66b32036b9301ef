#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/option_table.h"
#include "event/batch.h"

namespace pyrolog {

enum class Encoding { raw, json };

// Turns events into bytes for sinks that write text. `raw`: the line as received. `json`: one object with
// `timestamp`, `message` (the raw line) and every field; dotted names nest (`http.status` becomes
// `{"http":{"status":...}}`). No object ever repeats a key: fields whose names collide once nested keep what
// setting them in order into nested objects would keep (a later `a` replaces an earlier `a` or `a.b`; a later
// `a.b` replaces an earlier `a`), and fields named `timestamp` or `message`, or nested under them, are left
// out (the envelope's keys win). Keeps scratch space between calls: one encoder per sink, not thread-safe.
//
// The layout of an object depends only on the event's field names in order (its shape), and events from one
// parser share a shape: the encoder works the layout out once per shape (sorting, nesting, collisions, the
// escaped keys) and keeps the last few, so encoding an event is writing its values between prepared texts.
//
// `except_fields` (json only) leaves out the named fields and everything nested under them: `message` and
// `timestamp` drop the envelope's keys, `http` drops `http.status` and the rest of `http.*`. Being part of
// the layout, it costs nothing per event.
class EventEncoder {
 public:
  explicit EventEncoder(Encoding encoding, std::vector<std::string> except_fields = {});

  // Appends the event and a newline.
  void append_line(std::string& out, const Batch& batch, const Event& event);

 private:
  struct Shape {
    std::vector<std::string> names;  // the field names in field order: what an event must have to use it
    // For each name, its interned view (FieldNames) when the event it was laid out from had one: an event
    // whose view has the same address and size has the same name, no bytes compared. Else a size no view has.
    struct Interned {
      const char* data = nullptr;
      std::size_t size = std::numeric_limits<std::size_t>::max();
    };
    std::vector<Interned> interned;
    struct Step {
      std::uint32_t field;      // index in the event's fields of the value to write
      std::uint32_t text;       // where in `texts` the text before it is: braces, a comma, the key
      std::uint32_t text_size;  // and its length
    };
    std::vector<Step> steps;
    std::uint32_t after = 0;  // where in `texts` the text that closes the nested objects and the envelope is
    std::uint32_t after_size = 0;
    // Every step's text and the closing one, then kTextBlock bytes of padding: any text can be copied in
    // whole blocks.
    std::string texts;
    std::size_t text_size = 0;  // what the texts add to an event
    std::uint64_t used = 0;     // when it was last used, counted in events: the least recent goes first
  };
  // Texts up to this size are copied as one block of it (two vector moves), not with a call to memcpy.
  static constexpr std::size_t kTextBlock = 32;
  static constexpr std::size_t kMaxShapes = 8;
  // The scratch an event is written into is kept between events up to this size; an event that needs more
  // (a line of over 10 KiB) gets its own.
  static constexpr std::size_t kScratchKept = 64 * 1024;

  void append_json(std::string& out, const Batch& batch, const Event& event);
  const Shape& shape_of(std::span<const Field> fields);
  void lay_out(std::span<const Field> fields, Shape& shape);
  void drop_overwritten(const Field* first);
  char* scratch(std::size_t room);
  static char* put_text(char* at, const char* text, std::size_t size);

  bool excluded(std::string_view name) const;

  Encoding encoding_;
  std::vector<std::string> except_;
  bool with_timestamp_ = true;
  bool with_message_ = true;
  std::vector<Shape> shapes_;
  std::size_t last_shape_ = 0;  // the one the last event had
  std::uint64_t events_ = 0;
  std::vector<const Field*> sorted_;
  std::vector<char> keep_;
  std::string prefix_;
  std::unique_ptr<char[]> scratch_;
  std::size_t scratch_size_ = 0;
};

// The `encoding` option, as the sinks that write text declare it.
std::span<const std::pair<std::string_view, Encoding>> encoding_choices();
// The description of the `except_fields` option, and its check (no empty names).
extern const char* const kExceptFieldsHelp;
std::optional<std::string> check_except_fields(const std::vector<std::string>& names);

}  // namespace pyrolog
