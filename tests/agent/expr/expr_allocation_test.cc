// Evaluating a compiled expression allocates nothing (after a thread's first regex match made its match
// block). Replaces the global operator new for this binary to count the allocations of the current thread.

#include <cstddef>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

#include "expr_test_util.h"

namespace {
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace pyrolog::expr {
namespace {

TEST(ExprAllocationTest, EvaluatingAllocatesNothing) {
  const Expression x = test::compiled(
      "(status >= 500 or level in ('ERROR', 'FATAL')) and path !~ /^\\/health/ and not exists(tags.x) and "
      "took > 1.5 and message =~ /GET/i and @timestamp > 0 and status_text == 503 and flag");
  Batch batch;
  Event& e = batch.add_event(5, batch.store("GET /api"));
  batch.append(e, "status", Value::integer(503));
  batch.append(e, "status_text", Value::string("503"));
  batch.append(e, "level", Value::string("ERROR"));
  batch.append(e, "path", Value::string("/api/v1"));
  batch.append(e, "took", Value::floating(2.0));
  batch.append(e, "flag", Value::boolean(true));
  EvalStats stats;
  EXPECT_TRUE(x.evaluate(batch, e, &stats));  // warm up: this thread's regex match block
  const std::size_t before = allocations;
  std::size_t true_count = 0;
  for (int i = 0; i < 10000; ++i)
    true_count += x.evaluate(batch, e, &stats) ? 1u : 0u;
  EXPECT_EQ(allocations - before, 0u);
  EXPECT_EQ(true_count, 10000u);
}

}  // namespace
}  // namespace pyrolog::expr
