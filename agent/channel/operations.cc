#include "channel/operations.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>

#include "channel/cursor_store.h"
#include "channel/directory_layout.h"
#include "channel/errors.h"
#include "channel/file_io.h"
#include "channel/segment_reader.h"
#include "channel/segment_scan.h"

namespace pyrolog::channel {
namespace {

std::string describe(const DamageRecord& d, bool tail) {
  return std::string(to_string(d.kind)) + (tail ? " (torn tail: cut when the channel next opens)" : "");
}

bool directory_in_use(const std::filesystem::path& dir) {
  auto fd = open_file(dir / kLockFileName, O_RDONLY);
  if (!fd) return false;
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) return errno == EWOULDBLOCK;
  ::flock(fd->get(), LOCK_UN);
  return false;
}

Result<VerifyReport> survey(const std::filesystem::path& dir, bool verify_payloads, bool check_in_use) {
  auto listing = list_channel_directory(dir);
  if (!listing) {
    if (listing.error() == std::errc::no_such_file_or_directory ||
        listing.error() == std::errc::not_a_directory) {
      return Errc::not_a_channel;
    }
    return listing.error();
  }
  VerifyReport report;
  InspectReport& r = report.inspect;
  r.directory = dir;
  r.in_use = check_in_use && listing->has_lock_file && directory_in_use(dir);
  r.unknown_files = listing->unknown_files;
  r.temp_files = listing->temp_files;
  auto problem = [&report](Finding f) {
    report.clean = false;
    report.problems.push_back(std::move(f));
  };

  for (const auto& name : listing->readers) {
    auto loaded = load_cursor(dir, name);
    ReaderReport reader;
    reader.name = name;
    reader.cursor_status = std::string(to_string(loaded.status));
    reader.detail = loaded.detail;
    reader.next_seq = loaded.status == CursorStatus::ok ? loaded.cursor.next_seq : 0;
    if (loaded.status != CursorStatus::ok) {
      problem({cursor_file_name(name), 0, 0, 0, "cursor " + reader.cursor_status + ": " + loaded.detail});
    }
    r.readers.push_back(std::move(reader));
  }

  for (std::size_t i = 0; i < listing->segments.size(); ++i) {
    const auto& [id, name] = listing->segments[i];
    const bool last = i + 1 == listing->segments.size();
    SegmentReport seg;
    seg.id = id;
    seg.file = name;
    auto reader = SegmentReader::open(dir / name);
    if (!reader) {
      seg.header_status = "cannot open: " + reader.error().message();
      problem({name, id, 0, 0, seg.header_status});
      r.segments.push_back(std::move(seg));
      continue;
    }
    auto scan = scan_segment(*reader, {.verify_payloads = verify_payloads,
                                       .stop_at_first_frame = false,
                                       .on_frame = [&r](const ScanItem& item) {
                                         for (auto& rd : r.readers) {
                                           if (rd.cursor_status == "ok" && item.header.seq >= rd.next_seq) {
                                             ++rd.lag_frames;
                                             rd.lag_bytes += item.next - item.offset;
                                           }
                                         }
                                       }});
    if (!scan) {
      seg.header_status = "cannot read: " + scan.error().message();
      problem({name, id, 0, 0, seg.header_status});
      r.segments.push_back(std::move(seg));
      continue;
    }
    seg.file_bytes = scan->file_size;
    seg.header_ok = scan->header_status == SegmentHeaderStatus::ok;
    seg.header_status = std::string(to_string(scan->header_status));
    seg.first_seq = seg.header_ok ? scan->header.first_seq : scan->first_seq.value_or(0);
    seg.frames = scan->frames;
    seg.payload_bytes = scan->payload_bytes;
    seg.first_frame_seq = scan->first_seq;
    seg.last_frame_seq = scan->last_seq;
    seg.damaged_regions = scan->damaged_regions;
    seg.damaged_bytes = scan->damaged_bytes;
    seg.tail_bytes = scan->file_size > scan->valid_end ? scan->file_size - scan->valid_end : 0;
    if (!seg.header_ok)
      problem({name, id, 0, std::min<std::uint64_t>(scan->file_size, kSegmentHeaderSize),
               "segment header: " + seg.header_status});
    for (const auto& d : scan->damage) {
      problem({name, id, d.offset, d.bytes, describe(d, last && d.offset >= scan->valid_end)});
    }
    if (scan->damaged_regions > scan->damage.size()) {
      problem(
          {name, id, 0, 0,
           std::to_string(scan->damaged_regions - scan->damage.size()) + " more damaged regions not listed"});
    }
    r.total_bytes += seg.file_bytes;
    r.total_frames += seg.frames;
    r.segments.push_back(std::move(seg));
  }
  return report;
}

// Writes the readable frames of `name` into `name.tmp` and renames it over `name`.
std::error_code rewrite_segment(const std::filesystem::path& dir, const std::string& name, std::uint64_t id,
                                std::uint64_t first_seq, SegmentReader& source) {
  const auto temp = dir / (name + std::string(kTempSuffix));
  std::error_code ec;
  {
    auto out = open_file(temp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!out) return out.error();
    const auto header =
        encode_segment_header({.version = kFormatVersion, .segment_id = id, .first_seq = first_seq});
    ec = pwrite_full(out->get(), header, {}, 0);
    std::uint64_t end = kSegmentHeaderSize;
    std::vector<std::byte> payload;
    SegmentReader copier;  // a second reader on the same file: the scan's scratch buffer stays untouched
    if (!ec) {
      auto opened = SegmentReader::open(dir / name);
      if (opened) {
        copier = std::move(*opened);
      } else {
        ec = opened.error();
      }
    }
    if (!ec) {
      auto scan = scan_segment(
          source,
          {.verify_payloads = true, .stop_at_first_frame = false, .on_frame = [&](const ScanItem& item) {
             if (ec) return;
             auto ok = copier.read_payload(item, payload);
             if (!ok) {
               ec = ok.error();
               return;
             }
             if (!*ok) return;  // changed under us; drop it
             const auto fh = encode_frame_header(item.header);
             ec = pwrite_full(out->get(), fh, payload, end);
             end += fh.size() + payload.size();
           }});
      if (!scan && !ec) ec = scan.error();
    }
    if (!ec) ec = sync_data(out->get());
  }
  if (!ec && ::rename(temp.c_str(), (dir / name).c_str()) != 0) ec = errno_code(errno);
  if (ec) {
    remove_file(temp);
    return ec;
  }
  return sync_directory(dir);
}

}  // namespace

Result<InspectReport> inspect_channel(const std::filesystem::path& dir) {
  auto report = survey(dir, false, true);
  if (!report) return report.error();
  return std::move(report->inspect);
}

Result<VerifyReport> verify_channel(const std::filesystem::path& dir) {
  return survey(dir, true, true);
}

Result<RepairReport> repair_channel(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Errc::not_a_channel;
  auto lock = open_file(dir / kLockFileName, O_RDWR | O_CREAT, 0644);
  if (!lock) return lock.error();
  if (::flock(lock->get(), LOCK_EX | LOCK_NB) != 0) {
    return errno == EWOULDBLOCK ? std::error_code(Errc::locked) : errno_code(errno);
  }
  auto listing = list_channel_directory(dir);
  if (!listing) return listing.error();

  RepairReport report;
  bool offsets_changed = false;
  auto drop = [&report](Finding f) {
    report.bytes_dropped += f.bytes;
    report.dropped.push_back(std::move(f));
    report.changed = true;
  };

  for (const auto& name : listing->temp_files) {
    if (auto rm = remove_file(dir / name)) return rm;
    report.actions.push_back("deleted leftover temporary file " + name);
    report.changed = true;
  }

  for (const auto& [id, name] : listing->segments) {
    auto reader = SegmentReader::open(dir / name);
    if (!reader) return reader.error();
    auto scan =
        scan_segment(*reader, {.verify_payloads = true, .stop_at_first_frame = false, .on_frame = {}});
    if (!scan) return scan.error();
    const bool header_ok = scan->header_status == SegmentHeaderStatus::ok;
    if (scan->header_status == SegmentHeaderStatus::unsupported_version) {
      report.actions.push_back("left " + name + " alone: unsupported format version");
      continue;
    }
    const std::uint64_t tail = scan->file_size > scan->valid_end ? scan->file_size - scan->valid_end : 0;
    if (header_ok && scan->damaged_regions == 0 && tail == 0) continue;
    if (scan->frames == 0) {
      reader->close();
      if (auto rm = remove_file(dir / name)) return rm;
      if (auto sync = sync_directory(dir)) return sync;
      drop({name, id, 0, scan->file_size,
            "whole segment: " + std::string(to_string(scan->header_status)) + ", no readable frame"});
      report.actions.push_back("deleted " + name + " (nothing readable)");
      offsets_changed = true;
      continue;
    }
    if (!header_ok)
      drop({name, id, 0, kSegmentHeaderSize,
            "segment header: " + std::string(to_string(scan->header_status))});
    for (const auto& d : scan->damage)
      drop({name, id, d.offset, d.bytes, std::string(to_string(d.kind))});
    if (scan->damaged_regions > scan->damage.size()) {
      drop({name, id, 0, 0,
            std::to_string(scan->damaged_regions - scan->damage.size()) + " more damaged regions"});
    }
    const std::uint64_t first_seq =
        header_ok ? std::min(scan->header.first_seq, scan->first_seq.value_or(scan->header.first_seq))
                  : *scan->first_seq;
    if (auto rw = rewrite_segment(dir, name, id, first_seq, *reader)) return rw;
    report.actions.push_back("rewrote " + name + " keeping its " + std::to_string(scan->frames) +
                             " readable frames");
    offsets_changed = true;
  }

  for (const auto& name : listing->readers) {
    auto loaded = load_cursor(dir, name);
    if (loaded.status != CursorStatus::ok) {
      if (auto st = store_cursor(dir, name, {})) return st;
      report.actions.push_back("reset cursor of reader " + name + " (" +
                               std::string(to_string(loaded.status)) + ") to the oldest frame");
      drop({cursor_file_name(name), 0, 0, 0,
            "cursor " + std::string(to_string(loaded.status)) + ": " + loaded.detail});
    } else if (offsets_changed && loaded.cursor.hint_segment != 0) {
      if (auto st = store_cursor(dir, name, {loaded.cursor.next_seq, 0, 0})) return st;
      report.actions.push_back("cleared the position hint of reader " + name);
      report.changed = true;
    }
  }

  for (const auto& name : listing->unknown_files)
    report.actions.push_back("left unknown file " + name + " alone");

  auto after = survey(dir, true, false);  // we hold the lock ourselves
  if (!after) return after.error();
  report.after = std::move(*after);
  return report;
}

}  // namespace pyrolog::channel
