#pragma once

#include <string>
#include <vector>

#include "config/option_table.h"

namespace pyrolog {

struct TimestampTransformConfig {
  std::string field = "timestamp";
  std::vector<std::string> formats;
  std::string timezone = "UTC";
  std::string target;
  bool remove_field = false;
  std::vector<std::string> tag_on_failure{"_timestampparsefailure"};

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<TimestampTransformConfig>& options();
};

}  // namespace pyrolog
