#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "config/diagnostics.h"
#include "config/env_substitution.h"

namespace pyrolog::config {

// What parsing needs besides the YAML node: where the text came from, where problems go, how `${VAR}`
// resolves.
struct ParseContext {
  std::string file;
  Diagnostics* diagnostics = nullptr;
  EnvLookup env;

  Location location(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return Location{file, 0, 0};
    return Location{file, mark.line + 1, mark.column + 1};
  }
  void error(const YAML::Node& node, std::string path, std::string message) const {
    diagnostics->error(location(node), std::move(path), std::move(message));
  }
  // Where the value of `key` is: for `key:` with nothing after it, just after the colon (yaml-cpp marks an
  // empty value at the next token, often on the next line).
  Location value_location(const YAML::Node& key, const YAML::Node& value) const;

  // The text of a scalar with `${VAR}` substituted; reports and returns nullopt for a non-scalar or a bad
  // substitution. `expected` names what the option wanted, for the message.
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path,
                                    std::string_view expected) const;
};

// "a map", "a list", "nothing": how a YAML node's shape is named in messages.
std::string_view describe_node_shape(const YAML::Node& node);

}  // namespace pyrolog::config
