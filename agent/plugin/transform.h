#pragma once

#include <cstddef>

#include "event/batch.h"

namespace pyrolog {

// Where a transform sends what it produces: output 0 is its main output; transforms with named outputs
// (`route`) number them in the order their descriptor lists them.
class TransformOutputs {
 public:
  virtual ~TransformOutputs() = default;
  virtual void emit(Batch batch, std::size_t output = 0) = 0;
};

// A transform edits batches. `process` runs on the thread of whichever source submitted the batch, and may
// run for several sources at once: a transform is thread-safe, and keeps per-thread scratch space where it
// needs any. It never blocks.
class Transform {
 public:
  virtual ~Transform() = default;
  virtual void process(Batch batch, TransformOutputs& out) = 0;
};

// The common case: edit the batch in place (set fields, drop events) and pass it on.
class InPlaceTransform : public Transform {
 public:
  virtual void transform(Batch& batch) = 0;
  void process(Batch batch, TransformOutputs& out) final {
    transform(batch);
    if (!batch.empty()) out.emit(std::move(batch));
  }
};

}  // namespace pyrolog
