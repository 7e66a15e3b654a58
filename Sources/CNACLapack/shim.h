#ifndef NAC_CNACLAPACK_SHIM_H
#define NAC_CNACLAPACK_SHIM_H
// The only C headers NAC includes: OpenBLAS's CBLAS and LAPACKE (Debian: libopenblas-dev, liblapacke-dev).
#include <cblas.h>
#include <lapacke.h>
#endif
