#include "framing/line_splitter.h"

namespace pyrolog {

void LineSplitter::add_partial(std::string_view bytes) {
  if (discarding_) return;
  if (partial_.size() + bytes.size() <= max_) {
    partial_.append(bytes);
    return;
  }
  // The line is over the limit: keep what fits (it is emitted when the newline comes), or nothing, and
  // discard the rest up to the newline.
  discarding_ = true;
  if (mode_ == OverlongLine::truncate) {
    partial_.append(bytes.substr(0, max_ - partial_.size()));
    ++stats_.truncated;
  } else {
    partial_.clear();
    ++stats_.dropped;
  }
}

}  // namespace pyrolog
