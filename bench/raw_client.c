// The ceiling of the binding-overhead benchmark: a plain C client of the TIM C ABI.
//
// Loads a TIM library with dlopen, TIMSetConfig (log off the console), TIMInit without login, then
// keeps W TIMGetUserStatus calls in flight until N have completed. Every call is answered 6014 by
// the SDK on one of its own threads; the callback only queues the call's index, and the main thread
// (the "caller's thread", as the JS thread is for the Node candidates) drains the queue, records
// the latency and issues the next call. Prints one line `BENCH-RESULT {json}` on stdout, then
// TIMUninit and returns from main; the runner decides whether the process exited by itself.
//
// SAFETY: the vendor library connects to the internet when initialised. Run only as
// `unshare -n ./raw_client ...` (the runner does).
//
// usage: raw_client <library> <n> <window, 0 = unbounded> <warmup> <work dir>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "../native/include/tim_c_api.h"

static TIMJsonCallFn get_user_status;

// Per-call bookkeeping is kept in rings of at most kMaxSlots entries, indexed by call index modulo
// the ring size, so that the client's own memory does not grow with the number of calls (the
// memory part compares RSS after 100,000 and 1,000,000 calls). A call's slot is reused only after
// kMaxSlots later calls were issued, far more than any window in flight here; with more calls
// than that, the latency percentiles cover the last kMaxSlots calls.
enum { kMaxSlots = 131072 };

// Completion ring: each call pushes its index exactly once; at most `window` are unconsumed.
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static int32_t* queue;
static size_t queue_slots;
static size_t queue_pushed;
static int main_waiting;
static long unexpected_codes;
static pthread_t main_thread;
static long callbacks_on_main_thread;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Foreign thread (an SDK thread).
static void on_result(int32_t code, const char* desc, const char* json, const void* user_data) {
  (void)desc;
  (void)json;
  pthread_mutex_lock(&queue_lock);
  if (code != 6014) unexpected_codes++;
  if (pthread_equal(pthread_self(), main_thread)) callbacks_on_main_thread++;
  queue[queue_pushed++ % queue_slots] = (int32_t)(intptr_t)user_data;
  if (main_waiting) pthread_cond_signal(&queue_cond);
  pthread_mutex_unlock(&queue_lock);
}

static int compare_doubles(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

typedef struct {
  double seconds;
  double p50_us;
  double p99_us;
  long refused;
} phase_result;

// Main thread. Runs n calls with `window` in flight (0 = issue all at once) and measures them.
static phase_result run_phase(size_t n, size_t window, size_t slots, double* started,
                              double* latency) {
  static const char kJson[] = "[\"u1\"]";
  phase_result r = {0, 0, 0, 0};
  size_t issued = 0, consumed = 0;
  if (window == 0 || window > n) window = n;
  pthread_mutex_lock(&queue_lock);
  queue_pushed = 0;
  pthread_mutex_unlock(&queue_lock);
  double t0 = now_seconds();
  while (consumed < n) {
    while (issued < n && issued - consumed < window) {
      started[issued % slots] = now_seconds();
      if (get_user_status(kJson, on_result, (const void*)(intptr_t)issued) != 0) {
        // Refused synchronously: the callback will not come; count it as completed now.
        r.refused++;
        pthread_mutex_lock(&queue_lock);
        queue[queue_pushed++ % queue_slots] = (int32_t)issued;
        pthread_mutex_unlock(&queue_lock);
      }
      issued++;
    }
    pthread_mutex_lock(&queue_lock);
    while (queue_pushed == consumed) {
      main_waiting = 1;
      pthread_cond_wait(&queue_cond, &queue_lock);
      main_waiting = 0;
    }
    size_t available = queue_pushed;
    pthread_mutex_unlock(&queue_lock);
    double t = now_seconds();
    for (; consumed < available; consumed++) {
      size_t slot = (size_t)queue[consumed % queue_slots] % slots;
      latency[slot] = t - started[slot];
    }
  }
  r.seconds = now_seconds() - t0;
  size_t measured = n < slots ? n : slots;
  qsort(latency, measured, sizeof(double), compare_doubles);
  r.p50_us = latency[(size_t)(0.50 * (double)(measured - 1))] * 1e6;
  r.p99_us = latency[(size_t)(0.99 * (double)(measured - 1))] * 1e6;
  return r;
}

static void* need(void* lib, const char* name) {
  void* f = dlsym(lib, name);
  if (!f) {
    fprintf(stderr, "raw_client: missing symbol %s\n", name);
    exit(2);
  }
  return f;
}

static double cpu_seconds(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: raw_client <library> <n> <window> <warmup> <work dir>\n");
    return 2;
  }
  const char* path = argv[1];
  size_t n = strtoul(argv[2], NULL, 10);
  size_t window = strtoul(argv[3], NULL, 10);
  size_t warmup = strtoul(argv[4], NULL, 10);
  const char* dir = argv[5];
  main_thread = pthread_self();

  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "raw_client: dlopen: %s\n", dlerror());
    return 2;
  }
  TIMSetConfigFn set_config = (TIMSetConfigFn)need(lib, "TIMSetConfig");
  TIMInitFn init = (TIMInitFn)need(lib, "TIMInit");
  TIMUninitFn uninit = (TIMUninitFn)need(lib, "TIMUninit");
  TIMGetSDKVersionFn version = (TIMGetSDKVersionFn)need(lib, "TIMGetSDKVersion");
  get_user_status = (TIMJsonCallFn)need(lib, "TIMGetUserStatus");

  if ((window == 0 || window > kMaxSlots / 2) && (n > kMaxSlots || warmup > kMaxSlots)) {
    fprintf(stderr, "raw_client: more than %d calls need a window of at most %d\n", kMaxSlots,
            kMaxSlots / 2);
    return 2;
  }
  size_t slots = n > warmup ? n : warmup;
  if (slots > kMaxSlots) slots = kMaxSlots;
  // At most `window` completions wait to be consumed (all n when unbounded).
  queue_slots = window == 0 || window > slots ? slots : window;
  queue = malloc(queue_slots * sizeof(int32_t));
  double* started = malloc(slots * sizeof(double));
  double* latency = malloc(slots * sizeof(double));
  if (!queue || !started || !latency) return 2;

  set_config("{\"set_config_is_log_output_console\":false}", NULL, NULL);
  char config[4096];
  snprintf(config, sizeof config,
           "{\"sdk_config_config_file_path\":\"%s\",\"sdk_config_log_file_path\":\"%s\"}", dir,
           dir);
  int init_rc = init(1400000001ULL, config);
  if (init_rc != 0) {
    fprintf(stderr, "raw_client: TIMInit returned %d\n", init_rc);
    return 3;
  }

  if (warmup > 0) run_phase(warmup, window, slots, started, latency);
  double cpu0 = cpu_seconds();
  phase_result r = run_phase(n, window, slots, started, latency);
  double cpu = cpu_seconds() - cpu0;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);

  printf(
      "BENCH-RESULT {\"n\":%zu,\"window\":%zu,\"seconds\":%.6f,\"callsPerSec\":%.1f,"
      "\"p50us\":%.2f,\"p99us\":%.2f,\"maxRssKb\":%ld,\"cpuUsPerCall\":%.3f,"
      "\"unexpected\":%ld,\"refused\":%ld,\"callbacksOnCallerThread\":%ld,"
      "\"sdkVersion\":\"%s\"}\n",
      n, window, r.seconds, (double)n / r.seconds, r.p50_us, r.p99_us, ru.ru_maxrss,
      cpu * 1e6 / (double)n, unexpected_codes, r.refused, callbacks_on_main_thread, version());
  fflush(stdout);
  uninit();
  return 0;
}
