// How long this machine takes to wake a sleeping thread and be woken back: the round trip that
// every callback of a binding that blocks the calling thread pays (koffi runs a callback that
// arrives on a foreign thread by queueing it to the JS thread and blocking that thread until it
// has run). The wake is the same pair as there: the calling thread writes an eventfd that the
// other thread sleeps on in epoll_wait (as libuv's event loop does), then sleeps on a condition
// variable that the other thread signals once it has read the eventfd.
//
// Loads no TIM library. Prints one line `BENCH-RESULT {json}`: the median and the 99th percentile
// of `n` round trips in µs, after `warmup` unmeasured ones.
//
// usage: wake_rtt <n> <warmup>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static int wake_fd;
static int epoll_fd;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t answered_cond = PTHREAD_COND_INITIALIZER;
static int answered;  // guarded by lock
static int stopping;  // guarded by lock

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

// The woken thread: sleeps in epoll_wait until the eventfd is written, then wakes the caller.
static void* answer_loop(void* unused) {
  (void)unused;
  for (;;) {
    struct epoll_event ev;
    if (epoll_wait(epoll_fd, &ev, 1, -1) != 1) continue;
    uint64_t count;
    if (read(wake_fd, &count, sizeof count) != sizeof count) continue;
    pthread_mutex_lock(&lock);
    int stop = stopping;
    answered = 1;
    pthread_cond_signal(&answered_cond);
    pthread_mutex_unlock(&lock);
    if (stop) return NULL;
  }
}

// One round trip from the calling thread: wake the other thread, sleep until it answers.
static double round_trip(void) {
  double start = now_us();
  uint64_t one = 1;
  if (write(wake_fd, &one, sizeof one) != sizeof one) abort();
  pthread_mutex_lock(&lock);
  while (!answered) pthread_cond_wait(&answered_cond, &lock);
  answered = 0;
  pthread_mutex_unlock(&lock);
  return now_us() - start;
}

static int compare_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wake_rtt <n> <warmup>\n");
    return 2;
  }
  int n = atoi(argv[1]);
  int warmup = atoi(argv[2]);
  if (n <= 0 || warmup < 0) return 2;
  wake_fd = eventfd(0, 0);
  epoll_fd = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data = {.fd = wake_fd}};
  if (wake_fd < 0 || epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) != 0) return 1;
  pthread_t thread;
  if (pthread_create(&thread, NULL, answer_loop, NULL) != 0) return 1;

  double* times = malloc(sizeof(double) * (size_t)n);
  if (!times) return 1;
  for (int i = 0; i < warmup; i++) round_trip();
  for (int i = 0; i < n; i++) times[i] = round_trip();

  pthread_mutex_lock(&lock);
  stopping = 1;
  pthread_mutex_unlock(&lock);
  round_trip();
  pthread_join(thread, NULL);

  qsort(times, (size_t)n, sizeof(double), compare_double);
  printf("BENCH-RESULT {\"n\":%d,\"p50us\":%.2f,\"p99us\":%.2f}\n", n, times[n / 2], times[(int)((n - 1) * 0.99)]);
  free(times);
  return 0;
}
