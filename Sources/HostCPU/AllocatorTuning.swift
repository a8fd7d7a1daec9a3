#if os(Linux)
/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Settings of the C allocator that suit a training loop.
public enum AllocatorTuning {
    /// Keeps freed memory in the process instead of returning it to the system after every step.
    ///
    /// A training step frees and reallocates the same few megabytes of tensors thousands of times a
    /// second. With glibc's defaults, buffers above 128 KiB are mmap'ed and unmapped each time and the
    /// heap top is trimmed, so every step pays for fresh, zero-filled pages (page faults were 10–15 % of a
    /// small GAN's step). Raising both thresholds keeps those pages mapped.
    public static func keepFreedMemoryForReuse() {
        #if os(Linux)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = glibcMallopt(mmapThreshold, 64 << 20)
        _ = glibcMallopt(trimThreshold, 256 << 20)
        #endif
    }
}
