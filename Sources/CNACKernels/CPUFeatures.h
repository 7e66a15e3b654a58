#ifndef NAC_CPU_FEATURES_H
#define NAC_CPU_FEATURES_H
// Run-time instruction-set check shared by the kernels (internal; not part of the module's API).
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
// 1 if the CPU has AVX2 and FMA. Racing first calls compute the same answer; a plain int is enough.
static inline int nac_cpu_has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}

// 1 if the CPU has AVX-512 F, DQ and VL (and FMA): what the kernels compiled for AVX-512 use.
static inline int nac_cpu_has_avx512(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
    }
    return cached;
}

// The version of the elementwise kernels this CPU gets: 2 (AVX-512), 1 (AVX2 + FMA), 0 (baseline).
static inline int nac_cpu_vector_level(void) {
    return nac_cpu_has_avx512() ? 2 : nac_cpu_has_avx2_fma() ? 1 : 0;
}
#endif
#endif
