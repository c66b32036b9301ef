#include "grok_match_scratch.h"

#include <new>

namespace pyrolog::grok {
namespace {

void apply(pcre2_match_context* context, const MatchLimits& limits) noexcept {
  pcre2_set_match_limit(context, limits.match_limit);
  pcre2_set_depth_limit(context, limits.depth_limit);
  pcre2_set_heap_limit(context, limits.heap_limit_kib);
}

}  // namespace

MatchScratch::MatchScratch(const MatchScratchOptions& options)
    : context_(pcre2_match_context_create(nullptr)) {
  if (!context_) throw std::bad_alloc();
  apply(context_.get(), applied_limits_);
  // Null when PCRE2 has no JIT support; JIT matching then never happens anyway.
  jit_stack_.reset(pcre2_jit_stack_create(options.jit_stack_start, options.jit_stack_max, nullptr));
  if (jit_stack_) pcre2_jit_stack_assign(context_.get(), nullptr, jit_stack_.get());
}

pcre2_match_data* MatchScratch::match_data(std::uint32_t pairs) {
  if (!match_data_ || match_data_pairs_ < pairs) {
    match_data_.reset(pcre2_match_data_create(pairs, nullptr));
    match_data_pairs_ = match_data_ ? pairs : 0;
  }
  return match_data_.get();
}

pcre2_match_context* MatchScratch::match_context(const MatchLimits& limits) noexcept {
  if (!(limits == applied_limits_)) {
    apply(context_.get(), limits);
    applied_limits_ = limits;
  }
  return context_.get();
}

}  // namespace pyrolog::grok
