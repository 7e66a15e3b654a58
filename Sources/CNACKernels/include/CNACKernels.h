#ifndef NAC_CNACKERNELS_H
#define NAC_CNACKERNELS_H
#include <stddef.h>

// NAC's C kernels, for what Swift cannot express: non-temporal stores, and code compiled for an
// instruction set chosen at run time.
//
// 1. Outer products: Swift cannot emit non-temporal (streaming) stores, and the
// per-sample Jacobian's outer-product writes are bound by store bandwidth. Plain stores read each
// destination cache line before writing it (read-for-ownership), doubling the memory traffic;
// streaming stores write it directly, as memset does for large buffers.
//
// For every row b < rows, o < m, i < n:
//   dst[b*dst_stride + o*n + i] = alpha * u[b*u_stride + o] * v[b*v_stride + i]      (accumulate == 0)
//   dst[b*dst_stride + o*n + i] += alpha * u[b*u_stride + o] * v[b*v_stride + i]     (accumulate != 0)
// With streaming != 0 and accumulate == 0, stores bypass the cache (x86-64 SSE2; with AVX-512,
// blocks whose n is not a multiple of the 16-byte vector as one flat run of 64-byte stores),
// followed by a fence.
void nac_outer_product_rows_f64(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, double alpha,
                                const double *u, ptrdiff_t u_stride, const double *v, ptrdiff_t v_stride,
                                int accumulate, int streaming, double *dst, ptrdiff_t dst_stride);
void nac_outer_product_rows_f32(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, float alpha,
                                const float *u, ptrdiff_t u_stride, const float *v, ptrdiff_t v_stride,
                                int accumulate, int streaming, float *dst, ptrdiff_t dst_stride);

// 2. tanh: y[i] = tanh(x[i]) and, when d1 is not NULL, d1[i] = 1 − y[i]², for count elements (x and
// y may alias). Vectorised; AVX-512 or AVX2 + FMA when the CPU has them (checked once), SSE2
// otherwise; a few ulp from the correctly rounded result, NaN and ±0 preserved (see Tanh.c).
void nac_tanh_f64(ptrdiff_t count, const double *x, double *y, double *d1);
void nac_tanh_f32(ptrdiff_t count, const float *x, float *y, float *d1);
// The version the tanh kernels run on this CPU: 2 (AVX-512), 1 (AVX2 + FMA) or 0 (baseline).
int nac_tanh_vector_level(void);
// For tests: the version of that level (0, 1, 2), or the best this CPU has below it.
void nac_tanh_f64_variant(int level, ptrdiff_t count, const double *x, double *y, double *d1);
void nac_tanh_f32_variant(int level, ptrdiff_t count, const float *x, float *y, float *d1);

// 2b. exp and log: y[i] = exp(x[i]) or log(x[i]) for count elements (x and y may alias).
// Vectorised like tanh (AVX-512, AVX2 + FMA or SSE2, by CPU); within about 1 ulp of the correctly
// rounded result; every special case (overflow, underflow, x ≤ 0 for log, ±inf, NaN) as libm,
// which computes those lanes (see ExpLog.c). The _variant forms run a chosen level (tests): 0, 1,
// 2, or the best this CPU has below it; the level is nac_tanh_vector_level().
void nac_exp_f64(ptrdiff_t count, const double *x, double *y);
void nac_exp_f32(ptrdiff_t count, const float *x, float *y);
void nac_log_f64(ptrdiff_t count, const double *x, double *y);
void nac_log_f32(ptrdiff_t count, const float *x, float *y);
void nac_exp_f64_variant(int level, ptrdiff_t count, const double *x, double *y);
void nac_exp_f32_variant(int level, ptrdiff_t count, const float *x, float *y);
void nac_log_f64_variant(int level, ptrdiff_t count, const double *x, double *y);
void nac_log_f32_variant(int level, ptrdiff_t count, const float *x, float *y);

// 3. A few rows times a tall matrix, reading it once: out (k × n) = C (k × m) · A (m × n), C
// row-major k × m, A with row stride a_row_stride, out row-major k × n (overwritten; it must not
// overlap C or A). For k up to a handful (say ≤ 8) and large A, where gemm's packing would read A
// two or three times. AVX2 + FMA when the CPU has them, baseline otherwise.
void nac_few_rows_product_f64(ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const double *c, const double *a,
                              ptrdiff_t a_row_stride, double *out);
void nac_few_rows_product_f32(ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const float *c, const float *a,
                              ptrdiff_t a_row_stride, float *out);
// For tests: the baseline version (avx2 == 0) or the AVX2 + FMA one (when the CPU has them).
void nac_few_rows_product_f64_variant(int avx2, ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const double *c,
                                      const double *a, ptrdiff_t a_row_stride, double *out);
void nac_few_rows_product_f32_variant(int avx2, ptrdiff_t k, ptrdiff_t m, ptrdiff_t n, const float *c,
                                      const float *a, ptrdiff_t a_row_stride, float *out);
// 3b. Segments of chosen rows, scaled, into consecutive columns (the least-squares route's wide
// system): destination[k·destination_stride + i] = scales[rows[k]] · source[rows[k]·source_row_stride + i]
// for k < row_count, i < count; the destination must not overlap the source. Four rows at a time.
void nac_copy_scaled_row_segments_f64(ptrdiff_t row_count, ptrdiff_t count, const double *source,
                                      const ptrdiff_t *rows, ptrdiff_t source_row_stride, const double *scales,
                                      double *destination, ptrdiff_t destination_stride);
void nac_copy_scaled_row_segments_f32(ptrdiff_t row_count, ptrdiff_t count, const float *source,
                                      const ptrdiff_t *rows, ptrdiff_t source_row_stride, const float *scales,
                                      float *destination, ptrdiff_t destination_stride);
// For tests: the baseline version (avx2 == 0) or the AVX2 one (when the CPU has it).
void nac_copy_scaled_row_segments_f64_variant(int avx2, ptrdiff_t row_count, ptrdiff_t count, const double *source,
                                              const ptrdiff_t *rows, ptrdiff_t source_row_stride,
                                              const double *scales, double *destination, ptrdiff_t destination_stride);
void nac_copy_scaled_row_segments_f32_variant(int avx2, ptrdiff_t row_count, ptrdiff_t count, const float *source,
                                              const ptrdiff_t *rows, ptrdiff_t source_row_stride,
                                              const float *scales, float *destination, ptrdiff_t destination_stride);
// 4. Column inner products for Householder QR, column-major operands (ld* = leading dimensions):
//   w[i + j*ldw] += Σ_{r<k} v[r + i*ldv] · c[r + j*ldc]     (W (p × q) += Vᵀ C; V k × p, C k × q)
// reading C in place (no packing), for k long and p, q small; and Σ_{i<n} x[i]², unscaled (the
// caller guards overflow and underflow).
// avx512 != 0 asks for the AVX-512 version (taken when the CPU has it), 0 for the plain loop
// (tests); nac_inner_products_use_avx512() says which the CPU gets.
int nac_inner_products_use_avx512(void);
void nac_column_inner_products_f64_variant(int avx512, ptrdiff_t k, ptrdiff_t p, ptrdiff_t q, const double *v,
                                           ptrdiff_t ldv, const double *c, ptrdiff_t ldc, double *w, ptrdiff_t ldw);
void nac_column_inner_products_f32_variant(int avx512, ptrdiff_t k, ptrdiff_t p, ptrdiff_t q, const float *v,
                                           ptrdiff_t ldv, const float *c, ptrdiff_t ldc, float *w, ptrdiff_t ldw);
double nac_sum_of_squares_f64_variant(int avx512, ptrdiff_t n, const double *x);
float nac_sum_of_squares_f32_variant(int avx512, ptrdiff_t n, const float *x);
// 5. One panel of a values-only Householder bidiagonalisation (BidiagonalPanel.c). For the m × n
// column-major a (m ≥ n ≥ nb ≥ 1, leading dimension lda): nb steps of Golub–Kahan reduction, the
// diagonal into d[0..nb) and the superdiagonal into e[0..nb) (e[nb − 1] is the coupling to column
// nb; when nb == n, e[n − 1] is not written). The updates of the trailing (m − nb) × (n − nb) block
// are deferred: the caller subtracts ux[nb.., 0..2nb) · yw[nb.., 0..2nb)ᵀ (ux m × 2nb with leading
// dimension m, yw n × 2nb with leading dimension n; both overwritten). work: 2m + 4n + 6nb
// scalars. The first nb rows and columns of a are left unspecified. Scale a so that its largest
// magnitude is about 1 first (reflectors of a norm below the smallest normal number are skipped).
// avx512 as for the inner products (0: the plain loops, for tests).
void nac_bidiagonal_panel_f64_variant(int avx512, ptrdiff_t m, ptrdiff_t n, ptrdiff_t nb, double *a,
                                      ptrdiff_t lda, double *d, double *e, double *ux, double *yw, double *work);
void nac_bidiagonal_panel_f32_variant(int avx512, ptrdiff_t m, ptrdiff_t n, ptrdiff_t nb, float *a,
                                      ptrdiff_t lda, float *d, float *e, float *ux, float *yw, float *work);
// 6. Whole per-sample Jacobian rows in order (JacobianRows.c). Row b (b < rows) of dst (row
// stride dst_stride, `columns` columns) gets, for every segment in order (sorted by offset, not
// overlapping, each inside the row):
//   n > 0: dst[b*dst_stride + offset + o*n + i] = u[b*u_stride + o] * v[b*v_stride + i]   (o < m, i < n)
//   n = 0: dst[b*dst_stride + offset + i] = u[b*u_stride + i]                             (i < m)
// and zeros in every column no segment covers; the whole row is written before the next.
// avx2 != 0 asks for the AVX2 version (taken when the CPU has AVX2 and FMA), 0 for the plain loops.
// Ordinary stores: for destinations that fit in the cache (a streaming variant, building each row
// in a scratch buffer and copying it out with non-temporal stores, measured 0.82-0.94x as fast as
// the engine's block-by-block streaming on Jacobians of 23-187 MB).
typedef struct { ptrdiff_t offset, m, n; const double *u; ptrdiff_t u_stride; const double *v; ptrdiff_t v_stride; }
    nac_jacobian_segment_f64;
typedef struct { ptrdiff_t offset, m, n; const float *u; ptrdiff_t u_stride; const float *v; ptrdiff_t v_stride; }
    nac_jacobian_segment_f32;
void nac_jacobian_rows_f64_variant(int avx2, ptrdiff_t rows, ptrdiff_t columns, const nac_jacobian_segment_f64 *segments,
                                   ptrdiff_t count, double *dst, ptrdiff_t dst_stride);
void nac_jacobian_rows_f32_variant(int avx2, ptrdiff_t rows, ptrdiff_t columns, const nac_jacobian_segment_f32 *segments,
                                   ptrdiff_t count, float *dst, ptrdiff_t dst_stride);
#endif
