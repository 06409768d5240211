/* Times native EPANET's own reader (EN_open: parse the .inp and build its network) for the
 * end-to-end benchmark's reference column. Built by benchmarks/end_to_end.py against the
 * EPANET found through HEATNET_EPANET_NATIVE (never part of heatnet).
 *   epanet_native_parse REPEATS FILE.inp...   prints one JSON line per file: median seconds */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "epanet2_2.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int by_value(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: epanet_native_parse REPEATS FILE.inp...\n");
    return 2;
  }
  const int repeats = atoi(argv[1]) > 0 ? atoi(argv[1]) : 1;
  double* times = malloc(sizeof(double) * (size_t)repeats);
  for (int f = 2; f < argc; ++f) {
    int err = 0, links = 0;
    for (int r = 0; r < repeats; ++r) {
      EN_Project ph;
      EN_createproject(&ph);
      const double t0 = now_s();
      err = EN_open(ph, argv[f], "/dev/null", "");
      times[r] = now_s() - t0;
      if (err <= 100) EN_getcount(ph, EN_LINKCOUNT, &links);
      EN_close(ph);
      EN_deleteproject(ph);
    }
    qsort(times, (size_t)repeats, sizeof(double), by_value);
    printf("{\"file\": \"%s\", \"error\": %d, \"links\": %d, \"parse_s\": %.9f}\n", argv[f], err,
           links, times[repeats / 2]);
  }
  free(times);
  return 0;
}
