#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pyrolog {

namespace {

// A bound in the counted unit: values up to and including it fall in its bucket. A bound that is not a whole
// number of counted units (0.5 µs counted in µs) takes the whole units below it.
std::uint64_t limit_of(double bound, double scale) {
  const double x = bound / scale;
  const double r = std::round(x);
  const double whole = std::fabs(x - r) <= 1e-6 * std::max(1.0, std::fabs(x)) ? r : std::floor(x);
  if (whole <= 0) return 0;
  if (whole >= 18446744073709549568.0) return UINT64_MAX;
  return static_cast<std::uint64_t>(whole);
}

constexpr double kBatchLatencyBuckets[] = {0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                           0.0025,  0.005,   0.01,   0.025,   0.05,   0.1,
                                           0.25,    0.5,     1,      2.5,     5,      10};

}  // namespace

Histogram::Histogram(std::span<const double> bounds, double scale)
    : bounds_(bounds.begin(), bounds.end()), scale_(scale) {
  if (!(scale > 0) || !std::isfinite(scale)) throw std::invalid_argument("histogram: the scale must be > 0");
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i])) throw std::invalid_argument("histogram: a bucket bound is not finite");
    if (i > 0 && !(bounds_[i] > bounds_[i - 1]))
      throw std::invalid_argument("histogram: bucket bounds must be strictly increasing");
    limits_.push_back(limit_of(bounds_[i], scale_));
  }
  if (const double per = std::round(scale_ / 1e-9); per >= 1 && std::fabs(scale_ / 1e-9 - per) < 1e-6 * per)
    ns_per_count_ = static_cast<std::uint64_t>(per);
  sum_slot_ = bounds_.size() + 1;
  lines_per_shard_ = (sum_slot_ + 1 + kSlotsPerLine - 1) / kSlotsPerLine;
  lines_ = std::make_unique<Line[]>(kShards * lines_per_shard_);
  for (std::size_t i = 0; i < kShards * lines_per_shard_; ++i) {
    for (auto& s : lines_[i].slot)
      s.store(0, std::memory_order_relaxed);
  }
}

std::size_t Histogram::next_shard() {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) % kShards;
}

std::uint64_t Histogram::to_count_slow(std::int64_t ns) const {
  const double counted = static_cast<double>(ns) * 1e-9 / scale_;
  return counted >= 18446744073709549568.0 ? UINT64_MAX : static_cast<std::uint64_t>(counted);
}

void Histogram::add(std::size_t bucket, std::uint64_t n, std::uint64_t sum) {
  std::atomic<std::uint64_t>* shard = shard_base(this_thread_shard());
  if (n > 0) shard[std::min(bucket, bounds_.size())].fetch_add(n, std::memory_order_relaxed);
  if (sum > 0) shard[sum_slot_].fetch_add(sum, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.buckets.assign(bounds_.size() + 1, 0);
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    const std::atomic<std::uint64_t>* base = shard_base(shard);
    for (std::size_t b = 0; b < s.buckets.size(); ++b)
      s.buckets[b] += base[b].load(std::memory_order_relaxed);
    s.sum += base[sum_slot_].load(std::memory_order_relaxed);
  }
  for (const auto n : s.buckets)
    s.count += n;
  return s;
}

void LocalHistogram::flush() {
  if (!pending_) return;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    if (buckets_[b] == 0) continue;
    target_.add(b, buckets_[b], 0);
    buckets_[b] = 0;
  }
  target_.add(0, 0, sum_);
  sum_ = 0;
  pending_ = false;
}

std::span<const double> batch_latency_buckets() {
  return kBatchLatencyBuckets;
}

}  // namespace pyrolog
