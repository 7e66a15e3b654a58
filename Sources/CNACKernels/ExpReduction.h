#ifndef NAC_EXP_REDUCTION_H
#define NAC_EXP_REDUCTION_H
// The core shared by the vector exp and tanh kernels (internal; not part of the module's API):
// for a block A of lanes, 2ⁿ (SCALE) and expm1(r) (P) with A = n ln 2 + r, |r| ≤ ln 2 / 2, so that
// exp(A) = 2ⁿ + 2ⁿ expm1(r) and expm1(A) = 2ⁿ expm1(r) + (2ⁿ − 1).
//
// Cody–Waite reduction: n = round(A / ln 2) by the 1.5·2^52 (2^23) shifter, r = (A − n ln2_hi) −
// n ln2_lo with ln2_hi carrying trailing zero bits, so that n ln2_hi is exact; expm1(r) =
// r + r² q(r) with q the Taylor polynomial (degree 13 in double, truncation < 1e-17 relative;
// degree 8 in float, < 1e-9); 2ⁿ built in the exponent bits. The caller keeps A where 2ⁿ is a
// normal number (|A| ≤ 708 in double, ≤ 87 in float).

#define NAC_EXP_REDUCTION_F64(VD, VL, A, SCALE, P)                                                  \
    do {                                                                                            \
        const VD ra_ = (A);                                                                         \
        const double rshifter_ = 0x1.8p52;                                                          \
        const VD rz_ = ra_ * 1.44269504088896338700e+00 + rshifter_;                                \
        const VD rn_ = rz_ - rshifter_;                                                             \
        const VD rr_ = (ra_ - rn_ * 6.93147180369123816490e-01) - rn_ * 1.90821492927058770002e-10; \
        VD rq_ = rr_ * (1.0 / 6227020800) + 1.0 / 479001600;                                        \
        rq_ = rq_ * rr_ + 1.0 / 39916800;                                                           \
        rq_ = rq_ * rr_ + 1.0 / 3628800;                                                            \
        rq_ = rq_ * rr_ + 1.0 / 362880;                                                             \
        rq_ = rq_ * rr_ + 1.0 / 40320;                                                              \
        rq_ = rq_ * rr_ + 1.0 / 5040;                                                               \
        rq_ = rq_ * rr_ + 1.0 / 720;                                                                \
        rq_ = rq_ * rr_ + 1.0 / 120;                                                                \
        rq_ = rq_ * rr_ + 1.0 / 24;                                                                 \
        rq_ = rq_ * rr_ + 1.0 / 6;                                                                  \
        rq_ = rq_ * rr_ + 0.5;                                                                      \
        (P) = rr_ + rr_ * rr_ * rq_;                                                                \
        (SCALE) = (VD)((((VL)rz_) + 1023) << 52);                                                   \
    } while (0)

#define NAC_EXP_REDUCTION_F32(VF, VI, A, SCALE, P)                                                  \
    do {                                                                                            \
        const VF ra_ = (A);                                                                         \
        const float rshifter_ = 0x1.8p23f;                                                          \
        const VF rz_ = ra_ * 1.44269502f + rshifter_;                                               \
        const VF rn_ = rz_ - rshifter_;                                                             \
        const VF rr_ = (ra_ - rn_ * 0.693145752f) - rn_ * 1.42860677e-06f;                          \
        VF rq_ = rr_ * (1.0f / 40320) + 1.0f / 5040;                                                \
        rq_ = rq_ * rr_ + 1.0f / 720;                                                               \
        rq_ = rq_ * rr_ + 1.0f / 120;                                                               \
        rq_ = rq_ * rr_ + 1.0f / 24;                                                                \
        rq_ = rq_ * rr_ + 1.0f / 6;                                                                 \
        rq_ = rq_ * rr_ + 0.5f;                                                                     \
        (P) = rr_ + rr_ * rr_ * rq_;                                                                \
        (SCALE) = (VF)((((VI)rz_) + 127) << 23);                                                    \
    } while (0)

#endif
