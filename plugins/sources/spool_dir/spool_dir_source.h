#pragma once

#include <memory>

#include "plugin/source.h"
#include "spool_dir_config.h"

namespace pyrolog {

class Spooler;

// Flume's spooling directory: complete files dropped into a directory are read one at a time, and renamed (or
// deleted) once every line is acknowledged. See docs/sources/spool_dir.md.
class SpoolDirSource final : public Source {
 public:
  explicit SpoolDirSource(const SpoolDirConfig& config);
  ~SpoolDirSource() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;

 private:
  std::shared_ptr<Spooler> spooler_;
};

}  // namespace pyrolog
