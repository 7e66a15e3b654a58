extension Matrix {
    /// A matrix of independent N(mean, standardDeviation²) entries, drawn row by row from `generator`.
    public static func randomNormal(
        rows: Int, columns: Int, mean: Scalar = 0, standardDeviation: Scalar = 1,
        using generator: inout Xoshiro256StarStar
    ) -> Matrix {
        var elements = [Scalar]()
        elements.reserveCapacity(rows * columns)
        for _ in 0..<(rows * columns) {
            elements.append(generator.normal(mean: mean, standardDeviation: standardDeviation))
        }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }

    /// A matrix of independent N(mean, standardDeviation²) entries from a fresh generator seeded with `seed`.
    public static func randomNormal(
        rows: Int, columns: Int, mean: Scalar = 0, standardDeviation: Scalar = 1, seed: UInt64
    ) -> Matrix {
        var generator = Xoshiro256StarStar(seed: seed)
        return randomNormal(rows: rows, columns: columns, mean: mean,
                            standardDeviation: standardDeviation, using: &generator)
    }

    /// A matrix of independent uniform entries on `range`.
    public static func randomUniform(
        rows: Int, columns: Int, in range: Range<Scalar>, using generator: inout Xoshiro256StarStar
    ) -> Matrix {
        var elements = [Scalar]()
        elements.reserveCapacity(rows * columns)
        for _ in 0..<(rows * columns) { elements.append(generator.uniform(in: range)) }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }
}
