#include "CNACKernels.h"
#include "CPUFeatures.h"

// out (k × n) = C (k × m) · A (m × n): see CNACKernels.h.
//
// A is read once (for k ≤ 3): column blocks of NAC_FEW_BLOCK_BYTES per output row, and within a
// block, for each group of up to three output rows, eight rows of A per sweep, each loaded element
// feeding all the group's accumulators (which stay in L2: 3 × 64 KiB). `restrict` tells the
// compiler the rows do not overlap so that it vectorises the sweeps.
//
// Eight rows per sweep and 64 KiB blocks against four rows and 2048-element blocks (the previous
// version), medians in one run (C probe, AVX2 + FMA, one thread), float32 / float64:
// k = 3 on 256 × 84 496 (W3's scores at B = 256) 5.64 → 3.87 / 9.92 → 7.96 ms, k = 2 there 5.61 → 3.63
// / 9.37 → 7.33, k = 3 on 1024 × 5708 0.70 → 0.56 / 2.59 → 1.65 and on 1024 × 84 496 25.9 → 17.7 /
// 43.0 → 33.6 (block 16 384 in float64 was 3–8 % faster still, but 384 KiB per group of three
// would leave a 512 KiB L2); sixteen rows per sweep ran 3–4× slower (the sweep no longer fits the
// registers). OpenBLAS gemv, once per output row, took 6.3 / 17.0 ms for k = 2 at W3's shape.
#define NAC_FEW_BLOCK_BYTES 65536

// Σ_{j<8} c_j x_j[i] as a tree of sums.
#define NAC_FEW_SUM8(C, I)                                                                            \
    (((C[0] * x0[I] + C[1] * x1[I]) + (C[2] * x2[I] + C[3] * x3[I]))                                 \
     + ((C[4] * x4[I] + C[5] * x5[I]) + (C[6] * x6[I] + C[7] * x7[I])))

#define NAC_DEFINE_FEW(NAME, T, ATTRIBUTES)                                                           \
ATTRIBUTES static void NAME(ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const T *c, const T *a,            \
                            ptrdiff_t lda, T *out) {                                                   \
    const ptrdiff_t block = NAC_FEW_BLOCK_BYTES / (ptrdiff_t)sizeof(T);                                \
    for (ptrdiff_t i = 0; i < k * n; i++) out[i] = 0;                                                  \
    for (ptrdiff_t start = 0; start < n; start += block) {                                             \
        const ptrdiff_t width = n - start < block ? n - start : block;                                 \
        for (ptrdiff_t q0 = 0; q0 < k; q0 += 3) {                                                      \
            const ptrdiff_t g = k - q0 < 3 ? k - q0 : 3;                                               \
            const ptrdiff_t q1 = q0 + (g > 1 ? 1 : 0), q2 = q0 + (g > 2 ? 2 : 0);                      \
            T *restrict o0 = out + q0 * n + start;                                                     \
            T *restrict o1 = out + q1 * n + start;                                                     \
            T *restrict o2 = out + q2 * n + start;                                                     \
            ptrdiff_t r = 0;                                                                           \
            for (; r + 8 <= m; r += 8) {                                                               \
                const T *restrict x0 = a + r * lda + start, *restrict x1 = x0 + lda;                   \
                const T *restrict x2 = x1 + lda, *restrict x3 = x2 + lda;                              \
                const T *restrict x4 = x3 + lda, *restrict x5 = x4 + lda;                              \
                const T *restrict x6 = x5 + lda, *restrict x7 = x6 + lda;                              \
                T c0[8], c1[8], c2[8];                                                                 \
                for (int j = 0; j < 8; j++) {                                                          \
                    c0[j] = c[q0 * m + r + j]; c1[j] = c[q1 * m + r + j]; c2[j] = c[q2 * m + r + j];   \
                }                                                                                      \
                if (g == 3) {                                                                          \
                    for (ptrdiff_t i = 0; i < width; i++) {                                            \
                        o0[i] += NAC_FEW_SUM8(c0, i); o1[i] += NAC_FEW_SUM8(c1, i); o2[i] += NAC_FEW_SUM8(c2, i); \
                    }                                                                                  \
                } else if (g == 2) {                                                                   \
                    for (ptrdiff_t i = 0; i < width; i++) {                                            \
                        o0[i] += NAC_FEW_SUM8(c0, i); o1[i] += NAC_FEW_SUM8(c1, i);                    \
                    }                                                                                  \
                } else {                                                                               \
                    for (ptrdiff_t i = 0; i < width; i++) o0[i] += NAC_FEW_SUM8(c0, i);               \
                }                                                                                      \
            }                                                                                          \
            for (; r < m; r++) {                                                                       \
                const T *restrict x = a + r * lda + start;                                             \
                for (ptrdiff_t q = q0; q < q0 + g; q++) {                                              \
                    const T s = c[q * m + r];                                                          \
                    T *restrict o = out + q * n + start;                                               \
                    for (ptrdiff_t i = 0; i < width; i++) o[i] += s * x[i];                            \
                }                                                                                      \
            }                                                                                          \
        }                                                                                              \
    }                                                                                                  \
}

NAC_DEFINE_FEW(nac_few_rows_f64_baseline, double, )
NAC_DEFINE_FEW(nac_few_rows_f32_baseline, float, )
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
NAC_DEFINE_FEW(nac_few_rows_f64_avx2, double, __attribute__((target("avx2,fma"))))
NAC_DEFINE_FEW(nac_few_rows_f32_avx2, float, __attribute__((target("avx2,fma"))))
#define NAC_FEW_HAS_AVX2 1
#else
#define NAC_FEW_HAS_AVX2 0
#endif

void nac_few_rows_product_f64_variant(int avx2, ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const double *c,
                                      const double *a, ptrdiff_t a_row_stride, double *out) {
#if NAC_FEW_HAS_AVX2
    if (avx2 && nac_cpu_has_avx2_fma()) { nac_few_rows_f64_avx2(k, m, n, c, a, a_row_stride, out); return; }
#endif
    (void)avx2;
    nac_few_rows_f64_baseline(k, m, n, c, a, a_row_stride, out);
}

void nac_few_rows_product_f32_variant(int avx2, ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const float *c,
                                      const float *a, ptrdiff_t a_row_stride, float *out) {
#if NAC_FEW_HAS_AVX2
    if (avx2 && nac_cpu_has_avx2_fma()) { nac_few_rows_f32_avx2(k, m, n, c, a, a_row_stride, out); return; }
#endif
    (void)avx2;
    nac_few_rows_f32_baseline(k, m, n, c, a, a_row_stride, out);
}

void nac_few_rows_product_f64(ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const double *c, const double *a,
                              ptrdiff_t a_row_stride, double *out) {
    nac_few_rows_product_f64_variant(1, k, m, n, c, a, a_row_stride, out);
}

void nac_few_rows_product_f32(ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const float *c, const float *a,
                              ptrdiff_t a_row_stride, float *out) {
    nac_few_rows_product_f32_variant(1, k, m, n, c, a, a_row_stride, out);
}
