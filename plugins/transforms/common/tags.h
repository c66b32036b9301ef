#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event/batch.h"

namespace pyrolog {

// Tags mark what happened to an event, most often a failure (`_grokparsefailure`). A tag is a boolean field
// under `tags.`: tagging an event with `_grokparsefailure` sets `tags._grokparsefailure: true`, which the
// JSON output writes as `"tags":{"_grokparsefailure":true}`, and a condition tests as
// `tags._grokparsefailure` or `exists(tags._grokparsefailure)`. Tagging twice is tagging once; no tag list is
// built or copied.
inline constexpr std::string_view kTagPrefix = "tags.";

// A tag name is 1 to 128 letters, digits, `_`, `-` or `@`: a name that conditions can refer to.
std::optional<std::string> check_tag_names(const std::vector<std::string>& tags);

// The tags a transform sets on failure, as process-lifetime field names.
class TagSet {
 public:
  TagSet() = default;
  // `tags` must have passed check_tag_names.
  explicit TagSet(const std::vector<std::string>& tags);

  void apply(Batch& batch, Event& event) const;
  bool empty() const { return fields_.empty(); }
  const std::vector<std::string_view>& fields() const { return fields_; }

 private:
  std::vector<std::string_view> fields_;  // `tags.<name>`
};

}  // namespace pyrolog
