#include "grok_compile_error.h"

namespace pyrolog::grok {

std::string CompileError::to_string() const {
  return where + " at offset " + std::to_string(offset) + ": " + message;
}

std::string to_string(const std::vector<CompileError>& errors) {
  std::string out;
  for (const auto& error : errors) {
    if (!out.empty()) out += '\n';
    out += error.to_string();
  }
  return out;
}

}  // namespace pyrolog::grok
