#ifndef NAC_VECTOR_TYPES_H
#define NAC_VECTOR_TYPES_H
// The compiler's vector extensions used by the elementwise kernels (internal; not part of the
// module's API): blocks of 4 doubles / 8 floats (32 bytes) and, for AVX-512, 8 / 16 (64 bytes),
// each with the integer vector of the same lane width for bit manipulation and lane masks.
#include <stdint.h>

typedef double nac_v4d __attribute__((vector_size(32)));
typedef int64_t nac_v4l __attribute__((vector_size(32)));
typedef float nac_v8f __attribute__((vector_size(32)));
typedef int32_t nac_v8i __attribute__((vector_size(32)));
typedef double nac_v8d __attribute__((vector_size(64)));
typedef int64_t nac_v8l __attribute__((vector_size(64)));
typedef float nac_v16f __attribute__((vector_size(64)));
typedef int32_t nac_v16i __attribute__((vector_size(64)));

#endif
