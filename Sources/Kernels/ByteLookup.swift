/// Bytes mapped through a table of 256 floats: how image files' 8-bit pixels become sample values. It lives
/// here, compiled optimised even in debug builds, because it runs over every pixel of a data set
/// (Fashion-MNIST's training split is 47 million of them).
public enum ByteLookup {
    /// `output[i] = table[Int(input[i])]` for i in 0..<count; `table` holds 256 values.
    public static func map(_ input: UnsafePointer<UInt8>, count: Int, table: UnsafePointer<Float>,
                           into output: UnsafeMutablePointer<Float>) {
        for index in 0..<count { output[index] = table[Int(input[index])] }
    }
}
