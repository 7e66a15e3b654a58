/// A parameter tensor's name and its place in θ (for listings, exports and error messages).
public struct NamedParameterSlice: Sendable, Hashable {
    public var name: String
    public var slice: ParameterSlice
    public init(name: String, slice: ParameterSlice) {
        self.name = name
        self.slice = slice
    }
}
