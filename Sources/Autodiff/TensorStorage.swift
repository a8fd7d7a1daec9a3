/// The memory behind one or more tensors: a counted, heap-allocated buffer of floats.
///
/// Tensors share storage (reshape, saved values in the graph) and copy it before they write, so callers
/// see value semantics.
final class TensorStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    /// Uninitialised storage for `count` floats; the creator must write every element. Large buffers are
    /// 64-byte aligned (a cache line, an AVX-512 vector), so kernels may stream them with non-temporal
    /// stores; small ones keep malloc's faster path (aligned allocation cost toy-small 5 % of its speed).
    init(uninitializedCount count: Int) {
        self.count = count
        if count >= TensorStorage.alignedCount {
            base = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
                .bindMemory(to: Float.self, capacity: count)
        } else {
            base = .allocate(capacity: Swift.max(count, 1))
        }
    }

    /// Buffers of at least this many floats (256 KiB) are cache-line aligned.
    static let alignedCount = 1 << 16

    /// A copy of `count` floats starting at `source`.
    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(uninitializedCount: count)
        base.update(from: source, count: count)
    }

    deinit { base.deallocate() }
}
