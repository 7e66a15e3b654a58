#ifndef NAC_CNACKERNELS_H
#define NAC_CNACKERNELS_H
#include <stddef.h>

// The one kernel NAC writes in C: Swift cannot emit non-temporal (streaming) stores, and the
// per-sample Jacobian's outer-product writes are bound by store bandwidth. Plain stores read each
// destination cache line before writing it (read-for-ownership), doubling the memory traffic;
// streaming stores write it directly, as memset does for large buffers.
//
// For every row b < rows, o < m, i < n:
//   dst[b*dst_stride + o*n + i] = alpha * u[b*u_stride + o] * v[b*v_stride + i]      (accumulate == 0)
//   dst[b*dst_stride + o*n + i] += alpha * u[b*u_stride + o] * v[b*v_stride + i]     (accumulate != 0)
// With streaming != 0 and accumulate == 0, stores bypass the cache (x86-64 SSE2), followed by a fence.
void nac_outer_product_rows_f64(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, double alpha,
                                const double *u, ptrdiff_t u_stride, const double *v, ptrdiff_t v_stride,
                                int accumulate, int streaming, double *dst, ptrdiff_t dst_stride);
void nac_outer_product_rows_f32(ptrdiff_t rows, ptrdiff_t m, ptrdiff_t n, float alpha,
                                const float *u, ptrdiff_t u_stride, const float *v, ptrdiff_t v_stride,
                                int accumulate, int streaming, float *dst, ptrdiff_t dst_stride);
#endif
