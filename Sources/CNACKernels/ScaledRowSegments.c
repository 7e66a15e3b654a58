#include "CNACKernels.h"
#include "CPUFeatures.h"

// Segments of chosen rows, scaled, into consecutive columns: see CNACKernels.h.
//
// Four rows at a time, element by element: four read streams in flight. With W3's scores
// (256 rows of 84 496, segments of 2048 elements 338 KB apart, read from memory), all of Ψ in
// float32, one thread, medians of 21 in one run (C probe, AVX2): one row at a time 8.2 ms, four
// rows element by element 6.2 ms, four rows in blocks of 256 elements 7.0 ms, and four rows
// element by element without vectorisation 9.1 ms — so the rows are `restrict` pointers, which
// lets the compiler vectorise the interleaved loop (Swift did not).
#define NAC_DEFINE_SEGMENTS(NAME, T, ATTRIBUTES)                                                      \
ATTRIBUTES static void NAME(ptrdiff_t row_count, ptrdiff_t count, const T *source, const ptrdiff_t *rows, \
                            ptrdiff_t source_row_stride, const T *scales, T *destination,             \
                            ptrdiff_t destination_stride) {                                           \
    ptrdiff_t k = 0;                                                                                   \
    for (; k + 4 <= row_count; k += 4) {                                                               \
        const T *restrict x0 = source + rows[k] * source_row_stride;                                   \
        const T *restrict x1 = source + rows[k + 1] * source_row_stride;                               \
        const T *restrict x2 = source + rows[k + 2] * source_row_stride;                               \
        const T *restrict x3 = source + rows[k + 3] * source_row_stride;                               \
        const T s0 = scales[rows[k]], s1 = scales[rows[k + 1]], s2 = scales[rows[k + 2]], s3 = scales[rows[k + 3]]; \
        T *restrict y0 = destination + k * destination_stride;                                         \
        T *restrict y1 = y0 + destination_stride;                                                      \
        T *restrict y2 = y1 + destination_stride;                                                      \
        T *restrict y3 = y2 + destination_stride;                                                      \
        for (ptrdiff_t i = 0; i < count; i++) {                                                        \
            y0[i] = s0 * x0[i]; y1[i] = s1 * x1[i]; y2[i] = s2 * x2[i]; y3[i] = s3 * x3[i];            \
        }                                                                                              \
    }                                                                                                  \
    for (; k < row_count; k++) {                                                                       \
        const T *restrict x = source + rows[k] * source_row_stride;                                    \
        const T s = scales[rows[k]];                                                                   \
        T *restrict y = destination + k * destination_stride;                                          \
        for (ptrdiff_t i = 0; i < count; i++) y[i] = s * x[i];                                         \
    }                                                                                                  \
}

NAC_DEFINE_SEGMENTS(nac_segments_f64_baseline, double, )
NAC_DEFINE_SEGMENTS(nac_segments_f32_baseline, float, )
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
NAC_DEFINE_SEGMENTS(nac_segments_f64_avx2, double, __attribute__((target("avx2,fma"))))
NAC_DEFINE_SEGMENTS(nac_segments_f32_avx2, float, __attribute__((target("avx2,fma"))))
#define NAC_SEGMENTS_HAVE_AVX2 1
#else
#define NAC_SEGMENTS_HAVE_AVX2 0
#endif

// The entry points: AVX2 when asked for (`avx2`) and the CPU has it, the baseline loop otherwise.
#if NAC_SEGMENTS_HAVE_AVX2
#define NAC_SEGMENTS_WHEN_AVX2(CALL) if (avx2 && nac_cpu_has_avx2_fma()) { CALL; return; }
#else
#define NAC_SEGMENTS_WHEN_AVX2(CALL)
#endif
#define NAC_DEFINE_SEGMENTS_ENTRIES(T, SUFFIX)                                                        \
void nac_copy_scaled_row_segments_##SUFFIX##_variant(int avx2, ptrdiff_t row_count, ptrdiff_t count,  \
                                                     const T *source, const ptrdiff_t *rows,          \
                                                     ptrdiff_t source_row_stride, const T *scales,    \
                                                     T *destination, ptrdiff_t destination_stride) {  \
    NAC_SEGMENTS_WHEN_AVX2(nac_segments_##SUFFIX##_avx2(row_count, count, source, rows, source_row_stride, \
                                                       scales, destination, destination_stride))      \
    (void)avx2;                                                                                        \
    nac_segments_##SUFFIX##_baseline(row_count, count, source, rows, source_row_stride, scales, destination, \
                                     destination_stride);                                              \
}                                                                                                      \
void nac_copy_scaled_row_segments_##SUFFIX(ptrdiff_t row_count, ptrdiff_t count, const T *source,     \
                                           const ptrdiff_t *rows, ptrdiff_t source_row_stride,        \
                                           const T *scales, T *destination, ptrdiff_t destination_stride) { \
    nac_copy_scaled_row_segments_##SUFFIX##_variant(1, row_count, count, source, rows, source_row_stride, \
                                                    scales, destination, destination_stride);         \
}
NAC_DEFINE_SEGMENTS_ENTRIES(double, f64)
NAC_DEFINE_SEGMENTS_ENTRIES(float, f32)
