#include "tags.h"

#include <algorithm>

#include <fmt/format.h>

#include "event/field_names.h"

namespace pyrolog {

std::optional<std::string> check_tag_names(const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    const bool ok = !tag.empty() && tag.size() <= 128 && std::all_of(tag.begin(), tag.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
             c == '-' || c == '@';
    });
    if (!ok) {
      return fmt::format("invalid tag '{}': a tag is 1 to 128 letters, digits, '_', '-' or '@'", tag);
    }
  }
  return std::nullopt;
}

TagSet::TagSet(const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    const std::string_view field = FieldNames::intern(std::string(kTagPrefix) + tag);
    if (std::find(fields_.begin(), fields_.end(), field) == fields_.end()) fields_.push_back(field);
  }
}

void TagSet::apply(Batch& batch, Event& event) const {
  for (std::string_view field : fields_)
    batch.set(event, field, Value::boolean(true));
}

}  // namespace pyrolog
