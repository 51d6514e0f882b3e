// Engine zone. Division by a constant as a multiplication: the magic multipliers and
// shifts of Granlund and Montgomery ("Division by invariant integers using
// multiplication", PLDI 1994) and Warren (Hacker's Delight, chapter 10), for 32- and
// 64-bit operands. Compile-time arithmetic only; x64/numeric_int.cpp emits the code.
#pragma once

#include <cstdint>
#include <type_traits>

namespace wasm {

// Unsigned n / d for 1 < d < 2^N, d not a power of two. With t = mulhi(m, n):
//   q = (t + ((n - t) >> 1)) >> (l - 1)        where l = ceil(log2 d), 1 <= l <= N
// m = floor(2^N * (2^l - d) / d) + 1 fits in N bits, and t <= n, so nothing overflows.
template <typename U>
struct UnsignedMagic {
  U m;
  unsigned l;
};
template <typename U>
UnsignedMagic<U> unsignedMagic(U d) {
  static_assert(std::is_unsigned_v<U> && (sizeof(U) == 4 || sizeof(U) == 8));
  using W = std::conditional_t<sizeof(U) == 4, uint64_t, unsigned __int128>;
  constexpr unsigned N = sizeof(U) * 8;
  unsigned l = 0;
  while (l < N && (W(1) << l) < W(d)) l++;
  W m = ((((W(1) << l) - W(d)) << N) / W(d)) + 1;
  return {U(m), l};
}

// Signed n / d (truncating) for |d| >= 2, d not plus or minus a power of two. With
// t = mulhi_signed(m, n), adding n if d > 0 and m < 0, subtracting it if d < 0 and m > 0:
//   q = (t >> s) + (1 if (t >> s) < 0)          (arithmetic shift)
// m is the multiplier as N-bit two's complement bits.
template <typename U>
struct SignedMagic {
  U m;
  unsigned s;
};
template <typename U>
SignedMagic<U> signedMagic(U dBits) {
  static_assert(std::is_unsigned_v<U> && (sizeof(U) == 4 || sizeof(U) == 8));
  constexpr unsigned N = sizeof(U) * 8;
  const U top = U(1) << (N - 1);
  bool negative = (dBits & top) != 0;
  U ad = negative ? U(0) - dBits : dBits;
  U t = top + (dBits >> (N - 1));
  U anc = t - 1 - t % ad;  // |nc|, the largest n with n % |d| == |d| - 1 in range
  unsigned p = N - 1;
  U q1 = top / anc, r1 = top - q1 * anc;  // 2^p / |nc| and its remainder
  U q2 = top / ad, r2 = top - q2 * ad;    // 2^p / |d| and its remainder
  U delta;
  do {
    p++;
    q1 = U(2 * q1);
    r1 = U(2 * r1);
    if (r1 >= anc) {
      q1++;
      r1 -= anc;
    }
    q2 = U(2 * q2);
    r2 = U(2 * r2);
    if (r2 >= ad) {
      q2++;
      r2 -= ad;
    }
    delta = ad - r2;
  } while (q1 < delta || (q1 == delta && r1 == 0));
  U m = U(q2 + 1);
  if (negative) m = U(0) - m;
  return {m, p - N};
}

}  // namespace wasm
