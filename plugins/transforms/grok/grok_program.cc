#include "grok_program.h"

#include <algorithm>
#include <utility>

namespace pyrolog::grok {

GrokProgram::GrokProgram(std::string pattern, std::string regex, Pcre2CodePtr code, bool jit,
                         std::vector<GroupInfo> groups)
    : pattern_(std::move(pattern)),
      regex_(std::move(regex)),
      code_(std::move(code)),
      jit_(jit),
      groups_(std::move(groups)) {
  for (auto& group : groups_) {
    auto it = std::find(fields_.begin(), fields_.end(), group.field);
    group.field_index = static_cast<std::uint32_t>(it - fields_.begin());
    if (it == fields_.end()) fields_.push_back(group.field);
  }
}

}  // namespace pyrolog::grok
