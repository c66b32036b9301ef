// Finding files and following them through renames, rotations and restarts.
#include <fmt/format.h>

#include "file_input/file_io.h"
#include "tailer.h"

namespace pyrolog {

namespace {
std::pair<std::uint64_t, std::uint64_t> inode_key(const files::FileIdentity& id) {
  return {id.dev, id.ino};
}
}  // namespace

void Tailer::scan(bool initial) {
  Discovery d = discover(rules_);
  report_problems(d);
  update_watches(d);
  if (d.truncated) {
    metrics_->over_limit.add();
    if (!problems_.contains("max_files")) {
      problems_["max_files"] = "over";
      log::warn(name_, "the patterns match more than max_files ({}) files; the rest are not followed",
                config_.max_files);
    }
  } else {
    problems_.erase("max_files");
  }
  std::set<std::uint64_t> seen;
  for (const auto& found : d.files) {
    if (TailedFile* f = claim_or_add(found, initial, seen)) seen.insert(f->id);
  }
  std::vector<TailedFile*> lost;
  for (auto& [id, f] : files_) {
    if (f->state == TailedFile::State::following && !seen.contains(id)) lost.push_back(f.get());
  }
  for (TailedFile* f : lost)
    path_lost(*f, "it was renamed away or deleted");
  if (initial) recover_parked();
  metrics_->files_followed.set(static_cast<std::int64_t>(files_.size()));
}

void Tailer::report_problems(const Discovery& d) {
  std::set<std::string> current;
  for (const auto& p : d.problems) {
    const std::string key = "dir:" + p.path;
    current.insert(key);
    const std::string message = p.error.message();
    auto it = problems_.find(key);
    if (it != problems_.end() && it->second == message) continue;
    problems_[key] = message;
    metrics_->errors.add();
    log::error(name_, "cannot read directory {}: {}; files under it are not followed until it can be read",
               p.path, message);
  }
  for (auto it = problems_.begin(); it != problems_.end();) {
    if (it->first.starts_with("dir:") && !current.contains(it->first)) {
      log::info(name_, "directory {} can be read again", it->first.substr(4));
      it = problems_.erase(it);
    } else {
      ++it;
    }
  }
}

void Tailer::update_watches(const Discovery& d) {
  if (!watcher_ || !watcher_running_) return;
  const std::set<std::string> dirs(d.directories.begin(), d.directories.end());
  for (const auto& dir : dirs) {
    if (auto ec = watcher_->watch(dir)) {
      const std::string key = "watch:" + dir;
      if (!problems_.contains(key)) {
        problems_[key] = ec.message();
        log::warn(name_, "cannot watch {} with inotify ({}); it is checked every {}", dir, ec.message(),
                  format_duration(config_.scan_interval));
      }
    }
  }
  watcher_->retain(dirs);
}

TailedFile* Tailer::claim_or_add(const FoundFile& found, bool initial, const std::set<std::uint64_t>& seen) {
  const files::FileIdentity id = files::identity_of(found.st);
  const auto size = static_cast<std::uint64_t>(found.st.st_size);
  // 1. The file followed at this path: the same one, or a new one in its place (a rotation).
  if (auto it = by_path_.find(found.path); it != by_path_.end()) {
    TailedFile& f = *files_.at(it->second);
    if (f.identity.same_inode(id)) {
      if (size != f.reader->offset()) mark_ready(f);
      return &f;
    }
    path_lost(f, "a new file took its name");
  }
  // 2. A file followed under another name, renamed to this one.
  if (auto it = by_inode_.find(inode_key(id)); it != by_inode_.end()) {
    if (seen.contains(it->second)) return nullptr;  // a second name (hard link) of a file already seen
    TailedFile& f = *files_.at(it->second);
    renamed_to(f, found.path);
    if (size != f.reader->offset()) mark_ready(f);
    return &f;
  }
  // 3. A file with a saved position (opening it checks that its first bytes are still the same).
  if (auto it = parked_.find(inode_key(id)); it != parked_.end()) {
    Parked p = std::move(it->second);
    parked_.erase(it);
    TailedFile& f = add_file(found.path, p.position.identity, p.stream, p.position.offset);
    by_path_[f.path] = f.id;
    save_identity(f);
    log::debug(name_, "{}: resuming at offset {}", f.path, p.position.offset);
    mark_ready(f);
    return &f;
  }
  // 4. A new file.
  std::uint64_t offset = 0;
  if (initial && first_start_ && config_.read_from == ReadFrom::end) {
    std::error_code ec;
    if (auto fd = files::open_for_reading(found.path, ec)) offset = files::end_of_last_line(fd.get(), size);
  }
  const auto stream = tracker_->add(files::FilePosition{found.path, id, offset});
  TailedFile& f = add_file(found.path, id, stream, offset);
  by_path_[f.path] = f.id;
  if (initial) {
    log::debug(name_, "{}: following from offset {}", f.path, offset);
  } else {
    log::info(name_, "{}: new file", f.path);
  }
  mark_ready(f);
  return &f;
}

TailedFile& Tailer::add_file(std::string path, files::FileIdentity identity,
                             files::PositionTracker::StreamId stream, std::uint64_t offset) {
  auto f = std::make_unique<TailedFile>();
  f->id = next_file_id_++;
  f->stream = stream;
  f->path = std::move(path);
  f->location = f->path;
  f->identity = identity;
  f->reader = std::make_unique<files::FileReader>(settings_, offset);
  f->submitted_end = offset;
  f->last_data = TailClock::now();
  by_inode_[inode_key(identity)] = f->id;
  TailedFile& ref = *f;
  files_.emplace(ref.id, std::move(f));
  return ref;
}

void Tailer::save_identity(TailedFile& f) {
  tracker_->update(f.stream, f.location, f.identity);
}

void Tailer::renamed_to(TailedFile& f, const std::string& path) {
  if (auto it = by_path_.find(f.path); it != by_path_.end() && it->second == f.id) by_path_.erase(it);
  if (f.state == TailedFile::State::draining) {
    log::info(name_, "{}: matched again as {}", f.path, path);
    f.state = TailedFile::State::following;
  } else if (f.path != path) {
    log::info(name_, "{}: renamed to {}", f.path, path);
  }
  f.path = path;
  f.location = path;
  by_path_[path] = f.id;
  save_identity(f);
}

void Tailer::path_lost(TailedFile& f, const char* why) {
  if (auto it = by_path_.find(f.path); it != by_path_.end() && it->second == f.id) by_path_.erase(it);
  if (f.fd) {
    start_draining(f, why);
    return;
  }
  // Closed while idle: look for it beside its old name, to read what it got before it moved.
  std::error_code ec;
  if (auto moved = find_moved(f.path, f.identity, f.reader->offset(), Look::renamed, ec)) {
    f.fd = std::move(moved->fd);
    ++open_fds_;
    log::info(name_, "{}: found again as {}", f.path, moved->path);
    f.path = moved->path;
    f.location = moved->path;
    save_identity(f);
    start_draining(f, why);
    return;
  }
  f.state = TailedFile::State::draining;
  to_release_.push_back(f.id);
}

void Tailer::start_draining(TailedFile& f, const char* why) {
  // Where the file went (logrotate's `olddir`, say): a restart looks for it there.
  if (f.fd) {
    std::error_code ec;
    const auto now_at =
        std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(f.fd.get()), ec).string();
    if (!ec && !now_at.ends_with(" (deleted)") && now_at != f.location) {
      f.location = now_at;
      save_identity(f);
    }
  }
  f.state = TailedFile::State::draining;
  f.last_data = TailClock::now();
  f.at_end = false;
  metrics_->rotations.add();
  log::info(name_, "{}: {}; reading it to its end", f.path, why);
  mark_ready(f);
}

std::optional<MovedFile> Tailer::find_moved(const std::string& near_path, const files::FileIdentity& identity,
                                            std::uint64_t min_size, Look look, std::error_code& list_error) {
  SiblingQuery query;
  query.identity = identity;
  query.min_size = min_size;
  query.renames = look != Look::copied;
  query.copies = look != Look::renamed;
  query.tracked = [this, key = inode_key(identity)](const files::FileIdentity& candidate) {
    const auto k = inode_key(candidate);
    return k != key && by_inode_.contains(k);
  };
  return find_in_directory(parent_directory(near_path), query, list_error);
}

void Tailer::recover_parked() {
  for (auto it = parked_.begin(); it != parked_.end();) {
    const Parked& p = it->second;
    std::error_code ec;
    // A copy is only trusted when the fingerprint covers all it can: a short one matches too much.
    const bool copies = p.position.identity.fingerprint_bytes >= config_.fingerprint_bytes;
    auto moved = find_moved(p.position.path, p.position.identity, p.position.offset,
                            copies ? Look::renamed_or_copied : Look::renamed, ec);
    if (moved) {
      TailedFile& f = add_file(moved->path, moved->identity, p.stream, p.position.offset);
      f.fd = std::move(moved->fd);
      ++open_fds_;
      save_identity(f);
      if (!moved->renamed) metrics_->copies.add();
      log::info(name_, "{}: found as {} ({}); reading it from offset {} to its end", p.position.path, f.path,
                moved->renamed ? "renamed" : "a copy", p.position.offset);
      start_draining(f, "rotated while the agent was down");
      it = parked_.erase(it);
    } else if (!ec) {
      log::debug(name_, "{}: gone; forgetting its position", p.position.path);
      tracker_->forget(p.stream);
      it = parked_.erase(it);
    } else {
      ++it;  // its directory cannot be read now: keep the position for when it can
    }
  }
}

}  // namespace pyrolog
