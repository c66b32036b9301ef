#pragma once

#include <string_view>

namespace pyrolog {

enum class ComponentKind { source, transform, sink };

constexpr std::string_view kind_name(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::source:
      return "source";
    case ComponentKind::transform:
      return "transform";
    case ComponentKind::sink:
      return "sink";
  }
  return "";
}

}  // namespace pyrolog
