#include "channel/segment_scan.h"

#include "channel/file_io.h"

namespace pyrolog::channel {

Result<SegmentScan> scan_segment(SegmentReader& reader, const ScanOptions& options) {
  SegmentScan scan;
  auto size = file_size(reader.fd());
  if (!size) return size.error();
  scan.file_size = *size;
  auto status = reader.read_header(scan.header);
  if (!status) return status.error();
  scan.header_status = *status;
  scan.valid_end = kSegmentHeaderSize;

  auto note_damage = [&scan](std::uint64_t offset, std::uint64_t bytes, DamageKind kind) {
    ++scan.damaged_regions;
    scan.damaged_bytes += bytes;
    if (scan.damage.size() < kMaxDamageRecords) scan.damage.push_back({offset, bytes, kind});
  };

  std::uint64_t offset = kSegmentHeaderSize;
  while (offset < scan.file_size) {
    auto item = reader.next(offset, scan.file_size);
    if (!item) return item.error();
    if (item->kind == ScanItem::Kind::end) break;
    if (item->kind == ScanItem::Kind::damaged) {
      note_damage(item->offset, item->next - item->offset, item->damage);
    } else {
      bool intact = true;
      if (options.verify_payloads) {
        auto ok = reader.check_payload(*item);
        if (!ok) return ok.error();
        intact = *ok;
      }
      if (!intact) {
        note_damage(item->offset, item->next - item->offset, DamageKind::bad_payload);
      } else {
        ++scan.frames;
        scan.payload_bytes += item->header.length;
        if (!scan.first_seq) scan.first_seq = item->header.seq;
        scan.last_seq = item->header.seq;
        scan.valid_end = item->next;
        if (options.on_frame) options.on_frame(*item);
        if (options.stop_at_first_frame) break;
      }
    }
    offset = item->next;
  }
  return scan;
}

}  // namespace pyrolog::channel
