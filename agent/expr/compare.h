#pragma once

#include <compare>
#include <optional>
#include <string_view>

#include "event/value.h"

namespace pyrolog::expr {

// How the expression language compares values (docs/transforms.md, "Comparisons"):
// - numbers (integers and floats) compare by value;
// - a string that spells a whole number (`"503"`, `"-1.5"`) compares as that number with a number, and a
// string
//   `"true"` or `"false"` as that boolean with a boolean;
// - strings compare byte by byte; timestamps with timestamps and with integers (nanoseconds since the epoch);
// - null (or a missing field) equals only null;
// - anything else is unequal, and unordered (so `<`, `<=`, `>`, `>=` are false).
bool equal(const Value& a, const Value& b);
std::partial_ordering order(const Value& a, const Value& b);

// The number a string spells (all of it: no spaces, no trailing text; a leading '+' is allowed), as an
// integer when it is one and fits, else as a finite float.
std::optional<Value> parse_number(std::string_view text);

}  // namespace pyrolog::expr
