/* Window functions that misuse the window API: each must end in an ERROR naming the
 * function, never a crash (sql/windows.sql). */
#include <pgwasm.h>
#include <stdlib.h>

/* how: 1 rows that are not in the partition; 2 a column into memory that is not there;
 * 3 an argument the function does not have; 4 an endless loop of host calls; 5 the whole
 * partition at every row (quadratic: fuel stops it); 6 a frame into address 0 with a
 * huge cap; 7 a bad `from`; 8 memory that grows every row; 9 read a text argument at
 * another row. */
PGWASM_EXPORT(w_hostile) int64_t w_hostile(int32_t how, int64_t row) {
  pgwasm_slot s;
  switch (how) {
    case 1: return pgwasm_win_peers(0, 1000000000000LL);
    case 2: return pgwasm_win_column(0, 0, 1u << 30, (pgwasm_slot*)(uintptr_t)0xfff00000u, 0);
    case 3: return pgwasm_win_arg(7, 0, PGWASM_WIN_PARTITION, &s);
    case 4: {
      int64_t n = 0;
      for (;;) n += pgwasm_win_rows();
      return n;
    }
    case 5: {
      static pgwasm_slot buf[65536];
      int64_t n = 0;
      for (int k = 0; k < 1000; k++) n += pgwasm_win_column(0, 0, 65536, buf, 0);
      return n;
    }
    case 6: return pgwasm_win_frame(0, 0, 0, 0x7fffffffu);
    case 7: return pgwasm_win_arg(0, 0, 9, &s);
    case 8: {
      void* p = malloc(1 << 20);
      if (!p) __builtin_trap();
      ((volatile char*)p)[0] = 1;
      return row;
    }
    default: return row;
  }
}

PGWASM_EXPORT(w_text_lag) int64_t w_text_lag(const char* p, uint32_t len, int64_t row) {
  (void)p;
  (void)len;
  (void)row;
  pgwasm_slot s;
  return pgwasm_win_arg(0, -1, PGWASM_WIN_CURRENT, &s);
}

/* An ordinary (not WINDOW) function that calls the window API. */
PGWASM_EXPORT(not_a_window) int64_t not_a_window(void) { return pgwasm_win_rows(); }

/* w_far(x, pos, how): reads far away: win_arg of argument 0 at pos (how 0-3: from), or
 * win_column from pos (how 4: the number read). Positions past int are no row (2, 0). */
PGWASM_EXPORT(w_far) int64_t w_far(int64_t x, int64_t pos, int32_t how, int64_t row) {
  (void)x;
  (void)row;
  static pgwasm_slot buf[16];
  pgwasm_slot s;
  if (how == 4) return pgwasm_win_column(0, pos, 16, buf, 0);
  return pgwasm_win_arg(0, pos, how, &s);
}
