#pragma once

#include <set>
#include <string>
#include <string_view>

#include "kv_parser.h"
#include "kv_transform_config.h"
#include "plugin/transform.h"
#include "scratch_pool.h"
#include "tags.h"
#include "transform_metrics.h"

namespace pyrolog {

// The `kv` transform: turns `key=value` pairs in a field into fields. Values are views of the text (copied
// only when a quoted value had escapes); keys, which come from data, are copied into the batch.
class KvTransform final : public InPlaceTransform {
 public:
  explicit KvTransform(const KvTransformConfig& config);
  void transform(Batch& batch) override;

 private:
  struct Scratch {
    KvParser parser;
    std::string name;
  };

  KvTransformConfig config_;
  std::string_view field_;
  std::string name_prefix_;  // `target.` + prefix
  std::set<std::string, std::less<>> include_;
  std::set<std::string, std::less<>> exclude_;
  TagSet tags_;
  ScratchPool<Scratch> scratch_;
  TransformMetrics metrics_;
  Counter& parsed_;
  Counter& pairs_;
  Counter& no_pairs_;
  Counter& missing_field_;
  Counter& unterminated_quote_;
  Counter& invalid_key_;
  Counter& too_many_pairs_;
};

}  // namespace pyrolog
