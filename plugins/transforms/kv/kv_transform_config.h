#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/option_table.h"

namespace pyrolog {

struct KvTransformConfig {
  std::string field = "message";
  std::string field_split = " ";
  std::string value_split = "=";
  std::string quotes = "\"'";
  std::string target;
  std::string prefix;
  std::vector<std::string> include_keys;
  std::vector<std::string> exclude_keys;
  bool allow_empty_values = false;
  std::uint32_t max_pairs = 256;
  std::vector<std::string> tag_on_failure{"_kvparsefailure"};

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<KvTransformConfig>& options();
};

}  // namespace pyrolog
