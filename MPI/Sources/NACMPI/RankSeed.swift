import NAC

/// Reproducible, independent random streams per rank, derived from one job seed.
///
/// Rank r's seed is the (r + 1)-th `childSeed()` of `Xoshiro256StarStar(seed: seed)`: it
/// depends only on (seed, rank) — not on the number of processes — so rank r of a run with 2
/// processes and rank r of a run with 8 draw the same stream, and rerunning a job with the same
/// seed and process count repeats it exactly. Each rank then seeds its own environments from
/// its own generator (for example `childSeed()` once per environment copy).
///
/// ```swift
/// var rng = Xoshiro256StarStar(seed: RankSeed.seed(20240607, rank: world.rank))
/// ```
public enum RankSeed {
    /// The seed of rank `rank` (≥ 0) for the job seed `seed`.
    /// - Complexity: O(rank).
    public static func seed(_ seed: UInt64, rank: Int) -> UInt64 {
        precondition(rank >= 0, "RankSeed: negative rank \(rank)")
        var generator = Xoshiro256StarStar(seed: seed)
        var child = generator.childSeed()
        for _ in 0..<rank { child = generator.childSeed() }
        return child
    }
}

extension Communicator {
    /// This rank's generator for the job seed `seed` (see `RankSeed`).
    public func generator(seed: UInt64) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: RankSeed.seed(seed, rank: rank))
    }
}
