/* Times native EPANET's hydraulic setup and steady solve for the speed targets
 * (benchmarks/speed_targets.py), the reference column next to heatnet's solve. Built by that
 * script against the EPANET found through HEATNET_EPANET_NATIVE (never part of heatnet).
 *   epanet_native_solve REPEATS FILE.inp...
 * Per file one JSON line: medians of setup_s (EN_openH + EN_initH: EPANET's matrix ordering
 * and symbolic factorisation) and solve_s (EN_runH at t = 0, the duration set to 0: one steady
 * period), EPANET's trials of that solve and its accuracy figure. Parsing (EN_open) is not
 * timed: heatnet's solve time excludes its parser too. */
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
    fprintf(stderr, "usage: epanet_native_solve REPEATS FILE.inp...\n");
    return 2;
  }
  const int repeats = atoi(argv[1]) > 0 ? atoi(argv[1]) : 1;
  double* setup = malloc(sizeof(double) * (size_t)repeats);
  double* solve = malloc(sizeof(double) * (size_t)repeats);
  for (int f = 2; f < argc; ++f) {
    int err = 0;
    double trials = 0, accuracy = 0;
    for (int r = 0; r < repeats; ++r) {
      EN_Project ph;
      long t = 0;
      EN_createproject(&ph);
      err = EN_open(ph, argv[f], "/dev/null", "");
      if (err <= 100) err = EN_settimeparam(ph, EN_DURATION, 0);
      const double t0 = now_s();
      if (err <= 100) err = EN_openH(ph);
      if (err <= 100) err = EN_initH(ph, EN_NOSAVE);
      const double t1 = now_s();
      if (err <= 100) err = EN_runH(ph, &t);
      const double t2 = now_s();
      setup[r] = t1 - t0;
      solve[r] = t2 - t1;
      EN_getstatistic(ph, EN_ITERATIONS, &trials);
      EN_getoption(ph, EN_ACCURACY, &accuracy);
      EN_closeH(ph);
      EN_close(ph);
      EN_deleteproject(ph);
    }
    qsort(setup, (size_t)repeats, sizeof(double), by_value);
    qsort(solve, (size_t)repeats, sizeof(double), by_value);
    printf("{\"file\": \"%s\", \"error\": %d, \"setup_s\": %.9f, \"solve_s\": %.9f, "
           "\"trials\": %.0f, \"accuracy\": %g}\n",
           argv[f], err, setup[repeats / 2], solve[repeats / 2], trials, accuracy);
  }
  free(setup);
  free(solve);
  return 0;
}
