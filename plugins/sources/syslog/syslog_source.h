#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "listener.h"
#include "plugin/source.h"
#include "runtime/wait_queue.h"
#include "syslog_config.h"

namespace pyrolog {

// Syslog over UDP, TCP and Unix sockets, several listeners per source (see docs/sources/syslog.md).
class SyslogSource final : public Source {
 public:
  explicit SyslogSource(const SyslogConfig& config);
  ~SyslogSource() override;

  void open(SourceContext& ctx) override;
  Awaitable<void> run(SourceContext& ctx) override;
  void stop() override;

  // What each listener bound, as URLs, in the order of `listen` (useful with port 0).
  std::vector<std::string> bound_addresses() const;

 private:
  SyslogConfig config_;
  std::unique_ptr<syslog::SourceState> state_;
  std::vector<std::unique_ptr<syslog::Listener>> listeners_;
  std::mutex mutex_;
  std::size_t running_ = 0;
  WaitQueue done_;
};

}  // namespace pyrolog
