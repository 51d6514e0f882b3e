/* float8[] vectors: one contiguous buffer of doubles in the guest (ABI.md, "Arrays"). */
#include <math.h>

#include <pgwasm.h>

/* Sum of the elements (NULL elements count as 0). */
PGWASM_EXPORT(vec_sum) double vec_sum(const pgwasm_array* a) {
  const double* v = pgwasm_array_data(a, const double);
  double s = 0;
  for (uint32_t i = 0; i < a->count; i++) s += v[i];
  return s;
}

/* Dot product of two vectors of the same length; NULL if the lengths differ. */
PGWASM_EXPORT(dot) double dot(const pgwasm_array* a, const pgwasm_array* b) {
  if (a->count != b->count) return pgwasm_return_null();
  const double *x = pgwasm_array_data(a, const double), *y = pgwasm_array_data(b, const double);
  double s = 0;
  for (uint32_t i = 0; i < a->count; i++) s += x[i] * y[i];
  return s;
}

/* Cosine similarity; NULL if the lengths differ, a vector is zero, or it has NULLs. */
PGWASM_EXPORT(cosine_similarity) double cosine_similarity(const pgwasm_array* a, const pgwasm_array* b) {
  if (a->count != b->count || a->nulls || b->nulls) return pgwasm_return_null();
  const double *x = pgwasm_array_data(a, const double), *y = pgwasm_array_data(b, const double);
  double xy = 0, xx = 0, yy = 0;
  for (uint32_t i = 0; i < a->count; i++) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  if (xx == 0 || yy == 0) return pgwasm_return_null();
  return xy / (sqrt(xx) * sqrt(yy));
}

/* The vector scaled to length 1 (a zero vector stays zero). */
PGWASM_EXPORT(unit_vector) pgwasm_array* unit_vector(const pgwasm_array* a) {
  pgwasm_array* r = pgwasm_array_new(a->count, 8, 0);
  if (!r) __builtin_trap();
  const double* x = pgwasm_array_data(a, const double);
  double n = 0;
  for (uint32_t i = 0; i < a->count; i++) n += x[i] * x[i];
  n = sqrt(n);
  for (uint32_t i = 0; i < a->count; i++) pgwasm_array_data(r, double)[i] = n ? x[i] / n : 0;
  return r;
}
