/* Times native EPANET for the benchmarks' reference columns (never part of heatnet; built by
 * benchmarks/end_to_end.py and benchmarks/speed_targets.py against the EPANET found through
 * HEATNET_EPANET_NATIVE).
 *   epanet_native_time parse REPEATS FILE.inp...
 *     EN_open (parse the .inp and build EPANET's network), next to heatnet's read + build:
 *     one JSON line per file, median parse_s and the link count.
 *   epanet_native_time solve REPEATS FILE.inp...
 *     medians, after one untimed run, of setup_s (EN_openH + EN_initH: EPANET's matrix
 *     ordering and symbolic factorisation) and solve_s (EN_runH at t = 0, the duration set to
 *     0: one steady period), EPANET's trials and its accuracy figure. Parsing is not timed:
 *     heatnet's solve time excludes its parser too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof(double), by_value);
  return v[n / 2];
}

static void time_parse(const char* file, int repeats, double* parse) {
  int err = 0, links = 0;
  for (int r = 0; r < repeats; ++r) {
    EN_Project ph;
    EN_createproject(&ph);
    const double t0 = now_s();
    err = EN_open(ph, file, "/dev/null", "");
    parse[r] = now_s() - t0;
    if (err <= 100) EN_getcount(ph, EN_LINKCOUNT, &links);
    EN_close(ph);
    EN_deleteproject(ph);
  }
  printf("{\"file\": \"%s\", \"error\": %d, \"links\": %d, \"parse_s\": %.9f}\n", file, err, links,
         median(parse, repeats));
}

/* Repetition -1 is not timed (its figures are overwritten): a process's first solves of a
 * network run slower than later ones, as heatnet_bench_epanet's do (see its time_solves). */
static void time_solve(const char* file, int repeats, double* setup, double* solve) {
  int err = 0;
  double trials = 0, accuracy = 0;
  for (int r = -1; r < repeats; ++r) {
    EN_Project ph;
    long t = 0;
    EN_createproject(&ph);
    err = EN_open(ph, file, "/dev/null", "");
    if (err <= 100) err = EN_settimeparam(ph, EN_DURATION, 0);
    const double t0 = now_s();
    if (err <= 100) err = EN_openH(ph);
    if (err <= 100) err = EN_initH(ph, EN_NOSAVE);
    const double t1 = now_s();
    if (err <= 100) err = EN_runH(ph, &t);
    const double t2 = now_s();
    setup[r < 0 ? 0 : r] = t1 - t0;
    solve[r < 0 ? 0 : r] = t2 - t1;
    EN_getstatistic(ph, EN_ITERATIONS, &trials);
    EN_getoption(ph, EN_ACCURACY, &accuracy);
    EN_closeH(ph);
    EN_close(ph);
    EN_deleteproject(ph);
  }
  printf("{\"file\": \"%s\", \"error\": %d, \"setup_s\": %.9f, \"solve_s\": %.9f, "
         "\"trials\": %.0f, \"accuracy\": %g}\n",
         file, err, median(setup, repeats), median(solve, repeats), trials, accuracy);
}

int main(int argc, char** argv) {
  const int parse = argc >= 2 && strcmp(argv[1], "parse") == 0;
  const int solve = argc >= 2 && strcmp(argv[1], "solve") == 0;
  if (argc < 4 || !(parse || solve)) {
    fprintf(stderr, "usage: epanet_native_time parse|solve REPEATS FILE.inp...\n");
    return 2;
  }
  const int repeats = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
  double* a = malloc(sizeof(double) * (size_t)repeats);
  double* b = malloc(sizeof(double) * (size_t)repeats);
  for (int f = 3; f < argc; ++f) {
    if (parse) time_parse(argv[f], repeats, a);
    else time_solve(argv[f], repeats, a, b);
  }
  free(a);
  free(b);
  return 0;
}
