#include "spooler.h"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "file_input/file_io.h"
#include "file_input/position_store.h"
#include "file_input/reading_options.h"
#include "log/log.h"

namespace pyrolog {
namespace {

std::pair<std::uint64_t, std::uint64_t> inode_key(const files::FileIdentity& id) {
  return {id.dev, id.ino};
}

void sync_directory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) ::fsync(fd.get());
}

bool same_time(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

Spooler::Spooler(const SpoolDirConfig& config)
    : config_(config), multiline_(files::make_multiline_rules(config.multiline)) {
  settings_.max_line_bytes = config.max_line_bytes.bytes;
  settings_.overlong = config.overlong_lines;
  settings_.invalid_utf8 = config.invalid_utf8;
  settings_.multiline = multiline_ ? &*multiline_ : nullptr;
}

Spooler::~Spooler() {
  if (tracker_) {
    tracker_->close();
    tracker_->persist();
  }
}

void Spooler::open(SourceContext& ctx) {
  ctx_ = &ctx;
  name_ = ctx.name();
  struct stat st {};
  if (::stat(config_.path.c_str(), &st) != 0) {
    throw std::runtime_error(fmt::format("spooling directory {}: {}", config_.path, std::strerror(errno)));
  }
  if (!S_ISDIR(st.st_mode)) throw std::runtime_error(fmt::format("{} is not a directory", config_.path));
  if (::access(config_.path.c_str(), R_OK | W_OK | X_OK) != 0) {
    throw std::runtime_error(
        fmt::format("spooling directory {}: {} (completed files are renamed in it, so it "
                    "must be readable and writable)",
                    config_.path, std::strerror(errno)));
  }
  auto& m = ctx.metrics();
  reader_metrics_.emplace(m, name_);
  completed_ =
      &m.counter("spool_dir_files_completed", "Files read whole, acknowledged, and renamed or deleted.");
  changed_ =
      &m.counter("spool_dir_files_changed", "Files that changed after they were picked up, set aside.");
  failed_ =
      &m.counter("spool_dir_files_failed", "Files that could not be read or completed (retried later).");
  pending_ = &m.gauge("spool_dir_files_pending", "Files waiting in the spooling directory.");
  buffer_.resize(config_.read_buffer_bytes.bytes);

  files::PositionStore store(ctx.state_dir() / "positions.json");
  auto loaded = store.load();
  if (!loaded.problem.empty()) {
    log::warn(name_, "{}; it was moved aside: an interrupted file is read again from its start",
              loaded.problem);
  }
  tracker_ = files::PositionTracker::make(std::move(store), name_);
  tracker_->persist_every(config_.commit_interval);
  for (auto& p : loaded.positions) {
    const auto stream = tracker_->add(p);
    parked_[inode_key(p.identity)] = Parked{stream, std::move(p)};
  }
  wake_.emplace(ctx.executor());
  log::info(name_, "spooling {} ({} interrupted files)", config_.path, parked_.size());
}

void Spooler::stop() {
  stopping_.store(true, std::memory_order_release);
  if (tracker_) tracker_->wake();
  if (ctx_ == nullptr) return;
  asio::post(ctx_->executor(), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->wake_->cancel();
  });
}

void Spooler::close() {
  if (!tracker_) return;
  tracker_->close();
  persist();
}

void Spooler::persist() {
  if (auto ec = tracker_->persist()) {
    ctx_->metrics().errors.add();
    log::error(name_, "cannot write positions: {}", ec.message());
  }
}

TimestampNs Spooler::now_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Awaitable<void> Spooler::sleep_for(std::chrono::milliseconds d) {
  if (stopping()) co_return;
  wake_->expires_after(d);
  boost::system::error_code ec;
  co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void Spooler::refill() {
  std::error_code ec;
  auto candidates = list_spool(config_, ec);
  if (ec) {
    if (listing_problem_ != ec.message()) {
      listing_problem_ = ec.message();
      ctx_->metrics().errors.add();
      log::error(name_, "cannot list {}: {}; trying again every {}", config_.path, ec.message(),
                 format_duration(config_.poll_interval));
    }
    return;
  }
  if (!listing_problem_.empty()) {
    log::info(name_, "{} can be listed again", config_.path);
    listing_problem_.clear();
  }
  // Interrupted files first; files that failed wait for their retry time.
  const auto now = Clock::now();
  std::vector<SpoolCandidate> interrupted, rest;
  for (auto& c : candidates) {
    if (auto it = retry_after_.find(c.name); it != retry_after_.end()) {
      if (now < it->second) continue;
      retry_after_.erase(it);
    }
    const bool was_interrupted = parked_.contains(inode_key(files::identity_of(c.st)));
    (was_interrupted ? interrupted : rest).push_back(std::move(c));
  }
  if (!listed_once_) {
    // Saved positions of files no longer here (completed just before a crash) are dropped.
    listed_once_ = true;
    for (auto it = parked_.begin(); it != parked_.end();) {
      const bool present = std::any_of(interrupted.begin(), interrupted.end(), [&](const SpoolCandidate& c) {
        return inode_key(files::identity_of(c.st)) == it->first;
      });
      if (present) {
        ++it;
        continue;
      }
      tracker_->forget(it->second.stream);
      it = parked_.erase(it);
    }
  }
  queue_.assign(std::make_move_iterator(interrupted.begin()), std::make_move_iterator(interrupted.end()));
  queue_.insert(queue_.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  pending_->set(static_cast<std::int64_t>(queue_.size()));
}

bool Spooler::pick_next() {
  if (queue_.empty()) refill();
  while (!queue_.empty()) {
    SpoolCandidate c = std::move(queue_.front());
    queue_.pop_front();
    pending_->set(static_cast<std::int64_t>(queue_.size()));
    Current cur;
    cur.name = c.name;
    cur.path = config_.path + "/" + c.name;
    std::error_code ec;
    cur.fd = files::open_for_reading(cur.path, ec);
    if (!cur.fd) {
      if (ec != std::errc::no_such_file_or_directory)
        give_up(fmt::format("cannot open it: {}", ec.message()), std::chrono::seconds(60));
      continue;
    }
    if (files::stat_fd(cur.fd.get(), cur.picked) || !S_ISREG(cur.picked.st_mode)) continue;
    cur.identity = files::identity_of(cur.picked);
    if (files::read_prefix(cur.fd.get(), config_.fingerprint_bytes, scratch_)) continue;
    cur.identity.fingerprint_bytes = static_cast<std::uint32_t>(scratch_.size());
    cur.identity.fingerprint = files::fingerprint_hash(scratch_);
    std::uint64_t offset = 0;
    if (auto it = parked_.find(inode_key(cur.identity)); it != parked_.end()) {
      const Parked p = it->second;
      parked_.erase(it);
      const std::uint64_t committed = tracker_->status(p.stream).committed;
      if (files::prefix_matches(p.position.identity, scratch_) &&
          committed <= static_cast<std::uint64_t>(cur.picked.st_size)) {
        offset = committed;
        cur.stream = p.stream;
      } else {
        tracker_->forget(p.stream);  // the inode came back with other content: a new file
      }
    }
    if (cur.stream == 0) cur.stream = tracker_->add(files::FilePosition{cur.path, cur.identity, 0});
    tracker_->update(cur.stream, cur.path, cur.identity);
    cur.reader = std::make_unique<files::FileReader>(settings_, offset);
    cur.submitted_end = offset;
    ::posix_fadvise(cur.fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    if (offset > 0) {
      log::info(name_, "{}: resuming at offset {}", cur.name, offset);
    } else {
      log::debug(name_, "{}: reading", cur.name);
    }
    current_.emplace(std::move(cur));
    return true;
  }
  return false;
}

Awaitable<void> Spooler::submit(Batch batch, const files::ReadCounts& counts) {
  reader_metrics_->add(counts);
  Current& cur = *current_;
  const std::uint64_t end = cur.reader->settled_offset();
  if (batch.empty()) {
    if (end != cur.submitted_end) {
      tracker_->settle(cur.stream, end);
      cur.submitted_end = end;
    }
    co_return;
  }
  cur.events += batch.size();
  ctx_->metrics().received_events.add(batch.size());
  batch.set_ack(AckGroup::make(tracker_->track(cur.stream, end)));
  cur.submitted_end = end;
  co_await ctx_->submit(std::move(batch));
}

Awaitable<void> Spooler::read_chunk() {
  Current& cur = *current_;
  // The file's size is known from when it was picked (a spooled file is complete): its bytes go straight into
  // the batch, so its lines become events without a copy.
  Batch batch;
  files::Chunk chunk;
  std::error_code ec;
  const std::ptrdiff_t n = cur.reader->read(cur.fd.get(), static_cast<std::uint64_t>(cur.picked.st_size),
                                            batch, buffer_, chunk, ec);
  if (n < 0) {
    give_up(fmt::format("read failed: {}", ec.message()), std::chrono::seconds(60));
    co_return;
  }
  if (n == 0) {
    co_await finish();
    co_return;
  }
  const auto bytes = static_cast<std::size_t>(n);
  ctx_->metrics().received_bytes.add(bytes);
  files::BatchTarget target(batch, cur.path, now_ns(), config_.invalid_utf8);
  cur.reader->consume(chunk, target);
  co_await submit(std::move(batch), target.counts());
}

bool Spooler::unchanged(const struct stat& now) const {
  const struct stat& then = current_->picked;
  return now.st_size == then.st_size && same_time(now.st_mtim, then.st_mtim) && now.st_nlink > 0;
}

Awaitable<bool> Spooler::wait_acknowledged() {
  co_await tracker_->wait_acknowledged(current_->stream, stopping_);
  co_return !stopping();
}

Awaitable<void> Spooler::finish() {
  Current& cur = *current_;
  struct stat st {};
  if (files::stat_fd(cur.fd.get(), st)) {
    give_up("cannot stat it", std::chrono::seconds(60));
    co_return;
  }
  if (!unchanged(st)) {
    // What was read before the change is delivered; wait for it, then set the file aside.
    if (!co_await wait_acknowledged()) co_return;
    set_aside(fmt::format("it changed after it was picked up (size {} then, {} now{})", cur.picked.st_size,
                          st.st_size, st.st_nlink == 0 ? ", deleted" : ""));
    co_return;
  }
  // The file is complete: its last line needs no newline, a held group ends here.
  Batch batch;
  files::BatchTarget target(batch, cur.path, now_ns(), config_.invalid_utf8);
  cur.reader->flush(target);
  co_await submit(std::move(batch), target.counts());
  if (!co_await wait_acknowledged()) co_return;  // stopping: resumed after a restart
  if (tracker_->status(cur.stream).failed) {
    give_up("not every line was delivered; it is read again after a restart", std::chrono::hours(24 * 365));
    co_return;
  }
  if (files::stat_fd(cur.fd.get(), st) || !unchanged(st)) {
    set_aside("it changed while its last lines were delivered");
    co_return;
  }
  if (config_.completed == SpoolCompletion::rename) {
    const std::string target_path = free_name(cur.path + config_.completed_suffix);
    if (::rename(cur.path.c_str(), target_path.c_str()) != 0) {
      give_up(fmt::format("cannot rename it to {}: {}", target_path, std::strerror(errno)),
              std::chrono::seconds(60));
      co_return;
    }
  } else if (::unlink(cur.path.c_str()) != 0) {
    give_up(fmt::format("cannot delete it: {}", std::strerror(errno)), std::chrono::seconds(60));
    co_return;
  }
  sync_directory(config_.path);
  tracker_->forget(cur.stream);
  persist();
  completed_->add();
  log::info(name_, "{}: completed ({} events){}", cur.name, cur.events,
            config_.completed == SpoolCompletion::rename ? "" : "; deleted");
  current_.reset();
}

std::string Spooler::free_name(const std::string& base) const {
  std::string candidate = base;
  for (int i = 1; ::access(candidate.c_str(), F_OK) == 0; ++i)
    candidate = fmt::format("{}.{}", base, i);
  return candidate;
}

void Spooler::set_aside(const std::string& why) {
  Current& cur = *current_;
  changed_->add();
  ctx_->metrics().errors.add();
  std::string where = "(it is gone)";
  if (::access(cur.path.c_str(), F_OK) == 0) {
    const std::string aside = free_name(cur.path + config_.changed_suffix);
    where = ::rename(cur.path.c_str(), aside.c_str()) == 0
                ? "set aside as " + aside
                : fmt::format("cannot set it aside: {}", std::strerror(errno));
  }
  log::error(name_, "{}: {}; its {} events read before are delivered; {}; going on with the next file",
             cur.name, why, cur.events, where);
  tracker_->forget(cur.stream);
  persist();
  retry_after_[cur.name] = Clock::now() + std::chrono::seconds(1);  // a new file of that name is a new file
  current_.reset();
}

void Spooler::give_up(const std::string& why, std::chrono::seconds retry) {
  failed_->add();
  ctx_->metrics().errors.add();
  const std::string name = current_ ? current_->name : std::string("?");
  log::error(name_, "{}: {}; going on with the next file", name, why);
  retry_after_[name] = Clock::now() + retry;
  if (current_) {
    // Keep its position: a retry (or the next run) goes on from what was acknowledged.
    parked_[inode_key(current_->identity)] =
        Parked{current_->stream, files::FilePosition{current_->path, current_->identity, 0}};
    current_.reset();
  }
}

Awaitable<void> Spooler::run(SourceContext& /*ctx: the one given to open*/) {
  auto self = shared_from_this();
  next_persist_ = Clock::now() + config_.commit_interval;
  while (!stopping()) {
    if (Clock::now() >= next_persist_) {
      persist();
      next_persist_ = Clock::now() + config_.commit_interval;
    }
    if (!current_ && !pick_next()) {
      co_await sleep_for(std::min<std::chrono::milliseconds>(config_.poll_interval, config_.commit_interval));
      continue;
    }
    co_await read_chunk();
  }
  persist();
  log::info(name_, "stopped: {} files completed, {} set aside so far", completed_->value(),
            changed_->value());
}

}  // namespace pyrolog
