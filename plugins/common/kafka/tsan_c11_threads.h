#pragma once

// ThreadSanitizer builds only: librdkafka creates its threads and locks its mutexes with C11 <threads.h>
// (thrd_create, mtx_lock, cnd_wait, ...). glibc implements those by calling its internal pthread functions,
// which GCC 12's ThreadSanitizer does not intercept, so the sanitizer knows neither the threads (their first
// malloc crashes: "SEGV ... SizeClassAllocator64LocalCache::Allocate") nor their synchronisation. These
// definitions, in the executable, take the place of glibc's for librdkafka (the dynamic linker prefers the
// executable's symbols, also for librdkafka's versioned references) and go through the intercepted pthread
// functions. They are weak, so that the sink and the source may both include this file (and another
// definition wins over these). glibc's C11 types have the layout of the pthread ones (glibc's own functions
// cast them the same way).
#if defined(__SANITIZE_THREAD__)

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>
#include <time.h>

namespace pyrolog_tsan {
struct ThreadStart {
  thrd_start_t function;
  void* argument;
};
inline void* start_thread(void* p) {
  const ThreadStart start = *static_cast<ThreadStart*>(p);
  free(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.function(start.argument)));
}
inline int result(int pthread_error) {
  if (pthread_error == 0) return thrd_success;
  if (pthread_error == ETIMEDOUT) return thrd_timedout;
  if (pthread_error == EBUSY) return thrd_busy;
  if (pthread_error == ENOMEM || pthread_error == EAGAIN) return thrd_nomem;
  return thrd_error;
}
}  // namespace pyrolog_tsan

extern "C" {

__attribute__((weak)) int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  auto* start = static_cast<pyrolog_tsan::ThreadStart*>(malloc(sizeof(pyrolog_tsan::ThreadStart)));
  if (start == nullptr) return thrd_nomem;
  start->function = function;
  start->argument = argument;
  pthread_t id;
  const int error = pthread_create(&id, nullptr, &pyrolog_tsan::start_thread, start);
  if (error != 0) {
    free(start);
    return pyrolog_tsan::result(error);
  }
  *thread = id;
  return thrd_success;
}

__attribute__((weak)) int thrd_join(thrd_t thread, int* value) {
  void* returned = nullptr;
  const int error = pthread_join(thread, &returned);
  if (error == 0 && value != nullptr) *value = static_cast<int>(reinterpret_cast<intptr_t>(returned));
  return pyrolog_tsan::result(error);
}

__attribute__((weak)) int mtx_init(mtx_t* mutex, int type) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  if ((type & mtx_recursive) != 0) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  const int error = pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(mutex), &attributes);
  pthread_mutexattr_destroy(&attributes);
  return pyrolog_tsan::result(error);
}
__attribute__((weak)) int mtx_lock(mtx_t* mutex) {
  return pyrolog_tsan::result(pthread_mutex_lock(reinterpret_cast<pthread_mutex_t*>(mutex)));
}
__attribute__((weak)) int mtx_trylock(mtx_t* mutex) {
  return pyrolog_tsan::result(pthread_mutex_trylock(reinterpret_cast<pthread_mutex_t*>(mutex)));
}
__attribute__((weak)) int mtx_timedlock(mtx_t* __restrict mutex, const struct timespec* __restrict until) {
  return pyrolog_tsan::result(pthread_mutex_timedlock(reinterpret_cast<pthread_mutex_t*>(mutex), until));
}
__attribute__((weak)) int mtx_unlock(mtx_t* mutex) {
  return pyrolog_tsan::result(pthread_mutex_unlock(reinterpret_cast<pthread_mutex_t*>(mutex)));
}
__attribute__((weak)) void mtx_destroy(mtx_t* mutex) {
  pthread_mutex_destroy(reinterpret_cast<pthread_mutex_t*>(mutex));
}

__attribute__((weak)) int cnd_init(cnd_t* cond) {
  return pyrolog_tsan::result(pthread_cond_init(reinterpret_cast<pthread_cond_t*>(cond), nullptr));
}
__attribute__((weak)) int cnd_signal(cnd_t* cond) {
  return pyrolog_tsan::result(pthread_cond_signal(reinterpret_cast<pthread_cond_t*>(cond)));
}
__attribute__((weak)) int cnd_broadcast(cnd_t* cond) {
  return pyrolog_tsan::result(pthread_cond_broadcast(reinterpret_cast<pthread_cond_t*>(cond)));
}
__attribute__((weak)) int cnd_wait(cnd_t* cond, mtx_t* mutex) {
  return pyrolog_tsan::result(
      pthread_cond_wait(reinterpret_cast<pthread_cond_t*>(cond), reinterpret_cast<pthread_mutex_t*>(mutex)));
}
__attribute__((weak)) int cnd_timedwait(cnd_t* __restrict cond, mtx_t* __restrict mutex,
                                        const struct timespec* __restrict until) {
  return pyrolog_tsan::result(pthread_cond_timedwait(reinterpret_cast<pthread_cond_t*>(cond),
                                                     reinterpret_cast<pthread_mutex_t*>(mutex), until));
}
__attribute__((weak)) void cnd_destroy(cnd_t* cond) {
  pthread_cond_destroy(reinterpret_cast<pthread_cond_t*>(cond));
}

__attribute__((weak)) void call_once(once_flag* flag, void (*function)(void)) {
  pthread_once(reinterpret_cast<pthread_once_t*>(flag), function);
}

// librdkafka itself is not instrumented: its atomics (reference counts of fetched buffers, of messages) are
// invisible to the sanitizer, which then reports a free on a librdkafka thread as racing with an earlier read
// of the same buffer elsewhere. Reports with a librdkafka frame in them are left out; races between our own
// threads are still reported (and AddressSanitizer covers use-after-free with librdkafka's memory).
__attribute__((weak)) const char* __tsan_default_suppressions() {
  return "race:librdkafka.so\n"
         "deadlock:librdkafka.so\n";
}

}  // extern "C"

#endif  // __SANITIZE_THREAD__
