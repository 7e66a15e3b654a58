/// The library's version.
public enum NACVersion {
    public static let string = "0.1.0"
}
