// Disk full (a real ENOSPC from a 2 MiB tmpfs) and failing fdatasync: appends fail cleanly, the error shows
// in Stats, nothing acknowledged is lost, and appends resume once the problem is gone.

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sys/mount.h>

#include <gtest/gtest.h>

#include "channel/channel.h"
#include "channel/operations.h"
#include "test_util.h"

namespace pyrolog::channel {
namespace {

using namespace std::chrono_literals;
using testing::as_bytes;
using testing::as_string;
using testing::open_channel;
using testing::read_all;
using testing::record;
using testing::TempDir;

// Larger than two pages: an append always needs a fresh page, so none fits in the slack of a full filesystem.
constexpr std::size_t kRecordSize = 9000;

// A size-limited tmpfs mounted on a temporary directory for the duration of a test.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(const std::string& size) {
    const std::string options = "size=" + size + ",mode=0700";
    if (::mount("tmpfs", dir_.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::strerror(errno);
    }
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  std::filesystem::path path() const { return dir_.path(); }

 private:
  TempDir dir_;
  bool mounted_ = false;
  std::string why_;
};

// Appends records numbered from `next` until one fails; returns that failure.
std::error_code append_until_error(Channel& channel, std::uint64_t& next,
                                   std::vector<std::uint64_t>& accepted) {
  for (;;) {
    auto seq = channel.append_and_wait(as_bytes(record(next, kRecordSize)));
    if (!seq) return seq.error();
    accepted.push_back(next++);
  }
}

TEST(DiskFull, AppendsFailWithEnospcAndResumeWhenSpaceReturns) {
  SmallFilesystem fs("2m");
  if (!fs.mounted()) {
    GTEST_SKIP() << "cannot mount a 2 MiB tmpfs to get a real ENOSPC (" << fs.why()
                 << "); this test needs root or CAP_SYS_ADMIN";
  }
  Options options;
  options.directory = fs.path() / "channel";
  options.sync = SyncPolicy::always;
  options.segment_bytes = 256 << 10;
  options.max_bytes = 64 << 20;  // far above the filesystem: the disk fills first
  options.readers = {"main"};
  options.cursor_flush_interval = 10ms;
  std::vector<std::uint64_t> accepted;
  std::uint64_t next = 1;
  {
    auto channel = open_channel(options);
    ASSERT_TRUE(channel);
    // 1. Fill the filesystem.
    auto ec = append_until_error(*channel, next, accepted);
    ASSERT_EQ(ec, std::errc::no_space_on_device) << ec.message();
    ASSERT_GT(accepted.size(), 100u);
    auto stats = channel->stats();
    EXPECT_TRUE(stats.error_state);
    EXPECT_EQ(stats.last_error, std::errc::no_space_on_device);
    EXPECT_FALSE(stats.last_error_detail.empty());
    EXPECT_GE(stats.append_errors, 1u);
    // Further appends keep failing cleanly (numbers are not reused, nothing partial is left behind).
    for (int i = 0; i < 5; ++i) {
      EXPECT_EQ(channel->append_and_wait(as_bytes(record(next, kRecordSize))).error(),
                std::errc::no_space_on_device);
    }
    auto verified = verify_channel(options.directory);  // no partial frame anywhere
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->clean) << verified->problems.front().what;

    // 2. The reader catches up and acknowledges; acknowledged segments are deleted, which frees space.
    auto reader = channel->open_reader("main");
    const auto frames = read_all(**reader);
    ASSERT_EQ(frames.size(), accepted.size());
    for (std::size_t i = 0; i < frames.size(); ++i)
      ASSERT_EQ(as_string(frames[i].payload), record(accepted[i], kRecordSize));
    ASSERT_FALSE((*reader)->ack(frames.back().seq));

    // 3. Appends resume and the error state clears.
    const std::size_t before = accepted.size();
    ec = append_until_error(*channel, next, accepted);
    EXPECT_EQ(ec, std::errc::no_space_on_device);
    ASSERT_GT(accepted.size(), before + 100);
    const auto more = read_all(**reader);
    ASSERT_EQ(more.size(), accepted.size() - before);
    for (std::size_t i = 0; i < more.size(); ++i) {
      ASSERT_EQ(as_string(more[i].payload), record(accepted[before + i], kRecordSize));
    }
    // Everything acknowledged: the disk empties again (except for the active segment).
    ASSERT_FALSE((*reader)->ack(more.back().seq));
    EXPECT_EQ(channel->stats().segments, 1u);
  }
  // 4. Space taken by something else: a filler file. The channel reopens on the full disk, and the appends
  // that
  //    fail there come back once the filler is deleted.
  {
    const auto filler = fs.path() / "filler";
    {
      std::ofstream out(filler, std::ios::binary);
      const std::string chunk(4096, 'f');
      while (out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) {
      }
    }
    auto channel = open_channel(options);
    ASSERT_TRUE(channel);
    std::uint64_t seq_base = channel->stats().next_seq;
    auto appended = channel->append_and_wait(as_bytes(record(next, kRecordSize)));
    ASSERT_FALSE(appended.ok());
    EXPECT_EQ(appended.error(), std::errc::no_space_on_device);
    EXPECT_TRUE(channel->stats().error_state);
    ASSERT_GT(std::filesystem::file_size(filler), 1u << 20);
    std::filesystem::remove(filler);
    appended = channel->append_and_wait(as_bytes(record(next, kRecordSize)));
    ASSERT_TRUE(appended.ok()) << appended.error().message();
    EXPECT_GT(*appended, seq_base);
    accepted.push_back(next++);
    EXPECT_FALSE(channel->stats().error_state);
  }
  // 5. After all that, the records accepted since the last acknowledgement are there, in order.
  auto channel = open_channel(options);
  auto reader = channel->open_reader("main");
  const auto frames = read_all(**reader);
  ASSERT_FALSE(frames.empty());
  const std::size_t offset = accepted.size() - frames.size();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(as_string(frames[i].payload), record(accepted[offset + i], kRecordSize));
  }
  EXPECT_EQ(as_string(frames.back().payload), record(accepted.back(), kRecordSize));
  EXPECT_EQ(channel->stats().corrupt_frames_skipped, 0u);
}

TEST(SyncFailure, FailedGroupCommitFailsItsAppendsAndRollsBack) {
  TempDir dir;
  std::atomic<bool> fail{false};
  auto options = testing::small_options(dir.path(), SyncPolicy::interval);
  options.sync_fault_for_testing = [&](std::uint64_t) {
    return fail ? std::make_error_code(std::errc::io_error) : std::error_code{};
  };
  auto channel = open_channel(options);
  for (std::uint64_t i = 1; i <= 10; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  auto reader = channel->open_reader("main");
  ASSERT_EQ(read_all(**reader).size(), 10u);

  fail = true;
  std::atomic<int> failed{0};
  for (std::uint64_t i = 11; i <= 15; ++i) {
    ASSERT_FALSE(channel->try_append(as_bytes(record(i)), [&](std::error_code ec, std::uint64_t) {
      EXPECT_EQ(ec, std::errc::io_error);
      ++failed;
    }));
  }
  ASSERT_TRUE(testing::wait_until([&] { return failed == 5; }));
  auto stats = channel->stats();
  EXPECT_TRUE(stats.error_state);
  EXPECT_GE(stats.sync_errors, 1u);
  EXPECT_EQ(stats.committed_seq, 11u);
  EXPECT_TRUE(read_all(**reader).empty());  // never acknowledged, never visible

  fail = false;
  for (std::uint64_t i = 16; i <= 20; ++i) {
    auto seq = channel->append_and_wait(as_bytes(record(i)));
    ASSERT_TRUE(seq.ok());
    EXPECT_GE(*seq, 16u);  // the failed numbers are not reused
  }
  EXPECT_FALSE(channel->stats().error_state);
  const auto after = read_all(**reader);
  ASSERT_EQ(after.size(), 5u);
  EXPECT_EQ(as_string(after.front().payload), record(16));
  reader->reset();
  channel.reset();

  auto verified = verify_channel(dir.path());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->clean);
  channel = open_channel(testing::small_options(dir.path()));
  auto again = channel->open_reader("main");
  const auto frames = read_all(**again);
  ASSERT_EQ(frames.size(), 15u);  // 1..10 and 16..20 (nothing acknowledged yet)
  EXPECT_EQ(as_string(frames[9].payload), record(10));
  EXPECT_EQ(as_string(frames[10].payload), record(16));
}

}  // namespace
}  // namespace pyrolog::channel
