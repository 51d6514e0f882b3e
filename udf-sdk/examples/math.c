/* Scalar math examples: integers and floats are passed to and returned from Wasm
 * directly (int2/int4/bool -> i32, int8 -> i64, float4 -> f32, float8 -> f64). */
#include <math.h>
#include <stdint.h>

#include <pgwasm.h>

#define EXPORT(name) PGWASM_EXPORT(name)

EXPORT(add) int32_t add(int32_t a, int32_t b) { return a + b; }

EXPORT(add_one) int64_t add_one(int64_t x) { return x + 1; }

/* Great-circle distance in kilometres between two points given in degrees. */
EXPORT(haversine) double haversine(double lat1, double lon1, double lat2, double lon2) {
  const double r = 6371.0088, d = M_PI / 180.0;
  double dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d;
  double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2);
  return 2 * r * asin(sqrt(a));
}

/* Number of Collatz steps from n down to 1. */
EXPORT(collatz) int32_t collatz(int64_t n) {
  int32_t steps = 0;
  while (n > 1) {
    n = (n & 1) ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}
