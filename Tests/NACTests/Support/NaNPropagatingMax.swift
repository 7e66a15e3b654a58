import Testing

/// `max` for floating-point values in the tests: NaN if either argument is NaN.
///
/// `Swift.max(x, y)` is `y >= x ? y : x`, so it drops a NaN second argument: the running
/// `worst = max(worst, error)` of a tolerance check would then pass over NaN results silently.
/// Being more specific than `Swift.max<T: Comparable>`, this overload is the one unqualified
/// `max` calls on `Float` and `Double` get in this module.
func max<T: FloatingPoint>(_ x: T, _ y: T) -> T {
    x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
}

/// `max` of three or more floating-point values, NaN if any is NaN.
func max<T: FloatingPoint>(_ x: T, _ y: T, _ z: T, _ rest: T...) -> T {
    rest.reduce(max(max(x, y), z)) { max($0, $1) }
}

@Suite struct NaNPropagatingMaxTests {
    /// Unqualified `max` in this module resolves to the overload above, whichever argument is NaN.
    @Test func propagatesNaN() {
        var worst = 0.0
        for error in [1.0, .nan, 2.0] { worst = max(worst, error) }
        #expect(worst.isNaN)
        #expect(max(Float.nan, 1).isNaN && max(Float(1), .nan).isNaN)
        #expect(max(1.0, 3.0, .nan).isNaN && max(1.0, 3.0, 2.0) == 3)
        #expect(max(2, 5) == 5)   // integers keep Swift.max
    }
}
