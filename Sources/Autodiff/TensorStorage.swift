/// The memory behind one or more tensors: a counted, heap-allocated buffer of floats.
///
/// Tensors share storage (reshape, saved values in the graph) and copy it before they write, so callers
/// see value semantics.
final class TensorStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    /// Uninitialised storage for `count` floats; the creator must write every element.
    init(uninitializedCount count: Int) {
        self.count = count
        base = .allocate(capacity: Swift.max(count, 1))
    }

    /// A copy of `count` floats starting at `source`.
    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(uninitializedCount: count)
        base.update(from: source, count: count)
    }

    deinit { base.deallocate() }
}
