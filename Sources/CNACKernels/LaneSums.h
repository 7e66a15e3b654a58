#ifndef NAC_LANE_SUMS_H
#define NAC_LANE_SUMS_H
// Horizontal sums of eight AVX-512 accumulators at once, shared by the kernels that reduce many
// dot products together (internal; not part of the module's API). x86-64 with clang or GCC only.
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

// The target of the kernels compiled for AVX-512 (chosen at run time by nac_cpu_has_avx512()).
#define NAC_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,fma")))

// r[i] = Σ lanes of a_i, i < 8: a transpose-and-add tree (3 levels of shuffles and adds).
NAC_AVX512 static inline __m512d nac_sum_lanes8_f64(__m512d a0, __m512d a1, __m512d a2, __m512d a3, __m512d a4,
                                                    __m512d a5, __m512d a6, __m512d a7) {
    __m512d b0 = _mm512_add_pd(_mm512_unpacklo_pd(a0, a1), _mm512_unpackhi_pd(a0, a1));
    __m512d b1 = _mm512_add_pd(_mm512_unpacklo_pd(a2, a3), _mm512_unpackhi_pd(a2, a3));
    __m512d b2 = _mm512_add_pd(_mm512_unpacklo_pd(a4, a5), _mm512_unpackhi_pd(a4, a5));
    __m512d b3 = _mm512_add_pd(_mm512_unpacklo_pd(a6, a7), _mm512_unpackhi_pd(a6, a7));
    __m512d c0 = _mm512_add_pd(_mm512_shuffle_f64x2(b0, b1, 0x88), _mm512_shuffle_f64x2(b0, b1, 0xDD));
    __m512d c1 = _mm512_add_pd(_mm512_shuffle_f64x2(b2, b3, 0x88), _mm512_shuffle_f64x2(b2, b3, 0xDD));
    return _mm512_add_pd(_mm512_shuffle_f64x2(c0, c1, 0x88), _mm512_shuffle_f64x2(c0, c1, 0xDD));
}

// r[i] = Σ lanes of a_i, i < 8, 16 lanes each: fold to 8 lanes, then horizontal adds.
NAC_AVX512 static inline __m256 nac_fold_f32(__m512 a) {
    return _mm256_add_ps(_mm512_castps512_ps256(a), _mm512_extractf32x8_ps(a, 1));
}
NAC_AVX512 static inline __m256 nac_sum_lanes8_f32(__m512 a0, __m512 a1, __m512 a2, __m512 a3, __m512 a4,
                                                   __m512 a5, __m512 a6, __m512 a7) {
    __m256 t1 = _mm256_hadd_ps(nac_fold_f32(a0), nac_fold_f32(a1));
    __m256 t2 = _mm256_hadd_ps(nac_fold_f32(a2), nac_fold_f32(a3));
    __m256 t3 = _mm256_hadd_ps(nac_fold_f32(a4), nac_fold_f32(a5));
    __m256 t4 = _mm256_hadd_ps(nac_fold_f32(a6), nac_fold_f32(a7));
    t1 = _mm256_hadd_ps(t1, t2);
    t3 = _mm256_hadd_ps(t3, t4);
    return _mm256_add_ps(_mm256_permute2f128_ps(t1, t3, 0x20), _mm256_permute2f128_ps(t1, t3, 0x31));
}
#endif
#endif
