#pragma once

#include <span>
#include <string>
#include <vector>

#include "config/option_table.h"
#include "event/batch.h"

namespace pyrolog {

enum class Encoding { raw, json };

// Turns events into bytes for sinks that write text. `raw`: the line as received. `json`: one object with
// `timestamp`, `message` (the raw line) and every field; dotted names nest (`http.status` becomes
// `{"http":{"status":...}}`). Keeps scratch space between calls: one encoder per sink, not thread-safe.
class EventEncoder {
 public:
  explicit EventEncoder(Encoding encoding) : encoding_(encoding) {}

  // Appends the event and a newline.
  void append_line(std::string& out, const Batch& batch, const Event& event);

 private:
  void append_json(std::string& out, const Batch& batch, const Event& event);

  Encoding encoding_;
  std::vector<const Field*> sorted_;
};

// The `encoding` option, as the sinks that write text declare it.
std::span<const std::pair<std::string_view, Encoding>> encoding_choices();

}  // namespace pyrolog
