// Helper for crash_test.cc: appends numbered records to a channel with `sync: always` and prints each
// acknowledged number on stdout (flushed), until it is killed. On start it reads the channel to find the last
// record it can read back, and continues after it.
//
// usage: channel_crash_child DIR

#include <cstdio>
#include <cstdlib>
#include <string>

#include "channel/channel.h"

namespace {

std::string make_record(std::uint64_t n) {
  std::string s = "rec " + std::to_string(n) + " ";
  // Mostly small records; every fifth one is large, so that some kills land in the middle of a write.
  const std::size_t size = n % 5 == 0 ? 200000 + (n * 7919) % 600000 : 40 + (n * 7919) % 1500;
  while (s.size() < size)
    s.push_back(static_cast<char>('A' + (n + s.size()) % 26));
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pyrolog::channel;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  Options options;
  options.directory = argv[1];
  options.sync = SyncPolicy::always;
  options.segment_bytes = 1 << 20;  // segments roll over every few records
  options.max_bytes = 1ull << 30;
  options.readers = {"child"};
  auto channel = Channel::open(options);
  if (!channel) {
    std::fprintf(stderr, "open: %s\n", channel.error().message().c_str());
    return 1;
  }
  // Tell the test what recovery did (lines starting with '#' are not acknowledgements).
  for (const auto& event : (*channel)->recovery_events()) {
    std::printf("# %s %s\n", std::string(to_string(event.kind)).c_str(), event.message.c_str());
  }
  std::fflush(stdout);
  std::uint64_t last = 0;
  {
    auto reader = (*channel)->open_reader("child");
    if (!reader) return 1;
    Frame frame;
    for (;;) {
      auto got = (*reader)->read(frame);
      if (!got) {
        std::fprintf(stderr, "read: %s\n", got.error().message().c_str());
        return 1;
      }
      if (!*got) break;
      const std::string payload(reinterpret_cast<const char*>(frame.payload.data()), frame.payload.size());
      last = std::strtoull(payload.c_str() + 4, nullptr, 10);
      if (payload != make_record(last)) {
        std::fprintf(stderr, "record %llu corrupted\n", static_cast<unsigned long long>(last));
        return 1;
      }
    }
  }
  for (std::uint64_t n = last + 1;; ++n) {
    const std::string payload = make_record(n);
    auto seq =
        (*channel)->append_and_wait({reinterpret_cast<const std::byte*>(payload.data()), payload.size()});
    if (!seq) {
      std::fprintf(stderr, "append: %s\n", seq.error().message().c_str());
      return 1;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(n));
    std::fflush(stdout);
  }
}
