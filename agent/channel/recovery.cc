#include "channel/recovery.h"

#include <algorithm>
#include <fcntl.h>
#include <optional>
#include <set>

#include "channel/directory_layout.h"
#include "channel/file_io.h"
#include "channel/segment_reader.h"
#include "channel/segment_scan.h"

namespace pyrolog::channel {
namespace {

// A first sequence number that could not be read (I/O error); replaced before recovery returns.
constexpr std::uint64_t kUnknownSeq = UINT64_MAX;

struct Candidate {
  std::uint64_t id = 0;
  std::string name;
  SegmentReader reader;
  SegmentHeaderStatus status = SegmentHeaderStatus::too_short;
  SegmentHeader header;
  std::uint64_t size = 0;
};

class Recovery {
 public:
  Recovery(const std::filesystem::path& dir, RecoveryResult& out) : dir_(dir), out_(out) {}

  void event(Severity severity, EventKind kind, std::string file, std::uint64_t segment, std::uint64_t offset,
             std::uint64_t bytes, std::string message, std::error_code error = {}) {
    if (kind == EventKind::io_error) ++out_.io_errors;
    out_.events.push_back(
        {severity, kind, std::move(file), segment, offset, bytes, error, std::move(message)});
  }

  void drop_segment(Candidate& c, Severity severity, const std::string& why) {
    c.reader.close();
    if (auto ec = remove_file(dir_ / c.name)) {
      event(Severity::error, EventKind::io_error, c.name, c.id, 0, c.size,
            "cannot delete unreadable segment " + c.name + ": " + ec.message(), ec);
      return;
    }
    event(severity, EventKind::segment_dropped, c.name, c.id, 0, c.size,
          "deleted segment " + c.name + " (" + std::to_string(c.size) + " bytes): " + why);
  }

  void note_damage(const Candidate& c, const DamageRecord& d) {
    ++out_.corrupt_frames;
    out_.corrupt_bytes += d.bytes;
    out_.damage_seen.emplace_back(c.id, d.offset);
    event(Severity::warning, EventKind::corrupt_frame_skipped, c.name, c.id, d.offset, d.bytes,
          "segment " + c.name + " offset " + std::to_string(d.offset) + ": " +
              std::string(to_string(d.kind)) + ", skipping " + std::to_string(d.bytes) + " bytes");
  }

  // Returns false when the segment holds nothing readable and was deleted.
  bool recover_last(Candidate& c, RecoveredSegment& seg) {
    if (c.status == SegmentHeaderStatus::too_short) {
      drop_segment(c, Severity::info, "shorter than a segment header (interrupted creation)");
      return false;
    }
    auto scan =
        scan_segment(c.reader, {.verify_payloads = true, .stop_at_first_frame = false, .on_frame = {}});
    if (!scan) {
      event(Severity::error, EventKind::io_error, c.name, c.id, 0, 0,
            "cannot read segment " + c.name + ": " + scan.error().message(), scan.error());
      // Unreadable for now: keep the file, append to a new segment, let readers try again.
      seg = {c.id, c.status == SegmentHeaderStatus::ok ? c.header.first_seq : kUnknownSeq, c.size, false};
      out_.last_segment_appendable = false;
      return true;
    }
    if (c.status != SegmentHeaderStatus::ok && scan->frames == 0) {
      drop_segment(c, Severity::warning, std::string(to_string(c.status)) + " and no readable frame");
      return false;
    }
    if (c.status != SegmentHeaderStatus::ok) {
      ++out_.corrupt_segment_headers;
      event(Severity::warning, EventKind::segment_header_corrupt, c.name, c.id, 0, kSegmentHeaderSize,
            "segment " + c.name + ": " + std::string(to_string(c.status)) + "; its frames are still read");
    }
    for (const auto& d : scan->damage) {
      if (d.offset < scan->valid_end) note_damage(c, d);
    }
    bool appendable = c.status == SegmentHeaderStatus::ok;
    if (scan->tail_bytes() > 0) {
      std::error_code ec;
      {
        auto fd = open_file(dir_ / c.name, O_WRONLY);
        if (!fd) {
          ec = fd.error();
        } else {
          ec = truncate_fd(fd->get(), scan->valid_end);
          if (!ec) ec = sync_data(fd->get());
        }
      }
      if (ec) {
        event(Severity::error, EventKind::io_error, c.name, c.id, scan->valid_end, scan->tail_bytes(),
              "cannot cut the torn tail of " + c.name + ": " + ec.message(), ec);
        appendable = false;
      } else {
        ++out_.torn_tails;
        out_.torn_bytes += scan->tail_bytes();
        event(Severity::warning, EventKind::torn_tail_cut, c.name, c.id, scan->valid_end, scan->tail_bytes(),
              "segment " + c.name + ": cut " + std::to_string(scan->tail_bytes()) +
                  " bytes of incomplete frame data at offset " + std::to_string(scan->valid_end));
      }
    }
    seg.id = c.id;
    seg.header_ok = c.status == SegmentHeaderStatus::ok;
    seg.first_seq = seg.header_ok ? c.header.first_seq : *scan->first_seq;
    seg.end = scan->valid_end;
    out_.next_seq = std::max(out_.next_seq, scan->last_seq ? *scan->last_seq + 1 : seg.first_seq);
    out_.last_segment_appendable = appendable;
    return true;
  }

  // Returns false when the segment holds nothing readable and was deleted.
  bool recover_sealed(Candidate& c, RecoveredSegment& seg) {
    if (c.status == SegmentHeaderStatus::too_short) {
      drop_segment(c, Severity::warning, "shorter than a segment header");
      return false;
    }
    seg = {c.id, c.header.first_seq, c.size, c.status == SegmentHeaderStatus::ok};
    if (seg.header_ok) return true;
    auto scan =
        scan_segment(c.reader, {.verify_payloads = false, .stop_at_first_frame = true, .on_frame = {}});
    if (!scan) {
      event(Severity::error, EventKind::io_error, c.name, c.id, 0, 0,
            "cannot read segment " + c.name + ": " + scan.error().message(), scan.error());
      seg.first_seq = kUnknownSeq;
      return true;
    }
    if (!scan->first_seq) {
      drop_segment(c, Severity::warning, std::string(to_string(c.status)) + " and no readable frame");
      return false;
    }
    ++out_.corrupt_segment_headers;
    event(Severity::warning, EventKind::segment_header_corrupt, c.name, c.id, 0, kSegmentHeaderSize,
          "segment " + c.name + ": " + std::string(to_string(c.status)) + "; its frames are still read");
    seg.first_seq = *scan->first_seq;
    return true;
  }

  const std::filesystem::path& dir_;
  RecoveryResult& out_;
};

}  // namespace

Result<RecoveryResult> recover_channel_directory(const std::filesystem::path& dir,
                                                 const std::vector<std::string>& declared_readers) {
  auto listing = list_channel_directory(dir);
  if (!listing) return listing.error();
  RecoveryResult out;
  Recovery r(dir, out);

  for (const auto& name : listing->temp_files) {
    if (auto ec = remove_file(dir / name)) {
      r.event(Severity::error, EventKind::io_error, name, 0, 0, 0,
              "cannot delete " + name + ": " + ec.message(), ec);
    } else {
      r.event(Severity::info, EventKind::temp_file_removed, name, 0, 0, 0,
              "deleted " + name + ", left over by an interrupted write");
    }
  }
  for (const auto& name : listing->unknown_files) {
    r.event(Severity::warning, EventKind::unknown_file, name, 0, 0, 0,
            "unknown file " + name + " in the channel directory; left alone");
  }

  std::vector<Candidate> candidates;
  for (const auto& [id, name] : listing->segments) {
    out.next_segment_id = std::max(out.next_segment_id, id + 1);
    Candidate c;
    c.id = id;
    c.name = name;
    auto reader = SegmentReader::open(dir / name);
    std::error_code ec = reader ? std::error_code{} : reader.error();
    if (!ec) {
      c.reader = std::move(*reader);
      auto size = file_size(c.reader.fd());
      auto status = c.reader.read_header(c.header);
      ec = !size ? size.error() : !status ? status.error() : std::error_code{};
      if (!ec) {
        c.size = *size;
        c.status = *status;
      }
    }
    if (ec) {
      r.event(Severity::error, EventKind::io_error, name, id, 0, 0,
              "cannot read segment " + name + ": " + ec.message() + "; left alone", ec);
      continue;
    }
    if (c.status == SegmentHeaderStatus::unsupported_version) {
      r.event(Severity::error, EventKind::segment_unsupported, name, id, 0, c.size,
              "segment " + name + " has an unsupported format version; left alone and not read");
      continue;
    }
    if (c.status == SegmentHeaderStatus::ok && c.header.segment_id != id) {
      // A valid header naming another id: the file was renamed. The file name wins; say so.
      r.event(Severity::warning, EventKind::segment_header_corrupt, name, id, 0, 0,
              "segment " + name + " says it is segment " + std::to_string(c.header.segment_id));
    }
    candidates.push_back(std::move(c));
  }

  // The newest segment may have been cut short by a crash; it is the only one whose frames are walked.
  std::optional<RecoveredSegment> last;
  while (!candidates.empty()) {
    RecoveredSegment seg;
    const bool kept = r.recover_last(candidates.back(), seg);
    candidates.pop_back();
    if (kept) {
      last = seg;
      break;
    }
  }
  for (auto& c : candidates) {
    RecoveredSegment seg;
    if (r.recover_sealed(c, seg)) out.segments.push_back(seg);
  }
  if (last) out.segments.push_back(*last);
  if (!last) out.last_segment_appendable = false;
  for (const auto& seg : out.segments) {
    if (seg.first_seq != kUnknownSeq) out.next_seq = std::max(out.next_seq, seg.first_seq);
  }
  // An unreadable segment takes the first sequence number of the one after it: it is then deleted only when
  // every reader is past the next one too, and readers skip its frames by sequence number. Safe, if
  // conservative.
  std::uint64_t bound = out.next_seq;
  for (auto it = out.segments.rbegin(); it != out.segments.rend(); ++it) {
    if (it->first_seq == kUnknownSeq) it->first_seq = bound;
    bound = it->first_seq;
  }

  std::set<std::string> names(listing->readers.begin(), listing->readers.end());
  names.insert(declared_readers.begin(), declared_readers.end());
  struct Found {
    std::string name;
    Cursor cursor;
    bool rewrite;
  };
  std::vector<Found> cursors;
  for (const auto& name : names) {
    const std::string file = cursor_file_name(name);
    auto loaded = load_cursor(dir, name);
    switch (loaded.status) {
      case CursorStatus::ok:
        break;
      case CursorStatus::missing:
        r.event(Severity::info, EventKind::cursor_missing, file, 0, 0, 0,
                "reader " + name + " has no cursor yet; it starts at the oldest retained frame");
        break;
      case CursorStatus::empty:
      case CursorStatus::corrupt:
      case CursorStatus::unreadable:
        r.event(Severity::warning, EventKind::cursor_corrupt, file, 0, 0, 0,
                "cursor of reader " + name + " is " + std::string(to_string(loaded.status)) + " (" +
                    loaded.detail +
                    "); falling back to the oldest retained frame (frames may be delivered again)");
        loaded.cursor = {};
        break;
    }
    if (loaded.cursor.next_seq > out.next_seq && out.segments.empty()) {
      // Every segment was acknowledged and deleted: numbering simply continues after the cursor.
      out.next_seq = loaded.cursor.next_seq;
    } else if (loaded.cursor.next_seq > out.next_seq) {
      r.event(Severity::warning, EventKind::cursor_ahead, file, 0, 0, 0,
              "cursor of reader " + name + " is at " + std::to_string(loaded.cursor.next_seq) +
                  " but the last frame on disk is " + std::to_string(out.next_seq - 1) +
                  " (unsynced frames lost in a crash); new frames continue after the cursor");
      out.next_seq = loaded.cursor.next_seq;
    }
    cursors.push_back({name, loaded.cursor, loaded.status != CursorStatus::ok});
  }
  const std::uint64_t oldest = out.segments.empty() ? out.next_seq : out.segments.front().first_seq;
  for (auto& found : cursors) {
    if (found.cursor.next_seq < oldest) found.cursor = {oldest, 0, 0};
    out.readers.push_back({found.name, found.cursor, found.rewrite});
  }
  return out;
}

}  // namespace pyrolog::channel
