#include "CNACKernels.h"
#include "CPUFeatures.h"

// W (p × q) += Vᵀ C and Σ x², the two reads of Householder QR that BLAS does slowly for its
// shapes: see CNACKernels.h.
//
// Why not gemm: in a blocked QR's trailing update, W = Vᵀ C has a long inner dimension (the rows,
// thousands) and a small result (32 × the remaining columns). OpenBLAS packs all of C for it, once
// per panel, and ran it at 33.6 GF/s inside LAPACK's geqrt (5964 × 256, float64, one thread), where
// its gemm kernel on packed operands runs near 59. This kernel reads C in place: a tile of 8
// columns of V by 3 of C keeps 24 vector accumulators along the rows (8 loads feed 24 FMAs), rows
// in chunks of NAC_INNER_CHUNK so that V's chunk stays in L2 while C's columns pass, and each tile
// is reduced across lanes once per chunk. Measured 53.5 against 40.1 GF/s for OpenBLAS's dgemm on
// the first trailing update of that QR (5964 rows, 32 × 224), in one run. AVX-512 only: on the
// AVX2 machines tried for the other kernels, the register file (16 vectors) does not hold such a
// tile, and the callers use LAPACK there instead.
//
// Chunks of 2048 rows (V's chunk: 32 columns, 256 KiB in float32, 512 KiB in float64, within the
// 1 MiB L2) against 1024, in one run (C probe, one thread, 32 × 224 from 2048 rows, leading
// dimension 2304): float32 112.6 against 107.8 GF/s, float64 56.7 against 56.0; from 5964 rows
// 109.5 against 104.0 and 55.1 against 53.5 (512 rows: 97–101 and 51–54). Inside the streamed
// QR of W3's wide system at B = 256 (84 752 × 256, 2048-row chunks), float32 140.5–141.0 against
// 144.6–146.5 ms, float64 a tie (267–269 against 267–274 ms; processes alternated twice).
#define NAC_INNER_CHUNK 2048

// The portable version: the definition, for tests and for CPUs without AVX-512.
#define NAC_DEFINE_INNER_BASELINE(NAME, T)                                                            \
static void NAME(ptrdiff_t k, ptrdiff_t p, ptrdiff_t q, const T *v, ptrdiff_t ldv, const T *c,       \
                 ptrdiff_t ldc, T *w, ptrdiff_t ldw) {                                                 \
    for (ptrdiff_t j = 0; j < q; j++)                                                                  \
        for (ptrdiff_t i = 0; i < p; i++) {                                                            \
            const T *restrict x = v + i * ldv, *restrict y = c + j * ldc;                              \
            T s = 0;                                                                                   \
            for (ptrdiff_t r = 0; r < k; r++) s += x[r] * y[r];                                        \
            w[i + j * ldw] += s;                                                                       \
        }                                                                                              \
}
NAC_DEFINE_INNER_BASELINE(nac_inner_f64_baseline, double)
NAC_DEFINE_INNER_BASELINE(nac_inner_f32_baseline, float)

#define NAC_DEFINE_SQUARES_BASELINE(NAME, T)                                                          \
static T NAME(ptrdiff_t n, const T *x) {                                                              \
    T s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                                  \
    ptrdiff_t i = 0;                                                                                   \
    for (; i + 4 <= n; i += 4) { s0 += x[i] * x[i]; s1 += x[i + 1] * x[i + 1];                        \
                                 s2 += x[i + 2] * x[i + 2]; s3 += x[i + 3] * x[i + 3]; }              \
    for (; i < n; i++) s0 += x[i] * x[i];                                                              \
    return (s0 + s1) + (s2 + s3);                                                                      \
}
NAC_DEFINE_SQUARES_BASELINE(nac_squares_f64_baseline, double)
NAC_DEFINE_SQUARES_BASELINE(nac_squares_f32_baseline, float)

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include "LaneSums.h"
#define NAC_INNER_HAS_AVX512 1

// One tile: R (≤ 8) columns of V by up to 3 columns of C over kc rows, added into W. R is a
// constant at every call site, so the q < R tests fold away.
#define NAC_DEFINE_INNER_TILE(NAME, T, VEC, LANES, MASK, ZERO, LOAD, MASKLOAD, FMA, ADD_INTO)          \
NAC_AVX512 static inline __attribute__((always_inline)) void NAME(                                    \
        int R, ptrdiff_t kc, const T *v, ptrdiff_t ldv, const T *c0, const T *c1, const T *c2,       \
        int cols, T *w, ptrdiff_t ldw) {                                                               \
    VEC a[24];                                                                                         \
    for (int s = 0; s < 24; s++) a[s] = ZERO();                                                        \
    const ptrdiff_t whole = kc - kc % LANES;                                                           \
    ptrdiff_t r = 0;                                                                                   \
    for (; r < whole; r += LANES) {                                                                    \
        const VEC x0 = LOAD(c0 + r), x1 = LOAD(c1 + r), x2 = LOAD(c2 + r);                             \
        _Pragma("GCC unroll 8")                                                                        \
        for (int s = 0; s < 8; s++)                                                                    \
            if (s < R) {                                                                               \
                const VEC y = LOAD(v + s * ldv + r);                                                   \
                a[s] = FMA(y, x0, a[s]); a[8 + s] = FMA(y, x1, a[8 + s]); a[16 + s] = FMA(y, x2, a[16 + s]); \
            }                                                                                          \
    }                                                                                                  \
    if (r < kc) {                                                                                      \
        const MASK tail = (MASK)((1u << (kc - r)) - 1);                                                \
        const VEC x0 = MASKLOAD(tail, c0 + r), x1 = MASKLOAD(tail, c1 + r), x2 = MASKLOAD(tail, c2 + r); \
        for (int s = 0; s < 8; s++)                                                                    \
            if (s < R) {                                                                               \
                const VEC y = MASKLOAD(tail, v + s * ldv + r);                                         \
                a[s] = FMA(y, x0, a[s]); a[8 + s] = FMA(y, x1, a[8 + s]); a[16 + s] = FMA(y, x2, a[16 + s]); \
            }                                                                                          \
    }                                                                                                  \
    for (int j = 0; j < cols; j++) ADD_INTO(w + j * ldw, R, a + 8 * j);                                \
}

NAC_AVX512 static inline void nac_add_into_f64(double *w, int R, const __m512d *a) {
    const __mmask8 rows = (__mmask8)((1u << R) - 1);
    const __m512d sums = nac_sum_lanes8_f64(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    _mm512_mask_storeu_pd(w, rows, _mm512_add_pd(_mm512_maskz_loadu_pd(rows, w), sums));
}
NAC_AVX512 static inline void nac_add_into_f32(float *w, int R, const __m512 *a) {
    const __mmask8 rows = (__mmask8)((1u << R) - 1);
    const __m256 sums = nac_sum_lanes8_f32(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    _mm256_mask_storeu_ps(w, rows, _mm256_add_ps(_mm256_maskz_loadu_ps(rows, w), sums));
}

NAC_DEFINE_INNER_TILE(nac_inner_tile_f64, double, __m512d, 8, __mmask8, _mm512_setzero_pd, _mm512_loadu_pd,
                      _mm512_maskz_loadu_pd, _mm512_fmadd_pd, nac_add_into_f64)
NAC_DEFINE_INNER_TILE(nac_inner_tile_f32, float, __m512, 16, __mmask16, _mm512_setzero_ps, _mm512_loadu_ps,
                      _mm512_maskz_loadu_ps, _mm512_fmadd_ps, nac_add_into_f32)

// Chunks of rows, then columns of C by 3, then columns of V by 8; the switch gives each width of
// the last block of V its own unrolled tile.
#define NAC_DEFINE_INNER_AVX512(NAME, T, TILE)                                                        \
NAC_AVX512 static void NAME(ptrdiff_t k, ptrdiff_t p, ptrdiff_t q, const T *v, ptrdiff_t ldv,        \
                            const T *c, ptrdiff_t ldc, T *w, ptrdiff_t ldw) {                         \
    for (ptrdiff_t k0 = 0; k0 < k; k0 += NAC_INNER_CHUNK) {                                           \
        const ptrdiff_t kc = k - k0 < NAC_INNER_CHUNK ? k - k0 : NAC_INNER_CHUNK;                     \
        for (ptrdiff_t j = 0; j < q; j += 3) {                                                         \
            const int cols = q - j < 3 ? (int)(q - j) : 3;                                             \
            const T *c0 = c + k0 + j * ldc;                                                            \
            const T *c1 = cols > 1 ? c0 + ldc : c0, *c2 = cols > 2 ? c0 + 2 * ldc : c0;                \
            for (ptrdiff_t i = 0; i < p; i += 8) {                                                     \
                const T *vi = v + k0 + i * ldv;                                                        \
                T *wij = w + i + j * ldw;                                                              \
                switch (p - i < 8 ? p - i : 8) {                                                       \
                case 8: TILE(8, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                case 7: TILE(7, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                case 6: TILE(6, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                case 5: TILE(5, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                case 4: TILE(4, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                case 3: TILE(3, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                case 2: TILE(2, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                       \
                default: TILE(1, kc, vi, ldv, c0, c1, c2, cols, wij, ldw); break;                      \
                }                                                                                      \
            }                                                                                          \
        }                                                                                              \
    }                                                                                                  \
}
NAC_DEFINE_INNER_AVX512(nac_inner_f64_avx512, double, nac_inner_tile_f64)
NAC_DEFINE_INNER_AVX512(nac_inner_f32_avx512, float, nac_inner_tile_f32)

// Σ x² in two accumulators of LANES, a masked load for the tail.
#define NAC_DEFINE_SQUARES_AVX512(NAME, T, VEC, LANES, MASK, ZERO, LOAD, MASKLOAD, FMA, ADD, REDUCE)   \
NAC_AVX512 static T NAME(ptrdiff_t n, const T *x) {                                                   \
    VEC s0 = ZERO(), s1 = ZERO();                                                                      \
    ptrdiff_t i = 0;                                                                                   \
    for (; i + 2 * LANES <= n; i += 2 * LANES) {                                                       \
        const VEC a = LOAD(x + i), b = LOAD(x + i + LANES);                                            \
        s0 = FMA(a, a, s0); s1 = FMA(b, b, s1);                                                        \
    }                                                                                                  \
    for (; i < n; i += LANES) {                                                                        \
        const MASK m = n - i >= LANES ? (MASK)~(MASK)0 : (MASK)((1u << (n - i)) - 1);                  \
        const VEC a = MASKLOAD(m, x + i);                                                              \
        s0 = FMA(a, a, s0);                                                                            \
    }                                                                                                  \
    return REDUCE(ADD(s0, s1));                                                                        \
}
NAC_DEFINE_SQUARES_AVX512(nac_squares_f64_avx512, double, __m512d, 8, __mmask8, _mm512_setzero_pd, _mm512_loadu_pd,
                          _mm512_maskz_loadu_pd, _mm512_fmadd_pd, _mm512_add_pd, _mm512_reduce_add_pd)
NAC_DEFINE_SQUARES_AVX512(nac_squares_f32_avx512, float, __m512, 16, __mmask16, _mm512_setzero_ps, _mm512_loadu_ps,
                          _mm512_maskz_loadu_ps, _mm512_fmadd_ps, _mm512_add_ps, _mm512_reduce_add_ps)
#else
#define NAC_INNER_HAS_AVX512 0
#endif

int nac_inner_products_use_avx512(void) {
#if NAC_INNER_HAS_AVX512
    return nac_cpu_has_avx512();
#else
    return 0;
#endif
}

// The entry points: the AVX-512 version when asked for and the CPU has it, the plain loop otherwise.
#if NAC_INNER_HAS_AVX512
#define NAC_WHEN_AVX512(STATEMENT) if (avx512 && nac_cpu_has_avx512()) { STATEMENT; }
#else
#define NAC_WHEN_AVX512(STATEMENT)
#endif
#define NAC_DEFINE_INNER_ENTRIES(T, SUFFIX)                                                           \
void nac_column_inner_products_##SUFFIX##_variant(int avx512, ptrdiff_t k, ptrdiff_t p, ptrdiff_t q,  \
                                                  const T *v, ptrdiff_t ldv, const T *c, ptrdiff_t ldc, \
                                                  T *w, ptrdiff_t ldw) {                               \
    NAC_WHEN_AVX512(nac_inner_##SUFFIX##_avx512(k, p, q, v, ldv, c, ldc, w, ldw); return)              \
    (void)avx512;                                                                                      \
    nac_inner_##SUFFIX##_baseline(k, p, q, v, ldv, c, ldc, w, ldw);                                    \
}                                                                                                      \
T nac_sum_of_squares_##SUFFIX##_variant(int avx512, ptrdiff_t n, const T *x) {                         \
    NAC_WHEN_AVX512(return nac_squares_##SUFFIX##_avx512(n, x))                                        \
    (void)avx512;                                                                                      \
    return nac_squares_##SUFFIX##_baseline(n, x);                                                      \
}
NAC_DEFINE_INNER_ENTRIES(double, f64)
NAC_DEFINE_INNER_ENTRIES(float, f32)
