// kill -9 at random moments, 50 times in a row: every acknowledged record survives, in order, intact.

#include <chrono>
#include <fcntl.h>
#include <poll.h>
#include <random>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "channel/channel.h"
#include "channel/operations.h"
#include "test_util.h"

extern char** environ;

namespace pyrolog::channel {
namespace {

using testing::as_string;
using testing::TempDir;

// Same as channel_crash_child.cc.
std::string make_record(std::uint64_t n) {
  std::string s = "rec " + std::to_string(n) + " ";
  // Mostly small records; every fifth one is large, so that some kills land in the middle of a write.
  const std::size_t size = n % 5 == 0 ? 200000 + (n * 7919) % 600000 : 40 + (n * 7919) % 1500;
  while (s.size() < size)
    s.push_back(static_cast<char>('A' + (n + s.size()) % 26));
  return s;
}

class Child {
 public:
  explicit Child(const std::filesystem::path& dir) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::string exe = PYROLOG_CHANNEL_CRASH_CHILD;
    std::string arg = dir.string();
    char* argv[] = {exe.data(), arg.data(), nullptr};
    const int rc = ::posix_spawn(&pid_, exe.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) throw std::runtime_error("posix_spawn: " + std::string(std::strerror(rc)));
  }
  ~Child() {
    if (pid_ > 0) kill_and_wait();
    if (out_ >= 0) ::close(out_);
  }

  // Reads acknowledged numbers until `deadline`, the pipe closes, or (if `first_only`) the first new number.
  void read_until(std::chrono::steady_clock::time_point deadline, std::vector<std::uint64_t>& acked,
                  bool first_only = false) {
    const std::size_t before = acked.size();
    while (!first_only || acked.size() == before) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return;
      if (!drain_once(acked)) return;
    }
  }

  // SIGKILL, reap, then read what the child printed before it died: those records were acknowledged too.
  int kill_and_wait(std::vector<std::uint64_t>* acked = nullptr) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (acked != nullptr) {
      while (drain_once(*acked)) {
      }
    }
    return status;
  }

 private:
  bool drain_once(std::vector<std::uint64_t>& acked) {
    char buffer[4096];
    const ssize_t n = ::read(out_, buffer, sizeof buffer);
    if (n <= 0) return false;
    partial_.append(buffer, static_cast<std::size_t>(n));
    std::size_t pos;
    while ((pos = partial_.find('\n')) != std::string::npos) {
      const std::string line = partial_.substr(0, pos);
      partial_.erase(0, pos + 1);
      if (line.rfind("# ", 0) == 0) {
        notes.push_back(line.substr(2));
      } else {
        acked.push_back(std::stoull(line));
      }
    }
    return true;
  }

 public:
  std::vector<std::string> notes;  // what the child's recovery reported

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string partial_;
};

TEST(Crash, EveryAcknowledgedRecordSurvivesFiftyKills) {
  TempDir dir;
  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  std::vector<std::uint64_t> acked;
  std::size_t torn_tails = 0;
  std::size_t dropped_segments = 0;
  constexpr int kRuns = 50;
  for (int run = 0; run < kRuns; ++run) {
    Child child(dir.path());
    const std::size_t before = acked.size();
    if (run % 2 == 0) {
      // Anywhere, including in the middle of opening and recovering.
      child.read_until(std::chrono::steady_clock::now() + std::chrono::microseconds(rng() % 15000), acked);
    } else {
      // Once appending is under way.
      child.read_until(std::chrono::steady_clock::now() + std::chrono::seconds(10), acked, true);
      child.read_until(std::chrono::steady_clock::now() + std::chrono::microseconds(rng() % 8000), acked);
    }
    const int status = child.kill_and_wait(&acked);
    for (const auto& note : child.notes) {
      if (note.rfind("torn_tail_cut", 0) == 0) ++torn_tails;
      if (note.rfind("segment_dropped", 0) == 0) ++dropped_segments;
      EXPECT_TRUE(note.rfind("torn_tail_cut", 0) == 0 || note.rfind("segment_dropped", 0) == 0 ||
                  note.rfind("cursor_missing", 0) == 0 || note.rfind("temp_file_removed", 0) == 0)
          << "run " << run << ": unexpected recovery event: " << note;
    }
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "run " << run << ": the child exited by itself (status " << status << ")";
    // Consecutive within a run; across runs the child may skip a number it wrote but was killed before
    // printing.
    for (std::size_t i = before; i < acked.size(); ++i) {
      if (i == 0) continue;
      if (i == before) {
        ASSERT_GT(acked[i], acked[i - 1]) << "run " << run;
      } else {
        ASSERT_EQ(acked[i], acked[i - 1] + 1) << "run " << run;
      }
    }
  }
  ASSERT_FALSE(acked.empty());

  Options options;
  options.directory = dir.path();
  options.sync = SyncPolicy::always;
  options.segment_bytes = 1 << 20;
  auto channel = Channel::open(options);
  ASSERT_TRUE(channel.ok());
  auto reader = (*channel)->open_reader("verifier");
  ASSERT_TRUE(reader.ok());
  const auto frames = testing::read_all(**reader);
  ASSERT_GE(frames.size(), acked.back());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(as_string(frames[i].payload), make_record(i + 1)) << "frame " << i;
  }
  const auto stats = (*channel)->stats();
  EXPECT_EQ(stats.corrupt_frames_skipped, 0u);
  EXPECT_EQ(stats.corrupt_segment_headers, 0u);
  reader->reset();
  channel->reset();
  auto verified = verify_channel(dir.path());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->clean);
  std::printf(
      "[          ] %zu records acknowledged over %d kills, %zu on disk, %zu segments; the restarts cut %zu "
      "torn tails and dropped %zu half-created segments\n",
      acked.size(), kRuns, frames.size(), verified->inspect.segments.size(), torn_tails, dropped_segments);
}

}  // namespace
}  // namespace pyrolog::channel
