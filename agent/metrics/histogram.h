#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace pyrolog {

// A Prometheus histogram with fixed buckets, chosen when it is made.
//
// Values are observed as integers in a counted unit (nanoseconds, microseconds, bytes) and exported in the
// Prometheus base unit: `scale` is the base unit per counted unit (1e-9 for nanoseconds shown in seconds).
//
// `observe` is on hot paths: it finds the bucket by a binary search over at most a few dozen integers and
// makes two relaxed atomic additions (the bucket and the sum) in a shard of its own thread. Shards sit on
// their own cache lines, so threads observing the same histogram at once do not fight over one line. The
// count is the sum of the buckets, so `_count` always equals the `+Inf` bucket; `_sum` may be a few
// observations ahead or behind of the count while a scrape reads it, as in every Prometheus client.
class Histogram {
 public:
  // `bounds`: the upper bounds (inclusive, `le`) in the exported unit, finite and strictly increasing; the
  // `+Inf` bucket is added. Throws std::invalid_argument otherwise.
  Histogram(std::span<const double> bounds, double scale);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void observe(std::uint64_t value) {
    const std::size_t bucket = bucket_of(value);
    std::atomic<std::uint64_t>* shard = shard_base(this_thread_shard());
    shard[bucket].fetch_add(1, std::memory_order_relaxed);
    shard[sum_slot_].fetch_add(value, std::memory_order_relaxed);
  }
  // A duration, counted in the unit `scale` says (nanoseconds for 1e-9, microseconds for 1e-6, ...).
  // Negative durations count as 0.
  template <typename Rep, typename Period>
  void observe(std::chrono::duration<Rep, Period> d) {
    observe(to_count(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()));
  }
  // Adds `n` observations to one bucket and `sum` to the sum at once (LocalHistogram::flush).
  void add(std::size_t bucket, std::uint64_t n, std::uint64_t sum);

  // The bucket an observation of `value` falls in: 0 .. bounds().size() (the last is `+Inf`): the first bound
  // at or above it (`le` is inclusive).
  std::size_t bucket_of(std::uint64_t value) const {
    return static_cast<std::size_t>(std::lower_bound(limits_.begin(), limits_.end(), value) -
                                    limits_.begin());
  }

  struct Snapshot {
    std::vector<std::uint64_t> buckets;  // per bucket, not cumulative; the last is `+Inf`
    std::uint64_t count = 0;
    std::uint64_t sum = 0;  // in the counted unit
  };
  Snapshot snapshot() const;

  const std::vector<double>& bounds() const { return bounds_; }
  double scale() const { return scale_; }

 private:
  static constexpr std::size_t kShards = 8;
  static constexpr std::size_t kSlotsPerLine = 8;  // 64-byte lines of 8-byte atomics
  struct alignas(64) Line {
    std::atomic<std::uint64_t> slot[kSlotsPerLine];
  };

  static std::size_t this_thread_shard() {
    thread_local const std::size_t shard = next_shard();
    return shard;
  }
  static std::size_t next_shard();
  std::atomic<std::uint64_t>* shard_base(std::size_t shard) const {
    return lines_[shard * lines_per_shard_].slot;
  }
  std::uint64_t to_count(std::int64_t ns) const {
    if (ns <= 0) return 0;
    if (ns_per_count_ > 0) return static_cast<std::uint64_t>(ns) / ns_per_count_;
    return to_count_slow(ns);
  }
  std::uint64_t to_count_slow(std::int64_t ns) const;

  std::vector<double> bounds_;
  std::vector<std::uint64_t> limits_;  // bounds_ in the counted unit
  double scale_;
  std::uint64_t ns_per_count_ = 0;  // when the counted unit is a whole number of nanoseconds
  std::size_t sum_slot_;            // after the buckets
  std::size_t lines_per_shard_;
  std::unique_ptr<Line[]> lines_;
};

// Observations gathered on one thread without atomics, added to a Histogram now and then (once per poll of a
// loop that observes per message). Holds the bucket layout of its histogram.
class LocalHistogram {
 public:
  explicit LocalHistogram(Histogram& target) : target_(target), buckets_(target.bounds().size() + 1, 0) {}

  void observe(std::uint64_t value) {
    ++buckets_[target_.bucket_of(value)];
    sum_ += value;
    pending_ = true;
  }
  // Adds what was observed to the histogram and starts again.
  void flush();

 private:
  Histogram& target_;
  std::vector<std::uint64_t> buckets_;
  std::uint64_t sum_ = 0;
  bool pending_ = false;
};

// Bucket bounds in seconds for the time a batch spends in a component: 10 µs to 10 s.
std::span<const double> batch_latency_buckets();

}  // namespace pyrolog
