#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/channel_config.h"
#include "config/diagnostics.h"
#include "config/env_substitution.h"
#include "config/option_table.h"
#include "log/log.h"
#include "plugin/component_kind.h"

namespace pyrolog {

struct PluginDescriptor;

// One configured component, validated.
struct ComponentConfig {
  std::string name;
  ComponentKind kind = ComponentKind::source;
  std::string type;
  const PluginDescriptor* plugin = nullptr;
  std::shared_ptr<const void> options;  // the plugin's typed config
  std::vector<std::string> inputs;      // `name` or `name.output`
  ChannelConfig channel;                // sinks only
  config::Location where;
};

// The `http:` section: the self-monitoring endpoint (`/metrics`, `/health`).
struct HttpOptions {
  bool enabled = true;
  std::string address = "127.0.0.1:9180";
  // A sink with batches waiting that delivered nothing for this long is unhealthy.
  Duration sink_stall_timeout{30'000};

  static const config::OptionTable<HttpOptions>& options();
};

// Options at the top of the file.
struct GlobalOptions {
  std::string data_dir = "/var/lib/pyrolog";
  std::string log_level = "info";
  std::uint32_t threads = 0;
  HttpOptions http;

  static const config::OptionTable<GlobalOptions>& options();
};

// A whole configuration, validated: every option parsed and in range, every input naming a component, no
// cycles, every component built once to check what only building can check.
struct AgentConfig {
  std::string file;
  GlobalOptions global;
  std::vector<ComponentConfig> components;  // sources, then transforms, then sinks, each in file order

  const ComponentConfig* find(const std::string& name) const;
};

struct ConfigLoadResult {
  std::optional<AgentConfig> config;
  config::Diagnostics diagnostics;
};

ConfigLoadResult load_config_file(const std::string& path, const config::EnvLookup& env);
ConfigLoadResult load_config_text(const std::string& text, const std::string& file_name,
                                  const config::EnvLookup& env);

}  // namespace pyrolog
