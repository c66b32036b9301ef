#include "config/diagnostics.h"

#include <fmt/format.h>

namespace pyrolog::config {

std::string Diagnostic::to_string() const {
  std::string out = where.file;
  if (where.line > 0) out += fmt::format(":{}:{}", where.line, where.column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) {
    out += d.to_string();
    out += '\n';
  }
  return out;
}

}  // namespace pyrolog::config
