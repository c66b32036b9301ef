#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/option_table.h"
#include "config/parse_context.h"
#include "plugin/component_kind.h"
#include "plugin/sink.h"
#include "plugin/source.h"
#include "plugin/transform.h"

namespace pyrolog {

// A configuration problem found while building a component from options that each parsed cleanly (a grok
// pattern that does not compile, say). `pyrolog check` builds every component, so it reports these too.
class ComponentConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the core knows of one plugin: its kind and type name, its option table, and how to build it.
struct PluginDescriptor {
  ComponentKind kind = ComponentKind::source;
  std::string type;
  std::string summary;      // one sentence, for `--help` and the reference page
  std::string description;  // a paragraph or more of Markdown for the reference page
  const config::OptionTableBase* options = nullptr;

  // Parses the component's option map (without `type`, `inputs`, `channel`) into its typed config.
  std::function<std::shared_ptr<const void>(const YAML::Node&, const config::ParseContext&,
                                            const std::string& path,
                                            const std::vector<std::string>& handled_elsewhere)>
      parse;
  std::function<std::unique_ptr<Source>(const void* config)> make_source;
  std::function<std::unique_ptr<Transform>(const void* config)> make_transform;
  std::function<std::unique_ptr<Sink>(const void* config)> make_sink;
  // Named outputs of a transform (`route`); empty for a transform with one output.
  std::function<std::vector<std::string>(const void* config)> outputs;
};

class PluginRegistry {
 public:
  static PluginRegistry& instance();

  void add(PluginDescriptor descriptor);
  const PluginDescriptor* find(ComponentKind kind, const std::string& type) const;
  std::vector<const PluginDescriptor*> list(ComponentKind kind) const;  // sorted by type
  std::vector<std::string> types(ComponentKind kind) const;

 private:
  std::vector<std::unique_ptr<PluginDescriptor>> plugins_;
};

namespace detail {
template <class Config>
std::function<std::shared_ptr<const void>(const YAML::Node&, const config::ParseContext&, const std::string&,
                                          const std::vector<std::string>&)>
make_parser() {
  return [](const YAML::Node& node, const config::ParseContext& ctx, const std::string& path,
            const std::vector<std::string>& handled) -> std::shared_ptr<const void> {
    auto config = std::make_shared<Config>();
    if (!Config::options().parse(node, *config, ctx, path, handled)) return nullptr;
    return config;
  };
}

template <class Config>
PluginDescriptor make_descriptor(ComponentKind kind, std::string type, std::string summary,
                                 std::string description) {
  PluginDescriptor d;
  d.kind = kind;
  d.type = std::move(type);
  d.summary = std::move(summary);
  d.description = std::move(description);
  d.options = &Config::options();
  d.parse = make_parser<Config>();
  return d;
}
}  // namespace detail

// Registration, from the plugin's own .cc file:
//   [[maybe_unused]] const bool registered = register_source<TcpSourceConfig, TcpSource>("tcp", "...",
//   "...");
// `Impl` is constructed from `const Config&` and may throw ComponentConfigError.
template <class Config, class Impl>
bool register_source(std::string type, std::string summary, std::string description = {}) {
  auto d = detail::make_descriptor<Config>(ComponentKind::source, std::move(type), std::move(summary),
                                           std::move(description));
  d.make_source = [](const void* c) { return std::make_unique<Impl>(*static_cast<const Config*>(c)); };
  PluginRegistry::instance().add(std::move(d));
  return true;
}

// A transform whose config has a `std::string component_name` member (not an option) gets it filled with the
// component's name when its options are parsed, e.g. to label its own metrics.
template <class Config, class Impl>
bool register_transform(std::string type, std::string summary, std::string description = {},
                        std::function<std::vector<std::string>(const Config&)> outputs = {}) {
  auto d = detail::make_descriptor<Config>(ComponentKind::transform, std::move(type), std::move(summary),
                                           std::move(description));
  if constexpr (requires(Config & c) { c.component_name = std::string(); }) {
    d.parse = [](const YAML::Node& node, const config::ParseContext& ctx, const std::string& path,
                 const std::vector<std::string>& handled) -> std::shared_ptr<const void> {
      auto config = std::make_shared<Config>();
      if (!Config::options().parse(node, *config, ctx, path, handled)) return nullptr;
      config->component_name = path.substr(path.rfind('.') + 1);  // path is `transforms.<name>`
      return config;
    };
  }
  d.make_transform = [](const void* c) { return std::make_unique<Impl>(*static_cast<const Config*>(c)); };
  if (outputs) {
    d.outputs = [outputs](const void* c) { return outputs(*static_cast<const Config*>(c)); };
  }
  PluginRegistry::instance().add(std::move(d));
  return true;
}

template <class Config, class Impl>
bool register_sink(std::string type, std::string summary, std::string description = {}) {
  auto d = detail::make_descriptor<Config>(ComponentKind::sink, std::move(type), std::move(summary),
                                           std::move(description));
  d.make_sink = [](const void* c) { return std::make_unique<Impl>(*static_cast<const Config*>(c)); };
  PluginRegistry::instance().add(std::move(d));
  return true;
}

}  // namespace pyrolog
