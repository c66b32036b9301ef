#pragma once

#include <memory>

#include "plugin/source.h"
#include "tail_config.h"

namespace pyrolog {

class Tailer;

// Follows the files that glob patterns match, through rotations, truncations and restarts; see
// docs/sources/tail.md. The work happens in a Tailer, shared with the acknowledgement callbacks and with what
// `stop` posts, so neither ever touches a destroyed source.
class TailSource final : public Source {
 public:
  explicit TailSource(const TailConfig& config);
  ~TailSource() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;

 private:
  std::shared_ptr<Tailer> tailer_;
};

}  // namespace pyrolog
