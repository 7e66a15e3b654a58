#include "CNACKernels.h"
#include "CPUFeatures.h"
#include <stdint.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#define NAC_HAVE_STREAMING 1
#else
#define NAC_HAVE_STREAMING 0
#endif

// Each sample's m × n block is contiguous in its Jacobian row. The streaming path computes the
// block in chunks of NAC_CHUNK elements into an L1-resident scratch buffer (ordinary, vectorised
// stores), then copies each chunk to the destination with 16-byte streaming stores. Streaming
// the block as one contiguous run matters: mixing ordinary and streaming stores within a cache
// line (as a row-by-row copy does when n is odd) is several times slower than either alone.
#define NAC_CHUNK 2048

// The cached-store path, compiled for the baseline and (x86-64) for AVX2, picked at run time:
// below the streaming threshold the destination lives in cache and wider stores are faster.
#define NAC_DEFINE_PLAIN(NAME, T, ATTRIBUTES)                                                           \
ATTRIBUTES static void NAME(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, T alpha, const T *u,            \
                            ptrdiff_t u_stride, const T *v, ptrdiff_t v_stride, int accumulate,        \
                            T *dst, ptrdiff_t dst_stride) {                                            \
    for (ptrdiff_t b = 0; b < rows; b++) {                                                              \
        const T *ub = u + b * u_stride, *vb = v + b * v_stride;                                         \
        T *d = dst + b * dst_stride;                                                                    \
        for (ptrdiff_t o = 0; o < m; o++) {                                                             \
            const T s = alpha * ub[o];                                                                  \
            T *restrict row = d + o * n;                                                                \
            if (accumulate) { for (ptrdiff_t i = 0; i < n; i++) row[i] += s * vb[i]; }                  \
            else { for (ptrdiff_t i = 0; i < n; i++) row[i] = s * vb[i]; }                              \
        }                                                                                               \
    }                                                                                                   \
}

NAC_DEFINE_PLAIN(nac_plain_f64_baseline, double, )
NAC_DEFINE_PLAIN(nac_plain_f32_baseline, float, )
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
NAC_DEFINE_PLAIN(nac_plain_generic_f64_avx2, double, __attribute__((target("avx2"))))
NAC_DEFINE_PLAIN(nac_plain_generic_f32_avx2, float, __attribute__((target("avx2"))))

// Overwriting rows with 32-byte vectors; a row whose length is not a multiple of the vector
// ends with one vector that overlaps the previous one (it rewrites the same values). The
// compiler's own vectorisation of the loop above unrolls by four vectors and leaves short rows
// (a first layer of 17 inputs, say) entirely to its scalar remainder: measured 3x slower on
// such rows, and 1.3x on rows of 64 (W1 at B = 256, float32: 190 → 103 µs for all layers).
#define NAC_DEFINE_PLAIN_AVX2(NAME, GENERIC_NAME, T, VEC, SET1, LOADU, STOREU, MUL, LANES)           \
__attribute__((target("avx2"))) static void NAME(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, T alpha,     \
                                                 const T *u, ptrdiff_t u_stride, const T *v,            \
                                                 ptrdiff_t v_stride, int accumulate, T *dst,            \
                                                 ptrdiff_t dst_stride) {                                \
    if (accumulate || n < LANES) {                                                                      \
        GENERIC_NAME(rows, m, n, alpha, u, u_stride, v, v_stride, accumulate, dst, dst_stride);      \
        return;                                                                                         \
    }                                                                                                   \
    for (ptrdiff_t b = 0; b < rows; b++) {                                                              \
        const T *ub = u + b * u_stride, *vb = v + b * v_stride;                                         \
        T *d = dst + b * dst_stride;                                                                    \
        for (ptrdiff_t o = 0; o < m; o++) {                                                             \
            const VEC sv = SET1(alpha * ub[o]);                                                         \
            T *row = d + o * n;                                                                         \
            ptrdiff_t i = 0;                                                                            \
            for (; i + LANES <= n; i += LANES) STOREU(row + i, MUL(LOADU(vb + i), sv));                 \
            if (i < n) STOREU(row + n - LANES, MUL(LOADU(vb + n - LANES), sv));                         \
        }                                                                                               \
    }                                                                                                   \
}
NAC_DEFINE_PLAIN_AVX2(nac_plain_f64_avx2, nac_plain_generic_f64_avx2, double, __m256d, _mm256_set1_pd,
                      _mm256_loadu_pd, _mm256_storeu_pd, _mm256_mul_pd, 4)
NAC_DEFINE_PLAIN_AVX2(nac_plain_f32_avx2, nac_plain_generic_f32_avx2, float, __m256, _mm256_set1_ps,
                      _mm256_loadu_ps, _mm256_storeu_ps, _mm256_mul_ps, 8)
#define NAC_PLAIN(T_SUFFIX, ...) \
    (nac_cpu_has_avx2_fma() ? nac_plain_##T_SUFFIX##_avx2(__VA_ARGS__) : nac_plain_##T_SUFFIX##_baseline(__VA_ARGS__))
#else
#define NAC_PLAIN(T_SUFFIX, ...) nac_plain_##T_SUFFIX##_baseline(__VA_ARGS__)
#endif

// Without AVX-512, rows whose width is not a multiple of the streaming vector would take the
// scratch-chunk path (compute, then copy with streaming stores), which costs more than the AVX2
// cached path's ordinary stores: W1's first layer (17 inputs) at B = 1024, float32 — the other
// layers streamed — measured 800 µs for all layers against 1055 µs with every layer streamed.
// With AVX-512 they take the flat path above, which needs no scratch: W1 at B = 4096 (one thread,
// `nac bench scores`, two runs alternating) went from 2.17–2.26 to 1.57–1.66 floors in float32
// and from 2.00–2.10 to 1.65–1.66 in float64; at B = 1024 float64 from 2.15–2.17 to 1.69–1.92.
// Taking the flat path for every width as well measured no better (1.78–1.82 and 1.66–1.68).
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NAC_ODD_ROWS_CACHED nac_cpu_has_avx2_fma()
#else
#define NAC_ODD_ROWS_CACHED 0
#endif

// AVX-512: each sample's m × n block as one flat run of 64-byte streaming stores, whatever n.
// Flat element e = o·n + i is α u[o] v[i]; a vector at e takes v[(i + l) mod n] from an unaligned
// load of v followed by its first lanes again (n ≥ lanes, so a vector wraps into at most one next
// row) and α u[o] or α u[o + 1] per lane by a mask. Up to the first 64-byte boundary and after the
// last one the block is written in 16-byte streaming pieces (elements before the first 16-byte
// boundary with ordinary stores), so no cache line mixes the two kinds of store except there.
#define NAC_FLAT_MAX_COLUMNS 4096
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define NAC_DEFINE_FLAT(NAME, T, VEC, LANES, PIECE, MASK, SET1, LOADU, BLEND, MUL, STREAM, STREAM_PIECE, CAST_PIECE) \
__attribute__((target("avx512f,avx512dq,avx512vl"))) static void NAME(                                \
        ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, T alpha, const T *u, ptrdiff_t u_stride, const T *v,  \
        ptrdiff_t v_stride, T *dst, ptrdiff_t dst_stride) {                                            \
    T repeated[NAC_FLAT_MAX_COLUMNS + LANES] __attribute__((aligned(64)));                             \
    const ptrdiff_t total = m * n;                                                                      \
    for (ptrdiff_t b = 0; b < rows; b++) {                                                              \
        const T *ub = u + b * u_stride, *vb = v + b * v_stride;                                         \
        T *d = dst + b * dst_stride;                                                                    \
        for (ptrdiff_t k = 0; k < n; k++) repeated[k] = vb[k];                                          \
        for (ptrdiff_t k = 0; k < LANES; k++) repeated[n + k] = vb[k];                                  \
        ptrdiff_t e = 0;                                                                                \
        while (e < total && ((uintptr_t)(d + e) & 15) != 0) { d[e] = alpha * ub[e / n] * vb[e % n]; e++; } \
        ptrdiff_t o = e / n, i = e % n;                                                                 \
        /* Each NAC_FLAT_VECTOR is the vector of elements e ..< e + LANES (lanes past the block are \
           never stored). */                                                                            \
        while (e + PIECE <= total && ((uintptr_t)(d + e) & 63) != 0) {                                  \
            NAC_FLAT_VECTOR(T, VEC, LANES, MASK, SET1, LOADU, BLEND, MUL)                               \
            STREAM_PIECE(d + e, CAST_PIECE(value));                                                     \
            e += PIECE; i += PIECE; if (i >= n) { i -= n; o++; }                                        \
        }                                                                                               \
        while (e + LANES <= total) {                                                                    \
            NAC_FLAT_VECTOR(T, VEC, LANES, MASK, SET1, LOADU, BLEND, MUL)                               \
            STREAM(d + e, value);                                                                       \
            e += LANES; i += LANES; if (i >= n) { i -= n; o++; }                                        \
        }                                                                                               \
        while (e + PIECE <= total) {                                                                    \
            NAC_FLAT_VECTOR(T, VEC, LANES, MASK, SET1, LOADU, BLEND, MUL)                               \
            STREAM_PIECE(d + e, CAST_PIECE(value));                                                     \
            e += PIECE; i += PIECE; if (i >= n) { i -= n; o++; }                                        \
        }                                                                                               \
        for (; e < total; e++) { d[e] = alpha * ub[o] * vb[i]; if (++i == n) { i = 0; o++; } }          \
    }                                                                                                   \
    _mm_sfence();                                                                                       \
}
#define NAC_FLAT_VECTOR(T, VEC, LANES, MASK, SET1, LOADU, BLEND, MUL)                                  \
            const ptrdiff_t before = n - i;                                                             \
            const MASK next = before >= LANES ? (MASK)0 : (MASK)(~0u << before);                        \
            const T s0 = alpha * ub[o], s1 = o + 1 < m ? alpha * ub[o + 1] : (T)0;                      \
            const VEC value = MUL(LOADU(repeated + i), BLEND(next, SET1(s0), SET1(s1)));
NAC_DEFINE_FLAT(nac_flat_f64_avx512, double, __m512d, 8, 2, __mmask8, _mm512_set1_pd, _mm512_loadu_pd,
                _mm512_mask_blend_pd, _mm512_mul_pd, _mm512_stream_pd, _mm_stream_pd, _mm512_castpd512_pd128)
NAC_DEFINE_FLAT(nac_flat_f32_avx512, float, __m512, 16, 4, __mmask16, _mm512_set1_ps, _mm512_loadu_ps,
                _mm512_mask_blend_ps, _mm512_mul_ps, _mm512_stream_ps, _mm_stream_ps, _mm512_castps512_ps128)
// Only rows whose width is not a multiple of the 16-byte vector (LANES) take it: the others
// stream straight from registers (below), which measured as fast. n ≥ the AVX-512 vector, so that
// a vector wraps at most once.
#define NAC_FLAT(T_SUFFIX, ...) nac_flat_##T_SUFFIX##_avx512(__VA_ARGS__)
#define NAC_FLAT_APPLIES(LANES) (n % (LANES) != 0 && n >= 4 * (LANES) && n <= NAC_FLAT_MAX_COLUMNS && nac_cpu_has_avx512())
#else
#define NAC_FLAT_APPLIES(LANES) 0
#define NAC_FLAT(T_SUFFIX, ...)
#endif

#define NAC_DEFINE_OUTER(NAME, T, T_SUFFIX, VEC, SET1, LOADU, ALOAD, MUL, STREAM, LANES)                   \
void NAME(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, T alpha, const T *u, ptrdiff_t u_stride,           \
          const T *v, ptrdiff_t v_stride, int accumulate, int streaming, T *dst, ptrdiff_t dst_stride) { \
    if (!accumulate && streaming && NAC_FLAT_APPLIES(LANES)) {                                          \
        NAC_FLAT(T_SUFFIX, rows, m, n, alpha, u, u_stride, v, v_stride, dst, dst_stride);              \
        return;                                                                                         \
    }                                                                                                   \
    if (!NAC_HAVE_STREAMING || accumulate || !streaming || m * n < 4 * LANES                           \
        || (NAC_ODD_ROWS_CACHED && n % LANES != 0)) {                                                   \
        NAC_PLAIN(T_SUFFIX, rows, m, n, alpha, u, u_stride, v, v_stride, accumulate, dst, dst_stride);  \
        return;                                                                                         \
    }                                                                                                   \
    NAC_STREAMING_BODY(T, VEC, SET1, LOADU, ALOAD, MUL, STREAM, LANES)                                  \
}

#if NAC_HAVE_STREAMING
#define NAC_STREAMING_BODY(T, VEC, SET1, LOADU, ALOAD, MUL, STREAM, LANES)                             \
    T scratch[NAC_CHUNK] __attribute__((aligned(64)));                                                 \
    const ptrdiff_t total = m * n;                                                                      \
    for (ptrdiff_t b = 0; b < rows; b++) {                                                              \
        const T *ub = u + b * u_stride, *vb = v + b * v_stride;                                         \
        T *d = dst + b * dst_stride;                                                                    \
        if (n % LANES == 0 && ((uintptr_t)d & 15) == 0) {                                               \
            /* Every row of the block starts on a 16-byte boundary: stream straight from registers. */ \
            for (ptrdiff_t o = 0; o < m; o++) {                                                         \
                const VEC sv = SET1(alpha * ub[o]);                                                     \
                T *row = d + o * n;                                                                     \
                for (ptrdiff_t i = 0; i < n; i += LANES) STREAM(row + i, MUL(LOADU(vb + i), sv));       \
            }                                                                                           \
            continue;                                                                                   \
        }                                                                                               \
        /* Elements before the first 16-byte boundary are stored normally. */                          \
        ptrdiff_t head = (ptrdiff_t)(((16 - ((uintptr_t)d & 15)) & 15) / sizeof(T));                    \
        if (head > total) head = total;                                                                 \
        for (ptrdiff_t k = 0; k < head; k++) d[k] = alpha * ub[k / n] * vb[k % n];                      \
        for (ptrdiff_t start = head; start < total; start += NAC_CHUNK) {                               \
            const ptrdiff_t end = start + NAC_CHUNK < total ? start + NAC_CHUNK : total;                \
            ptrdiff_t o = start / n, i = start % n, k = 0;                                              \
            while (start + k < end) {                                                                   \
                const T s = alpha * ub[o];                                                              \
                ptrdiff_t take = n - i;                                                                 \
                if (take > end - start - k) take = end - start - k;                                     \
                for (ptrdiff_t t = 0; t < take; t++) scratch[k + t] = s * vb[i + t];                    \
                k += take; i += take;                                                                   \
                if (i == n) { i = 0; o++; }                                                             \
            }                                                                                           \
            const ptrdiff_t count = end - start;                                                        \
            ptrdiff_t q = 0;                                                                            \
            for (; q + LANES <= count; q += LANES) STREAM(d + start + q, ALOAD(scratch + q));           \
            for (; q < count; q++) d[start + q] = scratch[q];                                           \
        }                                                                                               \
    }                                                                                                   \
    _mm_sfence();
#else
#define NAC_STREAMING_BODY(T, VEC, SET1, LOADU, ALOAD, MUL, STREAM, LANES)
#endif

#if NAC_HAVE_STREAMING
NAC_DEFINE_OUTER(nac_outer_product_rows_f64, double, f64, __m128d, _mm_set1_pd, _mm_loadu_pd, _mm_load_pd, _mm_mul_pd, _mm_stream_pd, 2)
NAC_DEFINE_OUTER(nac_outer_product_rows_f32, float, f32, __m128, _mm_set1_ps, _mm_loadu_ps, _mm_load_ps, _mm_mul_ps, _mm_stream_ps, 4)
#else
NAC_DEFINE_OUTER(nac_outer_product_rows_f64, double, f64, void, 0, 0, 0, 0, 0, 2)
NAC_DEFINE_OUTER(nac_outer_product_rows_f32, float, f32, void, 0, 0, 0, 0, 0, 4)
#endif
