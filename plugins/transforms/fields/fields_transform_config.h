#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/option_table.h"

namespace pyrolog {

struct FieldsTransformConfig {
  std::map<std::string, std::string> rename;
  std::map<std::string, std::string> add;
  std::map<std::string, std::string> set;
  std::map<std::string, std::string> convert;
  std::vector<std::string> remove;
  std::vector<std::string> tag_on_failure{"_fieldsfailure"};

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<FieldsTransformConfig>& options();
};

// The types `convert` knows.
enum class FieldType { integer, floating, string, boolean };
std::optional<FieldType> parse_field_type(std::string_view name);

// Whether `name` can be written as a field: 1 to 256 bytes, no control characters, no empty segment between
// dots.
std::optional<std::string> check_field_name(std::string_view name);

}  // namespace pyrolog
