#include "tailer.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include "file_input/position_store.h"
#include "file_input/reading_options.h"

namespace pyrolog {

namespace {

std::string current_directory() {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  return ec ? std::string("/") : cwd.string();
}

DiscoveryRules make_rules(const TailConfig& c) {
  const std::string cwd = current_directory();
  std::vector<GlobPattern> include;
  for (const auto& p : c.include)
    include.emplace_back(p, cwd);
  return DiscoveryRules{std::move(include), PathFilter(c.exclude, cwd), c.skip_compressed, c.max_files};
}

}  // namespace

Tailer::Tailer(const TailConfig& config)
    : config_(config), multiline_(files::make_multiline_rules(config.multiline)), rules_(make_rules(config)) {
  settings_.max_line_bytes = config.max_line_bytes.bytes;
  settings_.overlong = config.overlong_lines;
  settings_.invalid_utf8 = config.invalid_utf8;
  settings_.multiline = multiline_ ? &*multiline_ : nullptr;
}

Tailer::~Tailer() {
  if (tracker_) {
    tracker_->close();
    tracker_->persist();
  }
}

void Tailer::open(SourceContext& ctx) {
  ctx_ = &ctx;
  name_ = ctx.name();
  metrics_ = std::make_unique<TailMetrics>(ctx.metrics());
  reader_metrics_.emplace(ctx.metrics(), name_);
  buffer_.resize(config_.read_buffer_bytes.bytes);

  files::PositionStore store(ctx.state_dir() / "positions.json");
  auto loaded = store.load();
  first_start_ = !loaded.existed || !loaded.problem.empty();
  if (!loaded.problem.empty()) {
    log::warn(name_, "{}; it was moved aside and files are read as on a first start (read_from: {})",
              loaded.problem, config_.read_from == ReadFrom::end ? "end" : "beginning");
  }
  tracker_ = files::PositionTracker::make(std::move(store), name_);
  tracker_->persist_every(config_.commit_interval);
  for (auto& p : loaded.positions) {
    const auto key = std::make_pair(p.identity.dev, p.identity.ino);
    const auto stream = tracker_->add(p);
    if (auto old = parked_.find(key); old != parked_.end()) tracker_->forget(old->second.stream);
    parked_[key] = Parked{stream, std::move(p)};
  }

  // Descriptors: stay well inside the process's limit, which sockets and the channel share.
  max_open_files_ = config_.max_open_files;
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const auto room = limit.rlim_cur > 128 ? limit.rlim_cur - 128 : std::size_t{16};
    if (max_open_files_ > room) {
      log::warn(name_, "max_open_files {} is above what the descriptor limit ({}) leaves; using {}",
                max_open_files_, limit.rlim_cur, room);
      max_open_files_ = room;
    }
  }

  wake_.emplace(ctx.executor());
  if (config_.inotify) {
    try {
      watcher_.emplace(ctx.executor());
    } catch (const std::exception& e) {
      log::warn(name_, "inotify is not available ({}); files are checked every {}", e.what(),
                format_duration(config_.scan_interval));
    }
  }
  log::info(name_, "following {} ({} saved positions)", fmt::join(config_.include, ", "),
            loaded.positions.size());
}

void Tailer::notify() {
  notified_ = true;
  if (wake_) wake_->cancel();
}

Awaitable<void> Tailer::sleep_until(TailClock::time_point deadline) {
  if (!notified_) {
    wake_->expires_at(deadline);
    boost::system::error_code ec;
    co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  notified_ = false;
}

void Tailer::stop() {
  stopping_.store(true, std::memory_order_release);
  if (ctx_ == nullptr) return;
  asio::post(ctx_->executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) {
      self->notify();
      if (self->watcher_) self->watcher_->cancel();
      if (self->behind_timer_) self->behind_timer_->cancel();
    }
  });
}

void Tailer::close() {
  if (!tracker_) return;
  tracker_->close();
  persist_positions();
}

void Tailer::persist_positions() {
  if (auto ec = tracker_->persist()) {
    metrics_->errors.add();
    std::uint64_t suppressed = 0;
    if (read_errors_log_.allow(suppressed)) log::error(name_, "cannot write positions: {}", ec.message());
  }
}

Awaitable<void> Tailer::watch_loop(std::shared_ptr<Tailer> /*keeps it alive*/) {
  while (!stopping()) {
    auto changes = co_await watcher_->next();
    if (!changes) {
      if (!stopping())
        log::warn(name_, "inotify stopped; files are checked every {}",
                  format_duration(config_.scan_interval));
      break;
    }
    if (changes->overflow) {
      metrics_->overflows.add();
      std::uint64_t suppressed = 0;
      if (overflow_log_.allow(suppressed)) {
        log::warn(name_, "the inotify queue overflowed ({} more since the last message); checking every file",
                  suppressed);
      }
      for (auto& [id, f] : files_)
        mark_ready(*f);
    }
    if (changes->rescan) rescan_wanted_ = true;
    for (const auto& path : changes->modified) {
      if (auto it = by_path_.find(path); it != by_path_.end()) mark_ready(*files_.at(it->second));
    }
    notify();
  }
  watcher_running_ = false;
  notify();
}

Awaitable<void> Tailer::run(SourceContext& ctx) {
  auto self = shared_from_this();
  if (watcher_) {
    watcher_running_ = true;
    asio::co_spawn(ctx.executor(), watch_loop(self), asio::detached);
  }
  // Beside the main loop, so that the figures stay true while it waits for a full channel.
  asio::co_spawn(ctx.executor(), behind_loop(self), asio::detached);
  auto now = TailClock::now();
  scan(true);
  next_scan_ = now + config_.scan_interval;
  next_persist_ = now + config_.commit_interval;
  next_housekeeping_ = now;
  constexpr auto kHousekeeping = std::chrono::milliseconds(250);
  constexpr auto kRescanGap = std::chrono::milliseconds(50);
  while (!stopping()) {
    now = TailClock::now();
    if (now >= next_scan_ || (rescan_wanted_ && now >= next_rescan_allowed_)) {
      rescan_wanted_ = false;
      scan(false);
      next_scan_ = now + config_.scan_interval;
      next_rescan_allowed_ = now + kRescanGap;
    }
    while (!to_release_.empty() && !stopping()) {
      const std::uint64_t id = to_release_.back();
      to_release_.pop_back();
      co_await release(id, "it is gone");
    }
    if (now >= next_housekeeping_) {
      co_await housekeeping(now);
      next_housekeeping_ = now + kHousekeeping;
    }
    if (now >= next_persist_) {
      persist_positions();
      next_persist_ = now + config_.commit_interval;
    }
    if (TailedFile* f = pop_ready()) {
      co_await read_some(*f);
      continue;
    }
    auto deadline = std::min({next_scan_, next_housekeeping_, next_persist_});
    if (rescan_wanted_) deadline = std::max(now, std::min(deadline, next_rescan_allowed_));
    co_await sleep_until(deadline);
  }
  if (watcher_) watcher_->cancel();
  while (watcher_running_)
    co_await sleep_until(TailClock::now() + std::chrono::milliseconds(100));
  persist_positions();
  log::info(name_, "stopped: {} files followed; {} rotations, {} truncations, {} inotify overflows so far",
            files_.size(), metrics_->rotations.value(), metrics_->truncations.value(),
            metrics_->overflows.value());
}

}  // namespace pyrolog
