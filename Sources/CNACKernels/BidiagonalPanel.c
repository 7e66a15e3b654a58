#include "CNACKernels.h"
#include "CPUFeatures.h"
#include <float.h>
#include <math.h>
#include <string.h>

// One panel of a values-only Householder bidiagonalisation (see CNACKernels.h), with the two
// matrix–vector products of each step fused into one pass over the trailing matrix.
//
// Step k reduces column k with a left reflector H = I − τ_L u uᵀ and row k with a right reflector
// G = I − τ_R w wᵀ. LAPACK's dlabrd reads the trailing matrix A twice per step, once for Aᵀu and
// once for A w (two gemv, three quarters of dgebrd's time on this machine). Here both come from
// one pass (Howell, Demmel, Fulton, Hammarling and Marmol's "BLAS 2.5" idea): w is an affine
// function of the updated row r = A[k, :] − τ_L zᵀ (z = Aᵀu), w = c (r − β e₁) with c = 1/(r₁ − β),
// so A w = c (A r − β A e₁); and r_j depends only on column j, so a block of columns, read once
// from L2 or L3, gives its z_j, then its r_j, then its part of A r while it is still in L1.
//
// As in dlabrd the updates are deferred: the true trailing matrix is A − UX · YWᵀ, with the left
// reflectors u_l and the products x_l = τ_R A w_l in UX (m × 2nb, columns 2l and 2l + 1) and
// y_l = τ_L Aᵀu_l and w_l in YW (n × 2nb); the caller applies them with one gemm after the panel.
// The small products with UX and YW (the corrections of z and A r) are matrix–vector products of
// width 2k. Values only: τ_L and τ_R are not kept, and the first nb rows and columns of a are left
// in an unspecified state.
//
// Householder vectors are formed as in LAPACK's dlarfg (β = −sign(α)‖x‖, τ = (β − α)/β,
// v = x/(α − β), v₀ = 1), without its rescaling loop: a reflector whose ‖x[1:]‖² is below the
// smallest normal number is taken as the identity (τ = 0). The caller scales the matrix so that
// its largest magnitude is about 1, so what this drops is below 1e-154 (float64) or 1e-19
// (float32) of ‖A‖, far under the rounding errors of the reduction.
//
// Measured on this machine (AMD EPYC, AVX-512, one thread, n × n upper triangles): the whole
// reduction (these panels plus one gemm each) took 1.54 ms against 3.44 ms for LAPACK dgebrd at
// n = 256 and 113 against 175 ms at n = 1024; more in HouseholderBidiagonalization.swift. Of the
// 1.54 ms about 60 % is the passes, 25 % gemm and 13 % the width-2k products.

// MARK: Portable versions (and the definition of what the vector versions compute)

#define NAC_DEFINE_BD_BASELINE(T, SFX)                                                                \
static T nac_bd_dot_##SFX##_baseline(ptrdiff_t n, const T *x, const T *y) {                          \
    T s0 = 0, s1 = 0, s2 = 0, s3 = 0;                                                                  \
    ptrdiff_t i = 0;                                                                                   \
    for (; i + 4 <= n; i += 4) { s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1];                        \
                                 s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3]; }              \
    for (; i < n; i++) s0 += x[i] * y[i];                                                              \
    return (s0 + s1) + (s2 + s3);                                                                      \
}                                                                                                      \
/* out[l] = A[:, l] · x for l < k, A n × k column-major. */                                           \
static void nac_bd_dots_##SFX##_baseline(ptrdiff_t n, ptrdiff_t k, const T *a, ptrdiff_t lda,        \
                                         const T *x, T *out) {                                         \
    for (ptrdiff_t l = 0; l < k; l++) out[l] = nac_bd_dot_##SFX##_baseline(n, a + l * lda, x);        \
}                                                                                                      \
/* y1 += A x1 and, when y2 is not NULL, y2 += A x2 (A n × k column-major, one read). */               \
static void nac_bd_gemv2_##SFX##_baseline(ptrdiff_t n, ptrdiff_t k, const T *a, ptrdiff_t lda,       \
                                          const T *x1, T *y1, const T *x2, T *y2) {                    \
    for (ptrdiff_t l = 0; l < k; l++) {                                                                \
        const T *col = a + l * lda;                                                                    \
        const T c1 = x1[l];                                                                            \
        for (ptrdiff_t i = 0; i < n; i++) y1[i] += col[i] * c1;                                        \
        if (y2) { const T c2 = x2[l]; for (ptrdiff_t i = 0; i < n; i++) y2[i] += col[i] * c2; }        \
    }                                                                                                  \
}                                                                                                      \
static void nac_bd_axpy_##SFX##_baseline(ptrdiff_t n, T alpha, const T *x, T *y) {                   \
    for (ptrdiff_t i = 0; i < n; i++) y[i] += alpha * x[i];                                            \
}                                                                                                      \
/* The fused pass over the M × N block S (leading dimension lds): for each column j,               */ \
/* zh[j] = S[:, j] · u, rr[j] = S[0, j] − τ zh[j] + off[j], then s += S[:, j] rr[j].               */ \
static void nac_bd_pass_##SFX##_baseline(ptrdiff_t M, ptrdiff_t N, const T *S, ptrdiff_t lds,        \
                                         const T *u, T tau, const T *off, T *zh, T *rr, T *s) {       \
    for (ptrdiff_t j = 0; j < N; j++) {                                                                \
        const T *col = S + j * lds;                                                                    \
        const T z = nac_bd_dot_##SFX##_baseline(M, col, u);                                            \
        zh[j] = z;                                                                                     \
        rr[j] = col[0] - tau * z + off[j];                                                             \
        nac_bd_axpy_##SFX##_baseline(M, rr[j], col, s);                                                \
    }                                                                                                  \
}
NAC_DEFINE_BD_BASELINE(double, f64)
NAC_DEFINE_BD_BASELINE(float, f32)

// MARK: AVX-512 versions

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include "LaneSums.h"
#define NAC_BD_HAS_AVX512 1
#define NAC_BD_AVX512 NAC_AVX512

// Σ of the lanes of each of 8 accumulators, stored into out[0..8).
NAC_BD_AVX512 static inline void nac_bd_sums8_f64(const __m512d *a, double *out) {
    _mm512_storeu_pd(out, nac_sum_lanes8_f64(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]));
}
NAC_BD_AVX512 static inline void nac_bd_sums8_f32(const __m512 *a, float *out) {
    _mm256_storeu_ps(out, nac_sum_lanes8_f32(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]));
}

// VEC, LANES, MASK: the vector type, its lane count and mask type; ZERO, SET1, LOAD, MLOAD (masked,
// zeroing), STORE, MSTORE, FMA, MUL, ADD, REDUCE: the intrinsics; SUMS8: the 8-accumulator sum.
#define NAC_DEFINE_BD_AVX512(T, SFX, VEC, LANES, MASK, ZERO, SET1, LOAD, MLOAD, STORE, MSTORE, FMA, MUL,   \
                             ADD, REDUCE, SUMS8)                                                          \
NAC_BD_AVX512 static inline MASK nac_bd_tail_##SFX(ptrdiff_t n) { return (MASK)((1u << n) - 1); }       \
NAC_BD_AVX512 static T nac_bd_dot_##SFX##_avx512(ptrdiff_t n, const T *x, const T *y) {                  \
    VEC a = ZERO(), b = ZERO();                                                                            \
    ptrdiff_t i = 0;                                                                                       \
    for (; i + 2 * LANES <= n; i += 2 * LANES) {                                                           \
        a = FMA(LOAD(x + i), LOAD(y + i), a);                                                              \
        b = FMA(LOAD(x + i + LANES), LOAD(y + i + LANES), b);                                              \
    }                                                                                                      \
    for (; i < n; i += LANES) {                                                                            \
        const MASK m = n - i >= LANES ? (MASK)~(MASK)0 : nac_bd_tail_##SFX(n - i);                         \
        a = FMA(MLOAD(m, x + i), MLOAD(m, y + i), a);                                                      \
    }                                                                                                      \
    return REDUCE(ADD(a, b));                                                                              \
}                                                                                                          \
NAC_BD_AVX512 static void nac_bd_axpy_##SFX##_avx512(ptrdiff_t n, T alpha, const T *x, T *y) {          \
    const VEC al = SET1(alpha);                                                                            \
    ptrdiff_t i = 0;                                                                                       \
    for (; i + LANES <= n; i += LANES) STORE(y + i, FMA(al, LOAD(x + i), LOAD(y + i)));                    \
    if (i < n) {                                                                                           \
        const MASK m = nac_bd_tail_##SFX(n - i);                                                           \
        MSTORE(y + i, m, FMA(al, MLOAD(m, x + i), MLOAD(m, y + i)));                                       \
    }                                                                                                      \
}                                                                                                          \
/* out[l] = A[:, l] · x: 8 columns per pass over x, one lane sum per 8 columns. */                        \
NAC_BD_AVX512 static void nac_bd_dots_##SFX##_avx512(ptrdiff_t n, ptrdiff_t k, const T *a, ptrdiff_t lda, \
                                                     const T *x, T *out) {                                 \
    ptrdiff_t l = 0;                                                                                       \
    for (; l + 8 <= k; l += 8) {                                                                           \
        VEC acc[8];                                                                                        \
        for (int q = 0; q < 8; q++) acc[q] = ZERO();                                                       \
        const T *c = a + l * lda;                                                                          \
        ptrdiff_t i = 0;                                                                                   \
        for (; i + LANES <= n; i += LANES) {                                                               \
            const VEC xv = LOAD(x + i);                                                                    \
            for (int q = 0; q < 8; q++) acc[q] = FMA(LOAD(c + q * lda + i), xv, acc[q]);                  \
        }                                                                                                  \
        if (i < n) {                                                                                       \
            const MASK m = nac_bd_tail_##SFX(n - i);                                                       \
            const VEC xv = MLOAD(m, x + i);                                                                \
            for (int q = 0; q < 8; q++) acc[q] = FMA(MLOAD(m, c + q * lda + i), xv, acc[q]);              \
        }                                                                                                  \
        SUMS8(acc, out + l);                                                                               \
    }                                                                                                      \
    for (; l < k; l++) out[l] = nac_bd_dot_##SFX##_avx512(n, a + l * lda, x);                             \
}                                                                                                          \
/* y1 += A x1 and, when y2 is not NULL, y2 += A x2: 4 columns per pass over the outputs. */              \
NAC_BD_AVX512 static void nac_bd_gemv2_##SFX##_avx512(ptrdiff_t n, ptrdiff_t k, const T *a, ptrdiff_t lda, \
                                                      const T *x1, T *y1, const T *x2, T *y2) {             \
    ptrdiff_t l = 0;                                                                                       \
    for (; l + 4 <= k; l += 4) {                                                                           \
        const T *c0 = a + l * lda, *c1 = c0 + lda, *c2 = c1 + lda, *c3 = c2 + lda;                         \
        const VEC p0 = SET1(x1[l]), p1 = SET1(x1[l + 1]), p2 = SET1(x1[l + 2]), p3 = SET1(x1[l + 3]);     \
        const VEC q0 = SET1(y2 ? x2[l] : 0), q1 = SET1(y2 ? x2[l + 1] : 0);                               \
        const VEC q2 = SET1(y2 ? x2[l + 2] : 0), q3 = SET1(y2 ? x2[l + 3] : 0);                           \
        for (ptrdiff_t i = 0; i < n; i += LANES) {                                                         \
            const MASK m = n - i >= LANES ? (MASK)~(MASK)0 : nac_bd_tail_##SFX(n - i);                     \
            const VEC a0 = MLOAD(m, c0 + i), a1 = MLOAD(m, c1 + i), a2 = MLOAD(m, c2 + i), a3 = MLOAD(m, c3 + i); \
            VEC s = FMA(a0, p0, MLOAD(m, y1 + i)), t = MUL(a1, p1);                                        \
            s = FMA(a2, p2, s); t = FMA(a3, p3, t);                                                        \
            MSTORE(y1 + i, m, ADD(s, t));                                                                  \
            if (y2) {                                                                                      \
                VEC u = FMA(a0, q0, MLOAD(m, y2 + i)), v = MUL(a1, q1);                                    \
                u = FMA(a2, q2, u); v = FMA(a3, q3, v);                                                    \
                MSTORE(y2 + i, m, ADD(u, v));                                                              \
            }                                                                                              \
        }                                                                                                  \
    }                                                                                                      \
    for (; l < k; l++) {                                                                                   \
        nac_bd_axpy_##SFX##_avx512(n, x1[l], a + l * lda, y1);                                             \
        if (y2) nac_bd_axpy_##SFX##_avx512(n, x2[l], a + l * lda, y2);                                     \
    }                                                                                                      \
}                                                                                                          \
/* W (≤ 8, a constant at each call) columns of the pass: sweep 1 reads them once (from L2/L3) for     */ \
/* zh; sweep 2 reads them again, now in L1, for s += S rr (two accumulators against FMA latency).    */ \
NAC_BD_AVX512 static inline __attribute__((always_inline)) void nac_bd_pass_block_##SFX(                  \
        int W, ptrdiff_t M, const T *S, ptrdiff_t lds, const T *u, T tau, const T *off, T *zh, T *rr,     \
        T *s) {                                                                                            \
    VEC acc[8];                                                                                            \
    for (int q = 0; q < 8; q++) acc[q] = ZERO();                                                           \
    const ptrdiff_t whole = M - M % LANES;                                                                 \
    const MASK tail = nac_bd_tail_##SFX(M % LANES);                                                        \
    ptrdiff_t i = 0;                                                                                       \
    for (; i < whole; i += LANES) {                                                                        \
        const VEC uv = LOAD(u + i);                                                                        \
        for (int q = 0; q < 8; q++) if (q < W) acc[q] = FMA(uv, LOAD(S + q * lds + i), acc[q]);           \
    }                                                                                                      \
    if (i < M) {                                                                                           \
        const VEC uv = MLOAD(tail, u + i);                                                                 \
        for (int q = 0; q < 8; q++) if (q < W) acc[q] = FMA(uv, MLOAD(tail, S + q * lds + i), acc[q]);    \
    }                                                                                                      \
    T z[8];                                                                                                \
    SUMS8(acc, z);                                                                                         \
    VEC r[8];                                                                                              \
    for (int q = 0; q < 8; q++)                                                                            \
        if (q < W) { zh[q] = z[q]; rr[q] = S[q * lds] - tau * z[q] + off[q]; r[q] = SET1(rr[q]); }         \
    for (i = 0; i < whole; i += LANES) {                                                                   \
        VEC s0 = LOAD(s + i), s1 = ZERO();                                                                 \
        for (int q = 0; q < 8; q += 2) {                                                                   \
            if (q < W) s0 = FMA(LOAD(S + q * lds + i), r[q], s0);                                          \
            if (q + 1 < W) s1 = FMA(LOAD(S + (q + 1) * lds + i), r[q + 1], s1);                            \
        }                                                                                                  \
        STORE(s + i, ADD(s0, s1));                                                                         \
    }                                                                                                      \
    if (i < M) {                                                                                           \
        VEC s0 = MLOAD(tail, s + i);                                                                       \
        for (int q = 0; q < 8; q++) if (q < W) s0 = FMA(MLOAD(tail, S + q * lds + i), r[q], s0);          \
        MSTORE(s + i, tail, s0);                                                                           \
    }                                                                                                      \
}                                                                                                          \
NAC_BD_AVX512 static void nac_bd_pass_##SFX##_avx512(ptrdiff_t M, ptrdiff_t N, const T *S, ptrdiff_t lds, \
                                                     const T *u, T tau, const T *off, T *zh, T *rr, T *s) { \
    ptrdiff_t j = 0;                                                                                       \
    for (; j + 8 <= N; j += 8) nac_bd_pass_block_##SFX(8, M, S + j * lds, lds, u, tau, off + j, zh + j, rr + j, s); \
    const T *Sj = S + j * lds;                                                                             \
    switch (N - j) {                                                                                       \
    case 7: nac_bd_pass_block_##SFX(7, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    case 6: nac_bd_pass_block_##SFX(6, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    case 5: nac_bd_pass_block_##SFX(5, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    case 4: nac_bd_pass_block_##SFX(4, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    case 3: nac_bd_pass_block_##SFX(3, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    case 2: nac_bd_pass_block_##SFX(2, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    case 1: nac_bd_pass_block_##SFX(1, M, Sj, lds, u, tau, off + j, zh + j, rr + j, s); break;             \
    default: break;                                                                                        \
    }                                                                                                      \
}

NAC_DEFINE_BD_AVX512(double, f64, __m512d, 8, __mmask8, _mm512_setzero_pd, _mm512_set1_pd, _mm512_loadu_pd,
                     _mm512_maskz_loadu_pd, _mm512_storeu_pd, _mm512_mask_storeu_pd, _mm512_fmadd_pd, _mm512_mul_pd,
                     _mm512_add_pd, _mm512_reduce_add_pd, nac_bd_sums8_f64)
NAC_DEFINE_BD_AVX512(float, f32, __m512, 16, __mmask16, _mm512_setzero_ps, _mm512_set1_ps, _mm512_loadu_ps,
                     _mm512_maskz_loadu_ps, _mm512_storeu_ps, _mm512_mask_storeu_ps, _mm512_fmadd_ps, _mm512_mul_ps,
                     _mm512_add_ps, _mm512_reduce_add_ps, nac_bd_sums8_f32)
#else
#define NAC_BD_HAS_AVX512 0
#define NAC_BD_AVX512
#endif

// MARK: The panel, written once over the primitives of one variant (V: baseline or avx512)

// Householder vector of x[0..len) into v (v[0] = 1): returns β, sets *tau (0 for the identity).
#define NAC_DEFINE_BD_HOUSE(T, SFX, V, SQRT, COPYSIGN, SMALLEST, ATTR)                                  \
ATTR static T nac_bd_house_##SFX##_##V(ptrdiff_t len, const T *x, T *v, T *tau) {                      \
    const T alpha = x[0];                                                                              \
    const T tailSquares = len > 1 ? nac_bd_dot_##SFX##_##V(len - 1, x + 1, x + 1) : 0;                 \
    v[0] = 1;                                                                                          \
    if (!(tailSquares >= SMALLEST)) {                                                                  \
        *tau = 0;                                                                                      \
        for (ptrdiff_t i = 1; i < len; i++) v[i] = 0;                                                  \
        return alpha;                                                                                  \
    }                                                                                                  \
    const T beta = -COPYSIGN(SQRT(alpha * alpha + tailSquares), alpha);                                \
    *tau = (beta - alpha) / beta;                                                                      \
    const T scale = 1 / (alpha - beta);                                                                \
    for (ptrdiff_t i = 1; i < len; i++) v[i] = x[i] * scale;                                           \
    return beta;                                                                                       \
}

// Column k of the block is t (rows k..m−1, the true values, kept in work across steps).
#define NAC_DEFINE_BD_PANEL(T, SFX, V, ATTR)                                                            \
ATTR static void nac_bd_panel_##SFX##_##V(ptrdiff_t m, ptrdiff_t n, ptrdiff_t nb, T *a, ptrdiff_t lda, \
                                          T *d, T *e, T *ux, T *yw, T *work) {                         \
    memset(ux, 0, sizeof(T) * (size_t)(m * 2 * nb));                                                   \
    memset(yw, 0, sizeof(T) * (size_t)(n * 2 * nb));                                                   \
    T *t = work, *s = t + m, *zh = s + m, *rr = zh + n, *off = rr + n, *zc = off + n;                  \
    T *c1 = zc + n, *c2 = c1 + 2 * nb, *c3 = c2 + 2 * nb;                                             \
    for (ptrdiff_t i = 0; i < m; i++) t[i] = a[i];                                                     \
    for (ptrdiff_t k = 0; k < nb; k++) {                                                               \
        const ptrdiff_t M = m - k, N1 = n - k - 1, kk = 2 * k;                                         \
        T tauL;                                                                                        \
        T *u = ux + kk * m + k;                                                                        \
        d[k] = nac_bd_house_##SFX##_##V(M, t + k, u, &tauL);                                           \
        if (N1 == 0) continue;                                                                         \
        /* c1 = UXᵀu (rows k..); zc = YW c1 and off = τ_L zc − YW · UX[k, :] (rows k+1.. of YW). */     \
        nac_bd_dots_##SFX##_##V(M, kk, ux + k, m, u, c1);                                              \
        for (ptrdiff_t l = 0; l < kk; l++) c2[l] = ux[k + l * m];                                      \
        for (ptrdiff_t j = 0; j < N1; j++) { zc[j] = 0; off[j] = 0; }                                  \
        nac_bd_gemv2_##SFX##_##V(N1, kk, yw + k + 1, n, c1, zc, c2, off);                              \
        for (ptrdiff_t j = 0; j < N1; j++) off[j] = tauL * zc[j] - off[j];                             \
        /* The fused pass over a[k.., k+1..]: raw zh = Sᵀu, the row r, raw s = S r. */                  \
        for (ptrdiff_t i = 0; i < M; i++) s[i] = 0;                                                    \
        nac_bd_pass_##SFX##_##V(M, N1, a + k + (k + 1) * lda, lda, u, tauL, off, zh, rr, s);           \
        for (ptrdiff_t j = 0; j < N1; j++) zh[j] -= zc[j];                                             \
        const T zr = nac_bd_dot_##SFX##_##V(N1, zh, rr);                                               \
        /* Rows k+1..: s ← s − UX (YWᵀ r) − τ_L (zᵀr) u and the next column                        */ \
        /* t ← a[:, k+1] − UX · YW[k+1, :] − τ_L z₀ u, both with one read of UX.                   */ \
        nac_bd_dots_##SFX##_##V(N1, kk, yw + k + 1, n, rr, c3);                                        \
        for (ptrdiff_t l = 0; l < kk; l++) { c3[l] = -c3[l]; c2[l] = -yw[k + 1 + l * n]; }             \
        const ptrdiff_t M1 = M - 1;                                                                    \
        T *s1 = s + 1, *t1 = t + k + 1;                                                                \
        for (ptrdiff_t i = 0; i < M1; i++) t1[i] = a[k + 1 + i + (k + 1) * lda];                       \
        nac_bd_gemv2_##SFX##_##V(M1, kk, ux + k + 1, m, c3, s1, c2, t1);                               \
        nac_bd_axpy_##SFX##_##V(M1, -tauL * zr, u + 1, s1);                                            \
        nac_bd_axpy_##SFX##_##V(M1, -tauL * zh[0], u + 1, t1);                                         \
        /* The right reflector from r; x = τ_R A w = τ_R c (A r − β A e₁) with the left update. */     \
        const T alphaR = rr[0];                                                                        \
        T tauR;                                                                                        \
        T *w = yw + (kk + 1) * n + k + 1, *x = ux + (kk + 1) * m + k + 1, *y = yw + kk * n + k + 1;    \
        const T betaR = nac_bd_house_##SFX##_##V(N1, rr, w, &tauR);                                    \
        e[k] = betaR;                                                                                  \
        if (tauR == 0) {                                                                               \
            for (ptrdiff_t i = 0; i < M1; i++) x[i] = 0;                                               \
        } else {                                                                                       \
            const T factor = tauR / (alphaR - betaR);                                                  \
            for (ptrdiff_t i = 0; i < M1; i++) x[i] = factor * (s1[i] - betaR * t1[i]);                \
        }                                                                                              \
        for (ptrdiff_t j = 0; j < N1; j++) y[j] = tauL * zh[j];                                        \
        /* The next column: the right update's share, x w[0] with w[0] = 1. */                         \
        for (ptrdiff_t i = 0; i < M1; i++) t1[i] -= x[i];                                              \
    }                                                                                                  \
}

NAC_DEFINE_BD_HOUSE(double, f64, baseline, sqrt, copysign, DBL_MIN, )
NAC_DEFINE_BD_HOUSE(float, f32, baseline, sqrtf, copysignf, FLT_MIN, )
NAC_DEFINE_BD_PANEL(double, f64, baseline, )
NAC_DEFINE_BD_PANEL(float, f32, baseline, )
#if NAC_BD_HAS_AVX512
NAC_DEFINE_BD_HOUSE(double, f64, avx512, sqrt, copysign, DBL_MIN, NAC_BD_AVX512)
NAC_DEFINE_BD_HOUSE(float, f32, avx512, sqrtf, copysignf, FLT_MIN, NAC_BD_AVX512)
NAC_DEFINE_BD_PANEL(double, f64, avx512, NAC_BD_AVX512)
NAC_DEFINE_BD_PANEL(float, f32, avx512, NAC_BD_AVX512)
#endif

// MARK: Entry points

#if NAC_BD_HAS_AVX512
#define NAC_BD_WHEN_AVX512(STATEMENT) if (avx512 && nac_cpu_has_avx512()) { STATEMENT; }
#else
#define NAC_BD_WHEN_AVX512(STATEMENT)
#endif
#define NAC_DEFINE_BD_ENTRY(T, SFX)                                                                     \
void nac_bidiagonal_panel_##SFX##_variant(int avx512, ptrdiff_t m, ptrdiff_t n, ptrdiff_t nb, T *a,     \
                                          ptrdiff_t lda, T *d, T *e, T *ux, T *yw, T *work) {           \
    NAC_BD_WHEN_AVX512(nac_bd_panel_##SFX##_avx512(m, n, nb, a, lda, d, e, ux, yw, work); return)      \
    (void)avx512;                                                                                      \
    nac_bd_panel_##SFX##_baseline(m, n, nb, a, lda, d, e, ux, yw, work);                               \
}
NAC_DEFINE_BD_ENTRY(double, f64)
NAC_DEFINE_BD_ENTRY(float, f32)
