#include "config/parse_context.h"

#include <fmt/format.h>

namespace pyrolog::config {

std::string_view describe_node_shape(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a value";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

Location ParseContext::value_location(const YAML::Node& key, const YAML::Node& value) const {
  if (!value.IsNull()) return location(value);
  Location where = location(key);
  if (where.line > 0) where.column += static_cast<int>(key.Scalar().size()) + 1;
  return where;
}

std::optional<std::string> ParseContext::scalar(const YAML::Node& node, const std::string& path,
                                                std::string_view expected) const {
  if (!node.IsScalar()) {
    error(node, path, fmt::format("expected {}, got {}", expected, describe_node_shape(node)));
    return std::nullopt;
  }
  auto substituted = substitute_env(node.Scalar(), env);
  if (auto* err = std::get_if<SubstitutionError>(&substituted)) {
    error(node, path, err->message);
    return std::nullopt;
  }
  return std::get<std::string>(std::move(substituted));
}

}  // namespace pyrolog::config
