/// The reference rate of `nac bench natural-gradient`: a square n × n by n × n matrix product
/// (BLAS gemm, C ← A B with β = 0 into a reused, already mapped C), timed in the same run and
/// scalar type as the routes it is compared with. Its rate is 2n³ flops over the time.
///
/// n = 1024 by default: large enough for OpenBLAS to reach its steady kernel rate (the
/// operands, 8 MiB each in Double, exceed the caches as the routes' operands do), small enough
/// to be timed in a few tens of milliseconds on one core. A and B are N(0, 1) from a seeded
/// generator (the values do not change the time).
public struct GEMMReferenceBenchmarkCase<Scalar: NACScalar>: Sendable {
    /// n.
    public let order: Int
    let left: Matrix<Scalar>
    let right: Matrix<Scalar>

    /// The default order, 1024.
    public static var defaultOrder: Int { 1024 }

    /// - Precondition: n ≥ 1.
    public init(order: Int = defaultOrder, seed: UInt64 = 7) {
        precondition(order >= 1, "GEMMReferenceBenchmarkCase: order \(order)")
        var generator = Xoshiro256StarStar(seed: seed)
        self.order = order
        left = .randomNormal(rows: order, columns: order, using: &generator)
        right = .randomNormal(rows: order, columns: order, using: &generator)
    }

    /// 2n³, the flops of one product.
    public var flopCount: Double { 2 * Double(order) * Double(order) * Double(order) }

    /// A product buffer for `multiply(into:)`, every element written once (mapped).
    public func makeProductBuffer() -> Matrix<Scalar> {
        Matrix(rows: order, columns: order, repeating: 0)
    }

    /// C ← A B by one gemm call.
    /// - Precondition: `product` is n × n.
    public func multiply(into product: inout Matrix<Scalar>) {
        precondition(product.rows == order && product.columns == order,
                     "GEMMReferenceBenchmarkCase: the product buffer is \(product.rows) × \(product.columns), not \(order) × \(order)")
        let n = order
        left.withUnsafeBufferPointer { a in
            right.withUnsafeBufferPointer { b in
                product.withUnsafeMutableBufferPointer { c in
                    Scalar.gemm(.none, .none, m: n, n: n, k: n, alpha: 1, a: a.baseAddress!, lda: n,
                                b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
    }
}
