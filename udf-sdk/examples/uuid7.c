/* A UUID version 7 generator (RFC 9562): 48 bits of Unix milliseconds from the WASI
 * clock, then random bits from WASI random_get (the server's strong random source). */
#include <time.h>
#include <unistd.h>

#include <pgwasm.h>

#include <wasi/api.h>

PGWASM_EXPORT(uuid_v7) pgwasm_uuid* uuid_v7(void) {
  pgwasm_uuid* u = (pgwasm_uuid*)pgwasm_palloc(sizeof *u);
  if (!u) __builtin_trap();
  __wasi_timestamp_t ns;
  if (__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1000, &ns) != 0) __builtin_trap();
  uint64_t ms = ns / 1000000;
  for (int i = 0; i < 6; i++) u->bytes[i] = (uint8_t)(ms >> (40 - 8 * i));
  if (__wasi_random_get(u->bytes + 6, 10) != 0) __builtin_trap();
  u->bytes[6] = (uint8_t)(0x70 | (u->bytes[6] & 0x0f)); /* version 7 */
  u->bytes[8] = (uint8_t)(0x80 | (u->bytes[8] & 0x3f)); /* variant 10 */
  return u;
}

/* The Unix milliseconds a version 7 uuid was made at: its first 48 bits. */
PGWASM_EXPORT(uuid_v7_millis) int64_t uuid_v7_millis(PGWASM_UUID_ARG(u)) {
  (void)u_lo;
  return (int64_t)(u_hi >> 16);
}
