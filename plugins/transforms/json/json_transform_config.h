#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"

namespace pyrolog {

struct JsonTransformConfig {
  std::string field = "message";
  std::string target;
  std::uint32_t max_depth = 32;
  ByteSize max_bytes{1024 * 1024};
  std::uint32_t max_fields = 1000;
  std::vector<std::string> tag_on_failure{"_jsonparsefailure"};

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<JsonTransformConfig>& options();
};

}  // namespace pyrolog
