#include "plugin/plugin_registry.h"

#include <algorithm>
#include <stdexcept>

namespace pyrolog {

PluginRegistry& PluginRegistry::instance() {
  static PluginRegistry registry;
  return registry;
}

void PluginRegistry::add(PluginDescriptor descriptor) {
  if (find(descriptor.kind, descriptor.type) != nullptr) {
    throw std::logic_error("plugin registered twice: " + descriptor.type);
  }
  plugins_.push_back(std::make_unique<PluginDescriptor>(std::move(descriptor)));
}

const PluginDescriptor* PluginRegistry::find(ComponentKind kind, const std::string& type) const {
  for (const auto& p : plugins_) {
    if (p->kind == kind && p->type == type) return p.get();
  }
  return nullptr;
}

std::vector<const PluginDescriptor*> PluginRegistry::list(ComponentKind kind) const {
  std::vector<const PluginDescriptor*> out;
  for (const auto& p : plugins_) {
    if (p->kind == kind) out.push_back(p.get());
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->type < b->type; });
  return out;
}

std::vector<std::string> PluginRegistry::types(ComponentKind kind) const {
  std::vector<std::string> out;
  for (const auto* p : list(kind))
    out.push_back(p->type);
  return out;
}

}  // namespace pyrolog
