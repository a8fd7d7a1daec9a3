import XCTest
import HostCPU

/// Fails fast with a clear message on a processor without AVX2/FMA, before a kernel can trap.
final class ProcessorCheckTests: XCTestCase {
    func testProcessorHasTheVectorExtensionsTheKernelsNeed() {
        XCTAssertNil(CPUFeatures.unsupportedMessage())
    }
}
