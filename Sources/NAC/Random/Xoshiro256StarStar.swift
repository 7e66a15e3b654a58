/// xoshiro256** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators", 2021):
/// NAC's seedable generator, 256 bits of state, period 2²⁵⁶ − 1.
///
/// The state is expanded from a 64-bit seed by `SplitMix64`, as the authors recommend, so the same
/// seed gives the same stream on every machine. Sampling (`uniform`, `normal`, `categorical`) is
/// defined through `Double` and then rounded to the requested scalar type, so a `Float` stream is
/// the `Double` stream rounded, element by element.
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: 42)
/// let u: Double = rng.uniform()          // [0, 1)
/// let z: Float = rng.normal()            // N(0, 1)
/// let a = rng.categorical([0.2, 0.8])    // 0 or 1
/// ```
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64
    /// The second Box–Muller variate, kept for the next `normal()` call.
    @usableFromInline var spareNormal: Double?

    /// A generator whose state is four outputs of SplitMix64 seeded with `seed`.
    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        spareNormal = nil
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    @inlinable
    func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A seed for an independent child stream (for example one per environment copy or per
    /// process), derived from this generator's next output.
    public mutating func childSeed() -> UInt64 {
        var sm = SplitMix64(seed: next())
        return sm.next()
    }

    /// Uniform on [0, 1): the top 53 bits of one output times 2⁻⁵³, then rounded to `S`
    /// (a `Float` result that rounds up to 1 is replaced by the largest `Float` below 1).
    @inlinable
    public mutating func uniform<S: NACScalar>(_: S.Type = S.self) -> S {
        let d = Double(next() >> 11) * 0x1.0p-53
        let s = S(d)
        return s < 1 ? s : S(1).nextDown
    }

    /// Uniform on [lower, upper).
    @inlinable
    public mutating func uniform<S: NACScalar>(in range: Range<S>) -> S {
        let d = Double(next() >> 11) * 0x1.0p-53
        let v = S(Double(range.lowerBound) + d * (Double(range.upperBound) - Double(range.lowerBound)))
        return v < range.upperBound ? v : range.upperBound.nextDown
    }

    /// A standard normal variate by the Box–Muller transform (two uniforms give two normals; the
    /// second is returned by the next call).
    public mutating func normal<S: NACScalar>(_: S.Type = S.self) -> S {
        if let z = spareNormal {
            spareNormal = nil
            return S(z)
        }
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = Double((next() >> 11) + 1) * 0x1.0p-53
        let u2 = Double(next() >> 11) * 0x1.0p-53
        let radius = (-2 * Double.log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareNormal = radius * Double.sin(angle)
        return S(radius * Double.cos(angle))
    }

    /// A normal variate with the given mean and standard deviation, computed in `Double` and then
    /// rounded, so that a `Float` stream is the `Double` stream (same parameters) rounded.
    public mutating func normal<S: NACScalar>(mean: S, standardDeviation: S) -> S {
        S(Double(mean) + Double(standardDeviation) * normal(Double.self))
    }

    /// An index drawn with probability proportional to `weights` (non-negative, positive sum):
    /// the first i with u · Σw < w₀ + … + wᵢ.
    public mutating func categorical<S: NACScalar>(_ weights: [S]) -> Int {
        precondition(!weights.isEmpty, "categorical: no weights")
        var total = 0.0
        for w in weights {
            precondition(w >= 0 && w.isFinite, "categorical: weight \(w) is negative or not finite")
            total += Double(w)
        }
        precondition(total > 0, "categorical: weights sum to \(total)")
        let target = Double(next() >> 11) * 0x1.0p-53 * total
        var cumulative = 0.0
        for (i, w) in weights.enumerated() {
            cumulative += Double(w)
            if target < cumulative { return i }
        }
        return weights.lastIndex { $0 > 0 }!
    }
}
