/* bytea in and out. */
#include <pgwasm.h>

/* CRC-32 (IEEE 802.3, as zlib's crc32) of the bytes. Returned as bigint: it is unsigned. */
PGWASM_EXPORT(crc32) int64_t crc32(const uint8_t* p, uint32_t len) {
  static uint32_t table[256];
  if (!table[1]) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
  }
  uint32_t c = 0xFFFFFFFFu;
  for (uint32_t i = 0; i < len; i++) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return (int64_t)(c ^ 0xFFFFFFFFu);
}

/* The bytes XORed with a one-byte key. */
PGWASM_EXPORT(xor_bytes) pgwasm_result xor_bytes(const uint8_t* p, uint32_t len, int32_t key) {
  uint8_t* out = (uint8_t*)pgwasm_result_buffer(len);
  if (!out && len) __builtin_trap();
  for (uint32_t i = 0; i < len; i++) out[i] = p[i] ^ (uint8_t)key;
  return pgwasm_return_bytes(out, len);
}

/* Length of the argument, so tests can pass values of many megabytes. */
PGWASM_EXPORT(byte_length) int64_t byte_length(const uint8_t* p, uint32_t len) {
  (void)p;
  return len;
}
