#include "grok_setup.h"

namespace pyrolog {

GrokSetup grok_setup(const GrokTransformConfig& config) {
  GrokSetup out;
  grok::GrokLibraryOptions library_options;
  library_options.patterns_dirs = config.patterns_dir;
  library_options.definitions = config.pattern_definitions;
  const grok::GrokPatternSet library = grok::load_grok_library(library_options, out.errors);

  grok::CompileOptions compile_options;
  compile_options.utf = config.utf8;
  grok::MatchOptions match_options;
  match_options.keep_empty_captures = config.keep_empty_captures;
  match_options.limits.match_limit = config.match_limit;
  match_options.limits.depth_limit = config.depth_limit;
  match_options.limits.heap_limit_kib = static_cast<std::uint32_t>(config.heap_limit.bytes / 1024);
  grok::GrokBuildResult built =
      grok::compile_grok_patterns(library, config.match, compile_options, match_options);
  out.matcher = std::move(built.matcher);
  out.errors.insert(out.errors.end(), built.errors.begin(), built.errors.end());
  out.scratch_options.jit_stack_max = config.jit_stack_limit.bytes;
  out.scratch_options.jit_stack_start =
      std::min<std::size_t>(out.scratch_options.jit_stack_start, config.jit_stack_limit.bytes);
  return out;
}

std::vector<std::string> grok_setup_errors(const GrokTransformConfig& config) {
  return grok_setup(config).errors;
}

}  // namespace pyrolog
