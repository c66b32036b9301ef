#pragma once

// From a grok transform's config to what it runs: the pattern library, the compiled patterns, the limits.

#include <string>
#include <vector>

#include "grok_library.h"
#include "grok_match_scratch.h"
#include "grok_transform_config.h"

namespace pyrolog {

struct GrokSetup {
  grok::GrokMultiMatcher matcher;
  grok::MatchScratchOptions scratch_options;
  std::vector<std::string> errors;  // empty when everything loaded and compiled
};

GrokSetup grok_setup(const GrokTransformConfig& config);
std::vector<std::string> grok_setup_errors(const GrokTransformConfig& config);

}  // namespace pyrolog
