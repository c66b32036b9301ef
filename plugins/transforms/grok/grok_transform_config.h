#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"

namespace pyrolog {

struct GrokTransformConfig {
  std::vector<std::string> match;
  std::string field = "message";
  std::vector<std::string> patterns_dir;
  std::map<std::string, std::string> pattern_definitions;
  std::vector<std::string> overwrite;
  bool keep_empty_captures = false;
  std::vector<std::string> tag_on_failure{"_grokparsefailure"};
  std::vector<std::string> tag_on_limit{"_groklimitexceeded"};
  std::uint32_t match_limit = 1'000'000;
  std::uint32_t depth_limit = 100'000;
  ByteSize heap_limit{64 * 1024 * 1024};
  ByteSize jit_stack_limit{1024 * 1024};
  bool utf8 = false;

  std::string component_name;  // not an option: set by the registry, labels the metrics

  static const config::OptionTable<GrokTransformConfig>& options();
};

}  // namespace pyrolog
