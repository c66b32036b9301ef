// Appending, reading, acknowledging, retention and the sync policies.

#include "channel/channel.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "channel/cursor_store.h"
#include "test_util.h"

namespace pyrolog::channel {
namespace {

using namespace std::chrono_literals;
using testing::as_bytes;
using testing::as_string;
using testing::open_channel;
using testing::payloads;
using testing::read_all;
using testing::record;
using testing::small_options;
using testing::TempDir;
using testing::wait_until;

TEST(Channel, RoundTripAcrossSegments) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  ASSERT_TRUE(channel);
  for (std::uint64_t i = 1; i <= 200; ++i) {
    auto seq = channel->append_and_wait(as_bytes(record(i)));
    ASSERT_TRUE(seq.ok()) << seq.error().message();
    EXPECT_EQ(*seq, i);
  }
  EXPECT_GT(channel->stats().segments, 3u);
  auto reader = channel->open_reader("main");
  ASSERT_TRUE(reader.ok());
  const auto frames = read_all(**reader);
  ASSERT_EQ(frames.size(), 200u);
  for (std::uint64_t i = 1; i <= 200; ++i) {
    EXPECT_EQ(frames[i - 1].seq, i);
    EXPECT_EQ(as_string(frames[i - 1].payload), record(i));
  }
}

TEST(Channel, EmptyPayloadsAndReopen) {
  TempDir dir;
  {
    auto channel = open_channel(small_options(dir.path()));
    ASSERT_TRUE(channel->append_and_wait({}).ok());
    ASSERT_TRUE(channel->append_and_wait(as_bytes("x")).ok());
  }
  auto channel = open_channel(small_options(dir.path()));
  EXPECT_TRUE(channel->recovery_events().empty());
  auto reader = channel->open_reader("main");
  EXPECT_EQ(payloads(read_all(**reader)), (std::vector<std::string>{"", "x"}));
  EXPECT_EQ(*channel->append_and_wait(as_bytes("y")), 3u);  // numbering continues
}

TEST(Channel, MultipleReadersHaveIndependentCursors) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.readers = {"a", "b"};
  {
    auto channel = open_channel(options);
    for (std::uint64_t i = 1; i <= 100; ++i)
      ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
    auto a = channel->open_reader("a");
    auto b = channel->open_reader("b");
    ASSERT_EQ(read_all(**a).size(), 100u);
    ASSERT_FALSE((*a)->ack(50));
    for (int i = 0; i < 10; ++i)
      ASSERT_TRUE(*(*b)->read());
    ASSERT_FALSE((*b)->ack(7));
    const auto stats = channel->stats();
    ASSERT_EQ(stats.readers.size(), 2u);
    EXPECT_EQ(stats.readers[0].lag_frames, 50u);
    EXPECT_EQ(stats.readers[1].lag_frames, 93u);
    EXPECT_GT(stats.readers[1].lag_bytes, stats.readers[0].lag_bytes);
  }
  auto channel = open_channel(options);
  auto a = channel->open_reader("a");
  auto b = channel->open_reader("b");
  auto fa = read_all(**a);
  auto fb = read_all(**b);
  ASSERT_EQ(fa.size(), 50u);
  EXPECT_EQ(fa.front().seq, 51u);
  ASSERT_EQ(fb.size(), 93u);
  EXPECT_EQ(fb.front().seq, 8u);
  EXPECT_EQ(as_string(fb.front().payload), record(8));
}

TEST(Channel, UnacknowledgedFramesAreDeliveredAgainAfterRewind) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  for (std::uint64_t i = 1; i <= 10; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  auto reader = channel->open_reader("main");
  ASSERT_EQ(read_all(**reader).size(), 10u);
  ASSERT_FALSE((*reader)->ack(4));
  (*reader)->rewind();
  const auto again = read_all(**reader);
  ASSERT_EQ(again.size(), 6u);
  EXPECT_EQ(again.front().seq, 5u);
}

TEST(Channel, AReaderSkipsThePayloadsItsCallerHasAndReadsTheOthers) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  std::vector<std::uint64_t> appended;
  for (std::uint64_t i = 1; i <= 6; ++i) {
    std::uint64_t seq = 0;
    ASSERT_FALSE(channel->try_append(as_bytes(record(i)), {}, &seq));
    appended.push_back(seq);
  }
  EXPECT_EQ(appended, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));  // try_append tells the number
  auto reader = channel->open_reader("main");
  std::vector<std::uint64_t> asked;
  const std::function<bool(std::uint64_t)> have = [&](std::uint64_t seq) {
    asked.push_back(seq);
    return seq % 2 == 0;  // the caller holds the even ones
  };
  Frame frame;
  for (std::uint64_t seq = 1; seq <= 6; ++seq) {
    auto got = (*reader)->read(frame, have);
    ASSERT_TRUE(got.ok() && *got);
    EXPECT_EQ(frame.seq, seq);
    if (seq % 2 == 0) {
      EXPECT_TRUE(frame.payload.empty());
    } else {
      EXPECT_EQ(as_string(frame.payload), record(seq));
    }
  }
  EXPECT_EQ(asked, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
  auto none = (*reader)->read(frame, have);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  // Skipped frames count as delivered: acknowledging them and rewinding works as for the others.
  ASSERT_FALSE((*reader)->ack(4));
  (*reader)->rewind();
  const auto again = read_all(**reader);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(as_string(again.front().payload), record(5));
}

TEST(Channel, AReaderReadsAPayloadIntoTheCallersBufferAndSkipsADamagedOne) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  for (std::uint64_t i = 1; i <= 3; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  // Damage the second payload on disk: its checksum no longer matches when it is read.
  const auto segments = testing::segment_files(dir.path());
  ASSERT_EQ(segments.size(), 1u);
  const auto bytes = testing::read_file(segments[0]);
  const std::string second = record(2);
  const auto needle = as_bytes(second);
  const auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  ASSERT_NE(at, bytes.end());
  {
    std::fstream file(segments[0], std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(at - bytes.begin() + 10);
    file.put('!');
  }
  auto reader = channel->open_reader("main");
  std::vector<std::size_t> asked;
  std::vector<std::byte> buffer;
  const Reader::PayloadBuffer into = [&](std::size_t length) {
    asked.push_back(length);
    buffer.assign(length, std::byte{0});
    return std::span<std::byte>(buffer);
  };
  Frame frame;
  auto got = (*reader)->read(frame, {}, into);
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ(frame.seq, 1u);
  EXPECT_TRUE(frame.payload.empty());
  EXPECT_EQ(as_string(buffer), record(1));
  got = (*reader)->read(frame, {}, into);  // the damaged second is skipped; the third is in the buffer
  ASSERT_TRUE(got.ok() && *got);
  EXPECT_EQ(frame.seq, 3u);
  EXPECT_EQ(as_string(buffer), record(3));
  EXPECT_EQ(asked.size(), 3u);
  EXPECT_EQ(channel->stats().corrupt_frames_skipped, 1u);
}

TEST(Channel, AckRules) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  for (std::uint64_t i = 1; i <= 3; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  auto reader = channel->open_reader("main");
  EXPECT_EQ((*reader)->ack(1), Errc::not_delivered);
  ASSERT_TRUE(*(*reader)->read());
  EXPECT_FALSE((*reader)->ack(1));
  EXPECT_FALSE((*reader)->ack(1));  // again: no-op
  EXPECT_EQ((*reader)->ack(2), Errc::not_delivered);
}

TEST(Channel, SegmentDeletedOnlyAfterEveryReaderAcknowledgedIt) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.readers = {"a", "b"};
  auto channel = open_channel(options);
  for (std::uint64_t i = 1; i <= 200; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  const auto files_before = testing::segment_files(dir.path()).size();
  ASSERT_GE(files_before, 4u);
  auto a = channel->open_reader("a");
  auto b = channel->open_reader("b");
  ASSERT_EQ(read_all(**a).size(), 200u);
  ASSERT_FALSE((*a)->ack(200));
  EXPECT_EQ(testing::segment_files(dir.path()).size(), files_before);  // b still needs them
  ASSERT_EQ(read_all(**b).size(), 200u);
  ASSERT_FALSE((*b)->ack(100));
  const auto files_mid = testing::segment_files(dir.path()).size();
  EXPECT_LT(files_mid, files_before);
  EXPECT_GT(files_mid, 1u);
  ASSERT_FALSE((*b)->ack(200));
  EXPECT_EQ(testing::segment_files(dir.path()).size(), 1u);  // the active segment stays
  EXPECT_EQ(channel->stats().segments, 1u);
  // The first frame still on disk is readable by a new reader, which starts at the oldest retained frame.
  auto c = channel->open_reader("c");
  const auto fc = read_all(**c);
  ASSERT_FALSE(fc.empty());
  EXPECT_EQ(fc.back().seq, 200u);
}

TEST(Channel, FrameLargerThanLimitIsRejected) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.max_frame_bytes = 1000;
  auto channel = open_channel(options);
  const std::string big(1001, 'x');
  EXPECT_EQ(channel->try_append(as_bytes(big), [](std::error_code, std::uint64_t) { FAIL(); }),
            Errc::frame_too_large);
  EXPECT_TRUE(channel->append_and_wait(as_bytes(std::string(1000, 'x'))).ok());
  // max_frame_bytes is capped to what fits in a segment.
  options.max_frame_bytes = 1 << 20;
  channel.reset();
  channel = open_channel(options);
  EXPECT_EQ(channel->options().max_frame_bytes, 4096u - 40 - 24);
  EXPECT_EQ(channel->append_and_wait(as_bytes(std::string(4096 - 63, 'x'))).error(), Errc::frame_too_large);
  EXPECT_TRUE(channel->append_and_wait(as_bytes(std::string(4096 - 64, 'x'))).ok());
}

TEST(Channel, InvalidOptionsAndNames) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.max_bytes = 100;
  EXPECT_EQ(Channel::open(options).error(), Errc::invalid_argument);
  options = small_options(dir.path());
  options.readers = {"bad name"};
  EXPECT_EQ(Channel::open(options).error(), Errc::invalid_argument);
  auto channel = open_channel(small_options(dir.path()));
  EXPECT_EQ(channel->open_reader("../etc").error(), Errc::invalid_argument);
}

TEST(Channel, SecondOpenOfTheSameDirectoryIsRefused) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  EXPECT_EQ(Channel::open(small_options(dir.path())).error(), Errc::locked);
  channel.reset();
  EXPECT_TRUE(Channel::open(small_options(dir.path())).ok());
}

TEST(Channel, ReaderNameIsExclusiveWhileOpen) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  auto r1 = channel->open_reader("main");
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(channel->open_reader("main").error(), Errc::reader_busy);
  EXPECT_EQ(channel->remove_reader("main"), Errc::reader_busy);
  r1->reset();
  EXPECT_TRUE(channel->open_reader("main").ok());
}

TEST(Channel, RemovedReaderNoLongerHoldsData) {
  TempDir dir;
  auto options = small_options(dir.path());
  options.readers = {"a", "gone"};
  auto channel = open_channel(options);
  for (std::uint64_t i = 1; i <= 200; ++i)
    ASSERT_TRUE(channel->append_and_wait(as_bytes(record(i))).ok());
  auto a = channel->open_reader("a");
  ASSERT_EQ(read_all(**a).size(), 200u);
  ASSERT_FALSE((*a)->ack(200));
  EXPECT_GT(channel->stats().segments, 1u);
  EXPECT_FALSE(channel->remove_reader("gone"));
  EXPECT_EQ(channel->stats().segments, 1u);
  EXPECT_FALSE(std::filesystem::exists(dir / "gone.cursor"));
  EXPECT_EQ(channel->remove_reader("gone"), Errc::no_such_reader);
}

TEST(Channel, ReaderOutlivingTheChannelGetsClosed) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path()));
  auto reader = channel->open_reader("main");
  channel.reset();
  EXPECT_EQ((*reader)->read().error(), Errc::closed);
  EXPECT_EQ((*reader)->ack(1), Errc::not_delivered);
}

class SyncPolicyTest : public ::testing::TestWithParam<SyncPolicy> {};

TEST_P(SyncPolicyTest, AppendsAreAcknowledgedAndReadable) {
  TempDir dir;
  auto options = small_options(dir.path(), GetParam());
  auto channel = open_channel(options);
  std::atomic<int> acked{0};
  std::mutex mu;
  std::set<std::uint64_t> seqs;
  for (std::uint64_t i = 1; i <= 50; ++i) {
    ASSERT_FALSE(channel->try_append(as_bytes(record(i)), [&](std::error_code ec, std::uint64_t seq) {
      EXPECT_FALSE(ec) << ec.message();
      std::lock_guard lock(mu);
      seqs.insert(seq);
      ++acked;
    }));
  }
  ASSERT_TRUE(wait_until([&] { return acked == 50; }));
  EXPECT_EQ(seqs.size(), 50u);
  EXPECT_EQ(*channel->append_and_wait(as_bytes("last")), 51u);
  auto reader = channel->open_reader("main");
  EXPECT_EQ(read_all(**reader).size(), 51u);
  EXPECT_FALSE(channel->stats().error_state);
  if (GetParam() != SyncPolicy::never) {
    EXPECT_GE(channel->stats().syncs, 1u);
  }
}

INSTANTIATE_TEST_SUITE_P(Policies, SyncPolicyTest,
                         ::testing::Values(SyncPolicy::always, SyncPolicy::interval, SyncPolicy::never),
                         [](const auto& param_info) {
                           switch (param_info.param) {
                             case SyncPolicy::always:
                               return "always";
                             case SyncPolicy::interval:
                               return "interval";
                             case SyncPolicy::never:
                               return "never";
                           }
                           return "unknown";
                         });

TEST(Channel, IntervalPolicyGroupsConcurrentAppendsIntoFewSyncs) {
  TempDir dir;
  auto options = small_options(dir.path(), SyncPolicy::interval);
  options.sync_interval = 50ms;
  options.segment_bytes = 1 << 20;
  options.max_bytes = 64 << 20;
  auto channel = open_channel(options);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::atomic<int> acked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto ec = channel->try_append(as_bytes(record(static_cast<std::uint64_t>(t * kPerThread + i))),
                                      [&](std::error_code e, std::uint64_t) {
                                        EXPECT_FALSE(e);
                                        ++acked;
                                      });
        EXPECT_FALSE(ec);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  ASSERT_TRUE(wait_until([&] { return acked == kThreads * kPerThread; }));
  const auto stats = channel->stats();
  EXPECT_LT(stats.syncs, 100u);  // 1000 appends, shared group commits
  EXPECT_EQ(stats.appended_frames, 1000u);
}

TEST(Channel, IntervalPolicyCommitsEarlyOnceSyncBytesWereAppended) {
  TempDir dir;
  auto options = small_options(dir.path(), SyncPolicy::interval);
  options.sync_interval = std::chrono::hours(1);  // only the byte threshold can start a commit in this test
  options.sync_bytes = 1000;
  options.segment_bytes = 1 << 20;
  options.max_bytes = 64 << 20;
  auto channel = open_channel(options);
  std::atomic<int> acked{0};
  const auto count = [&](std::error_code e, std::uint64_t) {
    EXPECT_FALSE(e);
    ++acked;
  };
  // The first append after opening commits at once (no commit yet); the interval then runs from it.
  ASSERT_FALSE(channel->try_append(as_bytes(std::string("first")), count));
  ASSERT_TRUE(wait_until([&] { return acked == 1; }));
  const std::string payload(600, 'x');
  ASSERT_FALSE(channel->try_append(as_bytes(payload), count));
  EXPECT_FALSE(wait_until([&] { return acked > 1; }, 100ms));   // 600 bytes: below the threshold, waits
  ASSERT_FALSE(channel->try_append(as_bytes(payload), count));  // 1200 bytes: commits
  ASSERT_TRUE(wait_until([&] { return acked == 3; }));
  auto reader = channel->open_reader("main");
  EXPECT_EQ(read_all(**reader).size(), 3u);
}

TEST(Channel, AlwaysPolicyConcurrentAppendersShareSyncs) {
  TempDir dir;
  auto options = small_options(dir.path(), SyncPolicy::always);
  options.segment_bytes = 64 << 10;
  options.max_bytes = 64 << 20;
  auto channel = open_channel(options);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto seq = channel->append_and_wait(as_bytes(record(static_cast<std::uint64_t>(t * kPerThread + i))));
        EXPECT_TRUE(seq.ok());
      }
    });
  }
  for (auto& t : threads)
    t.join();
  const auto stats = channel->stats();
  EXPECT_EQ(stats.committed_seq, 401u);
  EXPECT_LE(stats.syncs, 400u);
  auto reader = channel->open_reader("main");
  const auto frames = read_all(**reader);
  ASSERT_EQ(frames.size(), 400u);
  for (std::size_t i = 0; i < frames.size(); ++i)
    EXPECT_EQ(frames[i].seq, i + 1);
}

TEST(Channel, DataAvailableCallbackFiresAfterAnEmptyRead) {
  for (auto policy : {SyncPolicy::always, SyncPolicy::interval, SyncPolicy::never}) {
    TempDir dir;
    auto channel = open_channel(small_options(dir.path(), policy));
    auto reader = channel->open_reader("main");
    std::atomic<int> calls{0};
    (*reader)->set_data_available_callback([&] { ++calls; });
    ASSERT_FALSE((*reader)->read()->has_value());  // arms the callback
    EXPECT_FALSE((*reader)->wait_for_data(1ms));
    ASSERT_TRUE(channel->append_and_wait(as_bytes("one")).ok());
    ASSERT_TRUE(wait_until([&] { return calls.load() == 1; }));
    EXPECT_TRUE((*reader)->wait_for_data(1ms));
    ASSERT_TRUE(channel->append_and_wait(as_bytes("two")).ok());
    EXPECT_EQ(calls.load(), 1);  // not re-armed: the reader has not run dry again
    EXPECT_EQ(read_all(**reader).size(), 2u);
    ASSERT_TRUE(channel->append_and_wait(as_bytes("three")).ok());
    ASSERT_TRUE(wait_until([&] { return calls.load() == 2; }));
  }
}

TEST(Channel, ConcurrentAppendersAndReaders) {
  TempDir dir;
  auto options = small_options(dir.path(), SyncPolicy::interval);
  options.sync_interval = 2ms;
  options.readers = {"r1", "r2"};
  options.segment_bytes = 16 << 10;
  auto channel = open_channel(options);
  constexpr int kThreads = 3;
  constexpr int kPerThread = 300;
  constexpr std::size_t kTotal = kThreads * kPerThread;
  auto consume = [&](const char* name, std::vector<std::uint64_t>& seqs) {
    auto reader = channel->open_reader(name);
    ASSERT_TRUE(reader.ok());
    Frame frame;
    while (seqs.size() < kTotal) {
      auto got = (*reader)->read(frame);
      ASSERT_TRUE(got.ok());
      if (!*got) {
        (*reader)->wait_for_data(100ms);
        continue;
      }
      seqs.push_back(frame.seq);
      if (seqs.size() % 10 == 0) {
        ASSERT_FALSE((*reader)->ack(frame.seq));
      }
    }
    ASSERT_FALSE((*reader)->ack(seqs.back()));
  };
  std::vector<std::uint64_t> seen1;
  std::vector<std::uint64_t> seen2;
  std::thread c1(consume, "r1", std::ref(seen1));
  std::thread c2(consume, "r2", std::ref(seen2));
  std::vector<std::thread> producers;
  std::atomic<int> acked{0};
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string payload =
            record(static_cast<std::uint64_t>(t * 1000 + i), 50 + static_cast<std::size_t>(i % 200));
        std::error_code ec;
        while ((ec = channel->try_append(as_bytes(payload), [&](std::error_code e, std::uint64_t) {
                 EXPECT_FALSE(e);
                 ++acked;
               })) == Errc::full) {
          std::this_thread::yield();
        }
        EXPECT_FALSE(ec);
      }
    });
  }
  for (auto& p : producers)
    p.join();
  c1.join();
  c2.join();
  ASSERT_TRUE(wait_until([&] { return acked == static_cast<int>(kTotal); }));
  ASSERT_EQ(seen1.size(), kTotal);
  EXPECT_EQ(seen1, seen2);
  for (std::size_t i = 1; i < seen1.size(); ++i)
    EXPECT_LT(seen1[i - 1], seen1[i]);
  EXPECT_EQ(channel->stats().segments,
            1u);  // everything acknowledged by both: only the active segment is left
}

TEST(Channel, FlushPersistsCursorsAndSyncsUnderNeverPolicy) {
  TempDir dir;
  auto channel = open_channel(small_options(dir.path(), SyncPolicy::never));
  ASSERT_TRUE(channel->append_and_wait(as_bytes("a")).ok());
  auto reader = channel->open_reader("main");
  ASSERT_TRUE(*(*reader)->read());
  ASSERT_FALSE((*reader)->ack(1));
  EXPECT_FALSE(channel->flush());
  auto loaded = load_cursor(dir.path(), "main");
  EXPECT_EQ(loaded.status, CursorStatus::ok);
  EXPECT_EQ(loaded.cursor.next_seq, 2u);
}

}  // namespace
}  // namespace pyrolog::channel
