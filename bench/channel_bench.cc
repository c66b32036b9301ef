// Channel append and read throughput, next to the raw sequential write speed of the same disk measured in the
// same run with the same fsync cadence. Plain main; prints a table.
//
// usage: channel_bench [DIR [SECONDS_PER_RUN [REPETITIONS]]]
//   DIR defaults to ./channel-bench.<pid> (the disk under test); runs last 2 s; 1 repetition.
// Each figure is a steady-state rate: bytes made durable (fdatasync returned, or the append acknowledged)
// within a fixed window, so the last group commit's wait does not distort it. Each channel run is preceded by
// a raw run on the same disk and compared with it (the speed of a shared virtual disk varies a lot from one
// second to the next), and by a second raw run that syncs from another thread (shown, not compared); with
// REPETITIONS > 1 each pair runs that many times and the pair with the median ratio is printed. Events are
// batched the way the agent batches them: as many as fit in a 64 KiB frame (327 x 200 B, 64 x 1 KiB). Appends
// are submitted without waiting (up to 1 GiB in flight), except in the "1 in flight" rows.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <sys/vfs.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "channel/channel.h"
#include "channel/crc32c.h"

namespace {

using Clock = std::chrono::steady_clock;
using pyrolog::channel::Channel;
using pyrolog::channel::Frame;
using pyrolog::channel::Options;
using pyrolog::channel::SyncPolicy;

constexpr std::size_t kFrameBudget = 64 * 1024;
constexpr auto kRawSyncInterval = std::chrono::milliseconds(100);

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "channel_bench: %s\n", what.c_str());
  std::exit(1);
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::vector<std::byte> random_bytes(std::size_t n) {
  std::vector<std::byte> out(n);
  std::mt19937_64 rng(12345);
  for (auto& b : out)
    b = static_cast<std::byte>(rng() & 0xFFu);
  return out;
}

const char* fs_name(const std::filesystem::path& dir) {
  struct statfs st {};
  if (::statfs(dir.c_str(), &st) != 0) return "?";
  switch (static_cast<unsigned long>(st.f_type)) {
    case 0xEF53:
      return "ext4";
    case 0x01021994:
      return "tmpfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683E:
      return "btrfs";
    case 0x794C7630:
      return "overlayfs";
    default:
      return "other";
  }
}

struct Throughput {
  double write_mbps = 0;
  double read_mbps = 0;
};

// write(2) of 64 KiB chunks for `window`, with an fdatasync whenever 100 ms have passed: the bytes made
// durable by an fdatasync that returned within the window, per second. Then reads the file back.
Throughput raw_disk(const std::filesystem::path& dir, std::chrono::duration<double> window) {
  ::sync();  // start from a quiet disk: no writeback left over from the previous run
  const auto path = dir / "raw.dat";
  const auto chunk = random_bytes(kFrameBudget);
  Throughput t;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) die("cannot create " + path.string());
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(window);
  auto last_sync = t0;
  std::uint64_t written = 0;
  std::uint64_t durable = 0;
  while (Clock::now() < deadline) {
    if (::write(fd, chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) die("write failed");
    written += chunk.size();
    if (Clock::now() - last_sync >= kRawSyncInterval) {
      ::fdatasync(fd);
      last_sync = Clock::now();
      if (last_sync <= deadline) durable = written;
    }
  }
  t.write_mbps = static_cast<double>(durable) / 1e6 / window.count();
  ::fdatasync(fd);
  ::close(fd);
  const int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::vector<std::byte> buffer(kFrameBudget);
  const auto r0 = Clock::now();
  std::uint64_t read = 0;
  for (ssize_t n; (n = ::read(rfd, buffer.data(), buffer.size())) > 0;)
    read += static_cast<std::uint64_t>(n);
  t.read_mbps = static_cast<double>(read) / 1e6 / seconds_since(r0);
  ::close(rfd);
  std::filesystem::remove(path);
  return t;
}

// The same writes, with the fdatasync calls in a second thread so that writing goes on while a sync runs (as
// in the channel): closer to what the disk can absorb.
double raw_disk_overlapped(const std::filesystem::path& dir, std::chrono::duration<double> window) {
  ::sync();
  const auto path = dir / "raw-overlapped.dat";
  const auto chunk = random_bytes(kFrameBudget);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) die("cannot create " + path.string());
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(window);
  std::atomic<std::uint64_t> written{0};
  std::atomic<bool> stop{false};
  std::uint64_t durable = 0;
  std::thread syncer([&] {
    auto next = t0 + kRawSyncInterval;
    while (!stop.load()) {
      std::this_thread::sleep_until(next);
      const std::uint64_t target = written.load();
      const auto started = Clock::now();
      ::fdatasync(fd);
      if (Clock::now() <= deadline) durable = target;
      next = started + kRawSyncInterval;
    }
  });
  while (Clock::now() < deadline) {
    if (::write(fd, chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) die("write failed");
    written.fetch_add(chunk.size());
  }
  stop = true;
  syncer.join();
  ::close(fd);
  std::filesystem::remove(path);
  return static_cast<double>(durable) / 1e6 / window.count();
}

struct RunResult {
  std::uint64_t durable_frames = 0;  // acknowledged within the window
  std::uint64_t read_frames = 0;
  std::uint64_t frame_size = 0;
  double window_seconds = 0;
  double read_seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// Appends for `window` (all appends in flight at once, up to kMaxInFlight bytes, unless `one_at_a_time`) and
// counts the frames acknowledged within it; then waits for the rest, reads everything back with one reader
// and acknowledges it.
RunResult run_channel(const std::filesystem::path& dir, SyncPolicy policy, std::size_t frame_size,
                      std::chrono::duration<double> window, bool one_at_a_time) {
  constexpr std::uint64_t kMaxInFlight = 1ull << 30;
  Options options;
  options.directory = dir / "channel";
  options.sync = policy;
  options.max_bytes = 64ull << 30;
  options.readers = {"bench"};
  ::sync();
  auto opened = Channel::open(options);
  if (!opened) die("open: " + opened.error().message());
  auto& channel = **opened;
  const auto payload = random_bytes(frame_size);
  std::mutex mu;
  std::vector<Clock::time_point> submitted;  // by seq - 1
  std::vector<double> latency_ms;
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> durable{0};
  RunResult r;
  r.frame_size = frame_size;
  r.window_seconds = window.count();

  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(window);
  std::uint64_t appended = 0;
  while (Clock::now() < deadline) {
    if ((appended - acked.load(std::memory_order_acquire)) * frame_size >= kMaxInFlight ||
        (one_at_a_time && acked.load(std::memory_order_acquire) < appended)) {
      std::this_thread::yield();
      continue;
    }
    {
      std::lock_guard lock(mu);
      submitted.push_back(Clock::now());
    }
    const auto ec = channel.try_append(payload, [&](std::error_code error, std::uint64_t seq) {
      if (error) die("append: " + error.message());
      const auto now = Clock::now();
      if (now <= deadline) {
        std::lock_guard lock(mu);
        latency_ms.push_back(std::chrono::duration<double, std::milli>(now - submitted[seq - 1]).count());
        durable.fetch_add(1, std::memory_order_relaxed);
      }
      acked.fetch_add(1, std::memory_order_release);
    });
    if (ec) die("append: " + ec.message());
    ++appended;
  }
  while (acked.load(std::memory_order_acquire) < appended)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  r.durable_frames = durable.load();
  std::sort(latency_ms.begin(), latency_ms.end());
  if (!latency_ms.empty()) {
    r.p50_ms = latency_ms[latency_ms.size() / 2];
    r.p99_ms = latency_ms[latency_ms.size() * 99 / 100];
  }

  auto reader = channel.open_reader("bench");
  Frame frame;
  const auto r0 = Clock::now();
  for (;;) {
    auto got = (*reader)->read(frame);
    if (!got) die("read: " + got.error().message());
    if (!*got) break;
    ++r.read_frames;
  }
  r.read_seconds = seconds_since(r0);
  if (r.read_frames != appended) {
    die("read " + std::to_string(r.read_frames) + " of " + std::to_string(appended) + " frames");
  }
  (void)(*reader)->ack(
      frame.seq);  // deletes the segments; not timed (unlink speed is the filesystem's business)
  reader->reset();
  opened->reset();
  std::filesystem::remove_all(options.directory);
  return r;
}

// GB/s of one CRC32C implementation over a 64 KiB buffer.
double crc_speed(std::uint32_t (*fn)(std::uint32_t, std::span<const std::byte>) noexcept) {
  const auto buffer = random_bytes(kFrameBudget);
  std::uint32_t sink = 0;
  std::uint64_t bytes = 0;
  const auto t0 = Clock::now();
  while (seconds_since(t0) < 0.2) {
    for (int i = 0; i < 64; ++i)
      sink ^= fn(sink, buffer);
    bytes += 64 * buffer.size();
  }
  const double gbps = static_cast<double>(bytes) / 1e9 / seconds_since(t0);
  if (sink == 0x12345678u) std::printf(" ");  // keep the loop
  return gbps;
}

const char* policy_name(SyncPolicy p) {
  switch (p) {
    case SyncPolicy::always:
      return "always";
    case SyncPolicy::interval:
      return "interval";
    case SyncPolicy::never:
      return "never";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir =
      argc > 1 ? std::filesystem::path(argv[1])
               : std::filesystem::current_path() / ("channel-bench." + std::to_string(::getpid()));
  const double seconds = argc > 2 ? std::strtod(argv[2], nullptr) : 2.0;
  const std::chrono::duration<double> window(seconds);
  const int repetitions = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  std::filesystem::create_directories(dir);

  std::printf(
      "channel_bench: %s (%s), %.1f s per run, median of %d, frames of up to 64 KiB, interval = 100 ms\n",
      dir.c_str(), fs_name(dir), seconds, repetitions);
  std::printf("crc32c: %.1f GB/s hardware (SSE4.2, %s), %.1f GB/s portable (slicing-by-8)\n",
              crc_speed(&pyrolog::channel::crc32c_extend_hardware),
              pyrolog::channel::crc32c_hardware_available() ? "in use" : "not available",
              crc_speed(&pyrolog::channel::crc32c_extend_portable));
  std::printf(
      "raw:  write(2) of 64 KiB chunks, fdatasync every 100 ms in the same thread (\"of raw\" compares with "
      "it)\n");
  std::printf("raw2: the same, with the fdatasync calls in a second thread (as the channel does)\n");
  std::printf("write figures count the bytes made durable (acknowledged) within the window\n\n");
  std::printf("%-6s %-16s %8s %9s %11s %11s %7s %15s %10s %11s %9s\n", "event", "sync", "raw MB/s",
              "raw2 MB/s", "append MB/s", "events/s", "of raw", "ack p50/p99 ms", "read MB/s", "events/s",
              "raw read");

  for (const std::size_t event_size : {std::size_t{200}, std::size_t{1024}}) {
    const std::size_t events_per_frame = kFrameBudget / event_size;
    const std::size_t frame_size = events_per_frame * event_size;
    struct Case {
      SyncPolicy policy;
      bool one_at_a_time;
    };
    for (const Case c : {Case{SyncPolicy::always, true}, Case{SyncPolicy::always, false},
                         Case{SyncPolicy::interval, false}, Case{SyncPolicy::never, false}}) {
      // Alternate raw and channel runs and report the pair with the median ratio.
      struct Pair {
        Throughput raw;
        double raw2 = 0;
        RunResult run;
        double mbps;
        double ratio;
      };
      std::vector<Pair> pairs;
      for (int rep = 0; rep < repetitions; ++rep) {
        Pair p;
        p.raw = raw_disk(dir, window);
        p.raw2 = raw_disk_overlapped(dir, window);
        p.run = run_channel(dir, c.policy, frame_size, window, c.one_at_a_time);
        p.mbps = static_cast<double>(p.run.durable_frames * frame_size) / 1e6 / p.run.window_seconds;
        p.ratio = p.mbps / p.raw.write_mbps;
        pairs.push_back(p);
      }
      std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.ratio < b.ratio; });
      const Pair& m = pairs[pairs.size() / 2];
      const RunResult& r = m.run;
      const std::string name = std::string(policy_name(c.policy)) + (c.one_at_a_time ? " (1 in flight)" : "");
      char latency[32];
      std::snprintf(latency, sizeof latency, "%.1f/%.1f", r.p50_ms, r.p99_ms);
      const double read_mbps = static_cast<double>(r.read_frames * frame_size) / 1e6 / r.read_seconds;
      std::printf("%4zu B %-16s %8.1f %9.1f %11.1f %11.0f %6.0f%% %15s %10.1f %11.0f %9.1f\n", event_size,
                  name.c_str(), m.raw.write_mbps, m.raw2, m.mbps,
                  static_cast<double>(r.durable_frames * events_per_frame) / r.window_seconds,
                  100.0 * m.ratio, latency, read_mbps,
                  static_cast<double>(r.read_frames * events_per_frame) / r.read_seconds, m.raw.read_mbps);
      std::fflush(stdout);
    }
  }
  std::filesystem::remove_all(dir);
  return 0;
}
