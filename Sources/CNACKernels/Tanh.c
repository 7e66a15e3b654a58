#include "CNACKernels.h"
#include "CPUFeatures.h"
#include "ExpReduction.h"
#include "VectorTypes.h"
#include <stdint.h>
#include <string.h>

// tanh over a buffer, vectorised, with the instruction set chosen at run time.
//
// Algorithm (the same as `NACScalar.fastTanh` in Swift): a = 2·min(|x|, c); expm1(a) =
// 2ⁿ expm1(r) + (2ⁿ − 1) by the Cody–Waite reduction a = n ln 2 + r and Taylor polynomial of
// ExpReduction.h (shared with the exp kernel); then tanh = sign(x) · e / (e + 2). Branch-free, so a
// block of lanes is computed at once.
//
// Written with the compiler's vector extensions (blocks of 4 doubles / 8 floats) and compiled
// for the baseline x86-64 (SSE2: two 16-byte operations per block, separate multiply and add),
// for AVX2 + FMA (one 32-byte operation, fused multiply-add) and, in blocks of 8 doubles / 16
// floats, for AVX-512, picked by CPUID on the first call. Other architectures get the portable
// version. The tail (count mod block) goes through one zero-padded block.

#define NAC_TANH_F64_BLOCK(nac_v4d, nac_v4l, X, Y)                                                  \
    do {                                                                                            \
        const nac_v4d x_ = (X);                                                                     \
        const nac_v4l bits_ = (nac_v4l)x_;                                                          \
        const nac_v4l sign_ = bits_ & INT64_MIN;                                                    \
        nac_v4d a_ = (nac_v4d)(bits_ & INT64_MAX);                                                  \
        const nac_v4l big_ = (nac_v4l)(a_ > 20.0); /* false for NaN, which passes through */        \
        a_ = (nac_v4d)(((nac_v4l)a_ & ~big_) | ((nac_v4l)((nac_v4d){0} + 20.0) & big_));            \
        nac_v4d scale_, p_;                                                                         \
        NAC_EXP_REDUCTION_F64(nac_v4d, nac_v4l, a_ * 2.0, scale_, p_);                              \
        const nac_v4d e_ = scale_ * p_ + (scale_ - 1.0);                                            \
        const nac_v4d t_ = e_ / (e_ + 2.0);                                                         \
        (Y) = (nac_v4d)(((nac_v4l)t_) | sign_);                                                     \
    } while (0)

#define NAC_TANH_F32_BLOCK(nac_v8f, nac_v8i, X, Y)                                                  \
    do {                                                                                            \
        const nac_v8f x_ = (X);                                                                     \
        const nac_v8i bits_ = (nac_v8i)x_;                                                          \
        const nac_v8i sign_ = bits_ & INT32_MIN;                                                    \
        nac_v8f a_ = (nac_v8f)(bits_ & INT32_MAX);                                                  \
        const nac_v8i big_ = (nac_v8i)(a_ > 9.0f); /* false for NaN, which passes through */        \
        a_ = (nac_v8f)(((nac_v8i)a_ & ~big_) | ((nac_v8i)((nac_v8f){0} + 9.0f) & big_));            \
        nac_v8f scale_, p_;                                                                         \
        NAC_EXP_REDUCTION_F32(nac_v8f, nac_v8i, a_ * 2.0f, scale_, p_);                             \
        const nac_v8f e_ = scale_ * p_ + (scale_ - 1.0f);                                           \
        const nac_v8f t_ = e_ / (e_ + 2.0f);                                                        \
        (Y) = (nac_v8f)(((nac_v8i)t_) | sign_);                                                     \
    } while (0)

// One definition per (type, instruction set): y[i] = tanh(x[i]) and, if d1 is not NULL,
// d1[i] = 1 − y[i]². x and y may be the same buffer.
#define NAC_DEFINE_TANH(NAME, T, VEC, IVEC, LANES, BLOCK, ATTRIBUTES)                               \
ATTRIBUTES static void NAME(ptrdiff_t count, const T *x, T *y, T *d1) {                             \
    ptrdiff_t i = 0;                                                                                \
    for (; i + LANES <= count; i += LANES) {                                                        \
        VEC v, t;                                                                                   \
        memcpy(&v, x + i, sizeof v);                                                                \
        BLOCK(VEC, IVEC, v, t);                                                                     \
        memcpy(y + i, &t, sizeof t);                                                                \
        if (d1) { const VEC d = (T)1 - t * t; memcpy(d1 + i, &d, sizeof d); }                       \
    }                                                                                               \
    if (i < count) {                                                                                \
        const ptrdiff_t rest = count - i;                                                           \
        VEC v = {0}, t;                                                                             \
        memcpy(&v, x + i, (size_t)rest * sizeof(T));                                                \
        BLOCK(VEC, IVEC, v, t);                                                                     \
        memcpy(y + i, &t, (size_t)rest * sizeof(T));                                                \
        if (d1) { const VEC d = (T)1 - t * t; memcpy(d1 + i, &d, (size_t)rest * sizeof(T)); }       \
    }                                                                                               \
}

NAC_DEFINE_TANH(nac_tanh_f64_baseline, double, nac_v4d, nac_v4l, 4, NAC_TANH_F64_BLOCK, )
NAC_DEFINE_TANH(nac_tanh_f32_baseline, float, nac_v8f, nac_v8i, 8, NAC_TANH_F32_BLOCK, )

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
NAC_DEFINE_TANH(nac_tanh_f64_avx2, double, nac_v4d, nac_v4l, 4, NAC_TANH_F64_BLOCK, __attribute__((target("avx2,fma"))))
NAC_DEFINE_TANH(nac_tanh_f32_avx2, float, nac_v8f, nac_v8i, 8, NAC_TANH_F32_BLOCK, __attribute__((target("avx2,fma"))))
// AVX-512: the same operations on blocks of 8 doubles / 16 floats (bit for bit the AVX2 results).
// Measured on 32 768 elements (Zen 4, one thread, best of 200–300 calls, four runs): float64
// 0.96–1.05 ns per element against 1.42–2.23 with AVX2; float32 0.35–0.40 against 0.57–0.80.
NAC_DEFINE_TANH(nac_tanh_f64_avx512, double, nac_v8d, nac_v8l, 8, NAC_TANH_F64_BLOCK,
                __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
NAC_DEFINE_TANH(nac_tanh_f32_avx512, float, nac_v16f, nac_v16i, 16, NAC_TANH_F32_BLOCK,
                __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))

// The version this CPU gets: 2 (AVX-512), 1 (AVX2 + FMA) or 0 (baseline).
static int nac_tanh_level(void) { return nac_cpu_vector_level(); }
#define NAC_TANH_VERSION(T_SUFFIX, LEVEL, ...)                                                     \
    ((LEVEL) >= 2 ? nac_tanh_##T_SUFFIX##_avx512(__VA_ARGS__)                                      \
     : (LEVEL) == 1 ? nac_tanh_##T_SUFFIX##_avx2(__VA_ARGS__) : nac_tanh_##T_SUFFIX##_baseline(__VA_ARGS__))
#else
static int nac_tanh_level(void) { return 0; }
#define NAC_TANH_VERSION(T_SUFFIX, LEVEL, ...) nac_tanh_##T_SUFFIX##_baseline(__VA_ARGS__)
#endif

void nac_tanh_f64(ptrdiff_t count, const double *x, double *y, double *d1) {
    NAC_TANH_VERSION(f64, nac_tanh_level(), count, x, y, d1);
}

void nac_tanh_f32(ptrdiff_t count, const float *x, float *y, float *d1) {
    NAC_TANH_VERSION(f32, nac_tanh_level(), count, x, y, d1);
}

void nac_tanh_f64_variant(int level, ptrdiff_t count, const double *x, double *y, double *d1) {
    const int available = nac_tanh_level();
    NAC_TANH_VERSION(f64, level < available ? level : available, count, x, y, d1);
}

void nac_tanh_f32_variant(int level, ptrdiff_t count, const float *x, float *y, float *d1) {
    const int available = nac_tanh_level();
    NAC_TANH_VERSION(f32, level < available ? level : available, count, x, y, d1);
}

int nac_tanh_vector_level(void) { return nac_tanh_level(); }
