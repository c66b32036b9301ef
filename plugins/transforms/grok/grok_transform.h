#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "grok_match_scratch.h"
#include "grok_multi_matcher.h"
#include "grok_setup.h"
#include "grok_transform_config.h"
#include "plugin/transform.h"
#include "scratch_pool.h"
#include "tags.h"
#include "transform_metrics.h"

namespace pyrolog {

// The `grok` transform: matches a field (the raw line by default) against grok patterns, first match wins,
// and sets the captured fields. String captures are views into the matched text, which lives in the batch. An
// event no pattern matches is kept, tagged (`tag_on_failure`) and counted; so is one whose `field` is
// missing.
class GrokTransform final : public InPlaceTransform {
 public:
  // Throws ComponentConfigError when a pattern does not compile or a pattern file does not load.
  explicit GrokTransform(const GrokTransformConfig& config);

  void transform(Batch& batch) override;

 private:
  GrokTransform(const GrokTransformConfig& config, GrokSetup setup);

  // Per `match` pattern, indexed by a capture's field_index: the field name (for the process's lifetime),
  // whether a capture may replace an existing field, whether it is the raw line.
  struct FieldSlot {
    std::string_view name;
    bool overwrite = false;
    bool is_message = false;
  };
  struct PatternFields {
    std::vector<FieldSlot> slots;
    bool repeated = false;  // a field has several groups: set rather than append
    bool has_message = false;
  };
  struct Tally {
    std::uint64_t matched = 0, no_match = 0, limit_exceeded = 0, missing_field = 0, error = 0,
                  conversion_failed = 0;
  };

  // Whether none of the fields an event had before its match (the source's, such as a file's path and
  // offset) has a name the pattern sets, so that every capture is simply appended. The events of one batch
  // mostly carry the same names at the same addresses: the last answer is kept for one batch, by address.
  struct ExistingNames {
    const PatternFields* pattern = nullptr;
    std::array<std::string_view, 4> names{};
    std::size_t count = 0;  // 0: nothing kept
    bool disjoint = false;
  };
  static bool disjoint_from_pattern(std::span<const Field> existing, const PatternFields& f,
                                    ExistingNames& kept);

  void apply(Batch& batch, Event& event, std::size_t pattern, std::span<const grok::Capture> captures,
             Tally& t, ExistingNames& kept);

  grok::GrokMultiMatcher matcher_;
  std::vector<PatternFields> fields_;
  std::size_t max_fields_ = 0;  // the most fields one match can set: the pool is grown once per batch
  std::string_view field_;      // the source field
  bool field_is_message_ = true;
  TagSet failure_tags_;
  TagSet limit_tags_;
  ScratchPool<grok::MatchScratch> scratch_;
  TransformMetrics metrics_;
  Counter& matched_;
  Counter& no_match_;
  Counter& limit_exceeded_;
  Counter& missing_field_;
  Counter& error_;
  Counter& conversion_failed_;
};

}  // namespace pyrolog
