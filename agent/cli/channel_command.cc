#include "cli/channel_command.h"

#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "channel/operations.h"

namespace pyrolog {

const std::string_view kChannelHelp = R"(Usage: pyrolog channel inspect|verify|repair DIR

Works on a disk channel directory (DATA_DIR/channels/SINK) from its files alone.
  inspect  Segments (size, frames, sequence range), readers and how far behind they are, unknown files.
  verify   Also checks every frame's checksum. Exits 0 when clean, 1 when anything is damaged.
  repair   Keeps every readable frame and drops the rest, saying what it dropped. Stop the agent first:
           repair refuses a directory that a running agent has open.
inspect and verify only read, and may run beside a running agent.
)";

namespace {

void print_inspect(const channel::InspectReport& r) {
  std::printf("channel %s%s\n", r.directory.c_str(), r.in_use ? " (open by a running agent)" : "");
  std::printf("  %zu segment(s), %llu frame(s), %llu bytes\n", r.segments.size(),
              static_cast<unsigned long long>(r.total_frames),
              static_cast<unsigned long long>(r.total_bytes));
  for (const auto& s : r.segments) {
    std::string range = "empty";
    if (s.first_frame_seq && s.last_frame_seq)
      range = fmt::format("frames {}..{}", *s.first_frame_seq, *s.last_frame_seq);
    std::printf("  segment %-8llu %12llu bytes  %8llu frames  %s  header %s",
                static_cast<unsigned long long>(s.id), static_cast<unsigned long long>(s.file_bytes),
                static_cast<unsigned long long>(s.frames), range.c_str(), s.header_status.c_str());
    if (s.damaged_regions > 0) {
      std::printf("  DAMAGED %llu region(s), %llu bytes", static_cast<unsigned long long>(s.damaged_regions),
                  static_cast<unsigned long long>(s.damaged_bytes));
    }
    if (s.tail_bytes > 0)
      std::printf("  torn tail %llu bytes", static_cast<unsigned long long>(s.tail_bytes));
    std::printf("\n");
  }
  for (const auto& reader : r.readers) {
    std::printf(
        "  reader %-12s cursor %-10s next frame %llu, behind by %llu frame(s), %llu bytes%s%s\n",
        reader.name.c_str(), reader.cursor_status.c_str(), static_cast<unsigned long long>(reader.next_seq),
        static_cast<unsigned long long>(reader.lag_frames), static_cast<unsigned long long>(reader.lag_bytes),
        reader.detail.empty() ? "" : ": ", reader.detail.c_str());
  }
  for (const auto& f : r.unknown_files)
    std::printf("  unknown file %s (left alone)\n", f.c_str());
  for (const auto& f : r.temp_files)
    std::printf("  leftover temporary file %s\n", f.c_str());
}

void print_findings(const char* title, const std::vector<channel::Finding>& findings) {
  for (const auto& f : findings) {
    std::printf("  %s %s at offset %llu (%llu bytes): %s\n", title, f.file.c_str(),
                static_cast<unsigned long long>(f.offset), static_cast<unsigned long long>(f.bytes),
                f.what.c_str());
  }
}

}  // namespace

int run_channel_command(const std::vector<std::string_view>& args) {
  if (args.size() != 2) {
    std::fprintf(stderr, "pyrolog: channel takes: inspect|verify|repair DIR\n\n%.*s",
                 static_cast<int>(kChannelHelp.size()), kChannelHelp.data());
    return 64;
  }
  const std::filesystem::path dir(args[1]);
  if (args[0] == "inspect") {
    auto r = channel::inspect_channel(dir);
    if (!r) {
      std::fprintf(stderr, "pyrolog: cannot inspect %s: %s\n", dir.c_str(), r.error().message().c_str());
      return 2;
    }
    print_inspect(*r);
    return 0;
  }
  if (args[0] == "verify") {
    auto r = channel::verify_channel(dir);
    if (!r) {
      std::fprintf(stderr, "pyrolog: cannot verify %s: %s\n", dir.c_str(), r.error().message().c_str());
      return 2;
    }
    print_inspect(r->inspect);
    print_findings("problem:", r->problems);
    std::printf("%s: %s\n", dir.c_str(),
                r->clean ? "clean" : fmt::format("{} problem(s)", r->problems.size()).c_str());
    return r->clean ? 0 : 1;
  }
  if (args[0] == "repair") {
    auto r = channel::repair_channel(dir);
    if (!r) {
      std::fprintf(stderr, "pyrolog: cannot repair %s: %s\n", dir.c_str(), r.error().message().c_str());
      return 2;
    }
    for (const auto& a : r->actions)
      std::printf("  %s\n", a.c_str());
    print_findings("dropped:", r->dropped);
    std::printf(
        "%s: %s; %llu bytes dropped; now %s\n", dir.c_str(), r->changed ? "repaired" : "nothing to repair",
        static_cast<unsigned long long>(r->bytes_dropped), r->after.clean ? "clean" : "still damaged");
    return r->after.clean ? 0 : 1;
  }
  std::fprintf(stderr, "pyrolog: unknown channel command '%.*s'\n", static_cast<int>(args[0].size()),
               args[0].data());
  return 64;
}

}  // namespace pyrolog
