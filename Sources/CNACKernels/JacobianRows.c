#include "CNACKernels.h"
#include "CPUFeatures.h"
#include <string.h>

// Whole Jacobian rows, one after another: every segment of row b, then the gaps between them
// as zeros, before row b + 1 is touched. Writing the rows in order fills each cache line
// completely while it is in L1, where a layer-by-layer pass writes part of every row and comes
// back to the same lines once per parameter block (measured on a 4-32-2 network at B = 4096,
// float64: the writes took about twice a whole forward and reverse pass).

// One row writer per (type, instruction set); OUTER writes one outer-product block,
// out[o·n + i] = u[o] · v[i] for o < m, i < n; COPY(out, in, n) copies n elements and ZERO(out, n)
// zeroes n (memcpy and memset, or inline vector moves: a library call per short run, such as a
// bias of 32 floats, cost about a tenth of a whole W2 Jacobian).
#define NAC_DEFINE_ROWS(NAME, T, SEGMENT, OUTER, COPY, ZERO, ATTRIBUTES)                               \
ATTRIBUTES static void NAME(ptrdiff_t rows, ptrdiff_t columns, const SEGMENT *segments,                 \
                            ptrdiff_t count, T *dst, ptrdiff_t dst_stride) {                            \
    for (ptrdiff_t b = 0; b < rows; b++) {                                                              \
        T *d = dst + b * dst_stride;                                                                    \
        ptrdiff_t position = 0;                                                                         \
        for (ptrdiff_t k = 0; k < count; k++) {                                                         \
            const SEGMENT s = segments[k];                                                              \
            if (s.offset > position) ZERO(d + position, s.offset - position);                           \
            const T *ub = s.u + b * s.u_stride;                                                         \
            if (s.n == 0) {                                                                             \
                COPY(d + s.offset, ub, s.m);                                                            \
                position = s.offset + s.m;                                                              \
            } else {                                                                                    \
                OUTER(d + s.offset, ub, s.v + b * s.v_stride, s.m, s.n);                                \
                position = s.offset + s.m * s.n;                                                        \
            }                                                                                           \
        }                                                                                               \
        if (columns > position) ZERO(d + position, columns - position);                                 \
    }                                                                                                   \
}

#define NAC_DEFINE_OUTER_PLAIN(NAME, T)                                                                 \
static inline void NAME(T *restrict out, const T *u, const T *v, ptrdiff_t m, ptrdiff_t n) {            \
    for (ptrdiff_t o = 0; o < m; o++) {                                                                 \
        const T a = u[o];                                                                               \
        for (ptrdiff_t i = 0; i < n; i++) out[o * n + i] = a * v[i];                                    \
    }                                                                                                   \
}
NAC_DEFINE_OUTER_PLAIN(nac_outer_block_f64_baseline, double)
NAC_DEFINE_OUTER_PLAIN(nac_outer_block_f32_baseline, float)
#define NAC_COPY_LIBC(OUT, IN, N) memcpy((OUT), (IN), (size_t)(N) * sizeof *(OUT))
#define NAC_ZERO_LIBC(OUT, N) memset((OUT), 0, (size_t)(N) * sizeof *(OUT))
NAC_DEFINE_ROWS(nac_jacobian_rows_f64_baseline, double, nac_jacobian_segment_f64, nac_outer_block_f64_baseline,
                NAC_COPY_LIBC, NAC_ZERO_LIBC, )
NAC_DEFINE_ROWS(nac_jacobian_rows_f32_baseline, float, nac_jacobian_segment_f32, nac_outer_block_f32_baseline,
                NAC_COPY_LIBC, NAC_ZERO_LIBC, )

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
// AVX2: each outer-product row α_o · v as whole vectors, the last one overlapping the previous
// (it rewrites the same values), with 128-bit vectors for rows shorter than a 256-bit one; the
// compiler's own vectorisation leaves rows as short as a first layer's 4 inputs to scalar code.
#define NAC_DEFINE_OUTER_AVX2(NAME, T, V256, SET256, LOAD256, STORE256, MUL256, L256,                   \
                              V128, SET128, LOAD128, STORE128, MUL128, L128)                            \
__attribute__((target("avx2"))) static inline void NAME(T *out, const T *u, const T *v, ptrdiff_t m,    \
                                                        ptrdiff_t n) {                                  \
    if (n >= L256) {                                                                                    \
        for (ptrdiff_t o = 0; o < m; o++) {                                                             \
            const V256 a = SET256(u[o]);                                                                \
            T *row = out + o * n;                                                                       \
            ptrdiff_t i = 0;                                                                            \
            for (; i + L256 <= n; i += L256) STORE256(row + i, MUL256(LOAD256(v + i), a));              \
            if (i < n) STORE256(row + n - L256, MUL256(LOAD256(v + n - L256), a));                      \
        }                                                                                               \
    } else if (n >= L128) {                                                                             \
        for (ptrdiff_t o = 0; o < m; o++) {                                                             \
            const V128 a = SET128(u[o]);                                                                \
            T *row = out + o * n;                                                                       \
            STORE128(row, MUL128(LOAD128(v), a));                                                       \
            if (n > L128) STORE128(row + n - L128, MUL128(LOAD128(v + n - L128), a));                   \
        }                                                                                               \
    } else {                                                                                            \
        for (ptrdiff_t o = 0; o < m; o++) {                                                             \
            const T a = u[o];                                                                           \
            for (ptrdiff_t i = 0; i < n; i++) out[o * n + i] = a * v[i];                                \
        }                                                                                               \
    }                                                                                                   \
}
NAC_DEFINE_OUTER_AVX2(nac_outer_block_f64_avx2, double, __m256d, _mm256_set1_pd, _mm256_loadu_pd, _mm256_storeu_pd,
                      _mm256_mul_pd, 4, __m128d, _mm_set1_pd, _mm_loadu_pd, _mm_storeu_pd, _mm_mul_pd, 2)
NAC_DEFINE_OUTER_AVX2(nac_outer_block_f32_avx2, float, __m256, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps,
                      _mm256_mul_ps, 8, __m128, _mm_set1_ps, _mm_loadu_ps, _mm_storeu_ps, _mm_mul_ps, 4)
// AVX2 copies and zeros of short runs, inline: whole vectors, the last one overlapping the
// previous, 128-bit vectors below a 256-bit one, single elements below that; memcpy and memset
// from 64 elements on.
#define NAC_DEFINE_MOVES_AVX2(COPY_NAME, ZERO_NAME, T, V256, LOAD256, STORE256, ZERO256, L256,             \
                              V128, LOAD128, STORE128, ZERO128, L128)                                     \
__attribute__((target("avx2"))) static inline void COPY_NAME(T *out, const T *in, ptrdiff_t n) {         \
    if (n >= 64) { memcpy(out, in, (size_t)n * sizeof(T)); return; }                                     \
    if (n >= L256) {                                                                                      \
        ptrdiff_t i = 0;                                                                                  \
        for (; i + L256 <= n; i += L256) STORE256(out + i, LOAD256(in + i));                              \
        if (i < n) STORE256(out + n - L256, LOAD256(in + n - L256));                                      \
    } else if (n >= L128) {                                                                               \
        STORE128(out, LOAD128(in));                                                                       \
        if (n > L128) STORE128(out + n - L128, LOAD128(in + n - L128));                                   \
    } else {                                                                                              \
        if (n > 0) out[0] = in[0];                                                                        \
        if (n > 1) out[1] = in[1];                                                                        \
        if (n > 2) out[2] = in[2];                                                                        \
    }                                                                                                     \
}                                                                                                         \
__attribute__((target("avx2"))) static inline void ZERO_NAME(T *out, ptrdiff_t n) {                      \
    if (n >= 64) { memset(out, 0, (size_t)n * sizeof(T)); return; }                                       \
    if (n >= L256) {                                                                                      \
        const V256 z = ZERO256();                                                                         \
        ptrdiff_t i = 0;                                                                                  \
        for (; i + L256 <= n; i += L256) STORE256(out + i, z);                                            \
        if (i < n) STORE256(out + n - L256, z);                                                           \
    } else if (n >= L128) {                                                                               \
        const V128 z = ZERO128();                                                                         \
        STORE128(out, z);                                                                                 \
        if (n > L128) STORE128(out + n - L128, z);                                                        \
    } else {                                                                                              \
        if (n > 0) out[0] = 0;                                                                            \
        if (n > 1) out[1] = 0;                                                                            \
        if (n > 2) out[2] = 0;                                                                            \
    }                                                                                                     \
}
NAC_DEFINE_MOVES_AVX2(nac_copy_f64_avx2, nac_zero_f64_avx2, double, __m256d, _mm256_loadu_pd, _mm256_storeu_pd,
                      _mm256_setzero_pd, 4, __m128d, _mm_loadu_pd, _mm_storeu_pd, _mm_setzero_pd, 2)
NAC_DEFINE_MOVES_AVX2(nac_copy_f32_avx2, nac_zero_f32_avx2, float, __m256, _mm256_loadu_ps, _mm256_storeu_ps,
                      _mm256_setzero_ps, 8, __m128, _mm_loadu_ps, _mm_storeu_ps, _mm_setzero_ps, 4)
NAC_DEFINE_ROWS(nac_jacobian_rows_f64_avx2, double, nac_jacobian_segment_f64, nac_outer_block_f64_avx2,
                nac_copy_f64_avx2, nac_zero_f64_avx2, __attribute__((target("avx2"))))
NAC_DEFINE_ROWS(nac_jacobian_rows_f32_avx2, float, nac_jacobian_segment_f32, nac_outer_block_f32_avx2,
                nac_copy_f32_avx2, nac_zero_f32_avx2, __attribute__((target("avx2"))))
#define NAC_ROWS_HAVE_AVX2 nac_cpu_has_avx2_fma()
#else
#define NAC_ROWS_HAVE_AVX2 0
#define nac_jacobian_rows_f64_avx2 nac_jacobian_rows_f64_baseline
#define nac_jacobian_rows_f32_avx2 nac_jacobian_rows_f32_baseline
#endif

void nac_jacobian_rows_f64_variant(int avx2, ptrdiff_t rows, ptrdiff_t columns, const nac_jacobian_segment_f64 *segments,
                                   ptrdiff_t count, double *dst, ptrdiff_t dst_stride) {
    if (avx2 && NAC_ROWS_HAVE_AVX2) nac_jacobian_rows_f64_avx2(rows, columns, segments, count, dst, dst_stride);
    else nac_jacobian_rows_f64_baseline(rows, columns, segments, count, dst, dst_stride);
}

void nac_jacobian_rows_f32_variant(int avx2, ptrdiff_t rows, ptrdiff_t columns, const nac_jacobian_segment_f32 *segments,
                                   ptrdiff_t count, float *dst, ptrdiff_t dst_stride) {
    if (avx2 && NAC_ROWS_HAVE_AVX2) nac_jacobian_rows_f32_avx2(rows, columns, segments, count, dst, dst_stride);
    else nac_jacobian_rows_f32_baseline(rows, columns, segments, count, dst, dst_stride);
}
