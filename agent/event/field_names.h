#pragma once

#include <cstddef>
#include <string_view>

namespace pyrolog {

// Field names that live as long as the process, for names that come from configurations (a grok capture, a
// `fields` transform's target, a tag). Batches keep views of field names and may outlive the component that
// named the field (a batch in a channel across a reload), so such names cannot live in the component.
//
// Interning the same name twice returns the same view, so the table grows only with the distinct names that
// configurations use, however often they are reloaded. Names that come from data (JSON keys, kv keys) must
// not go here: copy them into the batch with `Batch::store` instead. Thread-safe.
class FieldNames {
 public:
  // A view of `name` valid until the process exits.
  static std::string_view intern(std::string_view name);
  // True when `name` is a view that intern() returned: the very bytes, not merely equal ones. Such a view's
  // address names it for good, so two of them are equal exactly when their addresses and sizes are.
  static bool is_interned(std::string_view name);
  // Distinct names interned so far.
  static std::size_t size();
};

}  // namespace pyrolog
