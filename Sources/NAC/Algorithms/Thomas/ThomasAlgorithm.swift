/// The natural actor-critics of spec/thomas2014.md §2, by the names `nac train --algorithm`
/// takes.
public enum ThomasAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    /// NAC-LSTD (Peters & Schaal 2008) with Thomas's f(t) switch, spec §2.2: `NACLSTD`.
    case nacLSTD = "nac-lstd"
    /// Episodic NAC (Peters & Schaal 2008), spec §2.3: `EpisodicNAC`.
    case enac = "enac"
    /// Thomas (2014) Algorithm 1, spec §2.4: `ENAC2`.
    case enac2 = "enac2"
    /// Thomas (2014) Algorithm 2, NAC-S(λ), spec §2.5: `NACS`.
    case nacS = "nac-s"
    /// INAC (Degris, Pilarski & Sutton 2012), spec §2.7: `INAC`.
    case inac = "inac"
    /// Bhatnagar, Sutton, Ghavamzadeh & Lee (2009) Algorithm 3, spec §2.6: `BhatnagarNAC`.
    case bhatnagar = "bhatnagar"

    public var description: String { rawValue }

    /// Whether the algorithm has the f(t) switch (biased f = 1 / unbiased f = γ^t).
    /// Whether the algorithm uses the discount γ: all but Bhatnagar et al.'s Algorithm 3, whose
    /// TD error is average-reward.
    public var usesDiscount: Bool { self != .bhatnagar }

    public var hasBiasSwitch: Bool {
        switch self {
        case .nacLSTD, .enac2, .nacS, .inac: true
        case .enac, .bhatnagar: false
        }
    }

    /// Whether it optimises the discounted objective (so γ = 1 needs an episodic task). INAC and
    /// Bhatnagar's algorithm are average-reward methods.
    var isDiscounted: Bool {
        switch self {
        case .nacLSTD, .enac, .enac2, .nacS: true
        case .inac, .bhatnagar: false
        }
    }
}
