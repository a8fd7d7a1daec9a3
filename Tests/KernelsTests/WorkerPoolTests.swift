import XCTest
import Synchronization
@testable import Kernels

final class WorkerPoolTests: XCTestCase {
    /// The share is judged once per window of 64 pieces: a window where the one helper ran under a quarter
    /// of its fair half (under 8 of 64 pieces) says "run alone"; partial windows and fair ones do not.
    func testWorkerShareIsJudgedOverWholeWindows() {
        var share = WorkerShare()
        for job in 0..<31 { XCTAssertNil(share.record(pieces: 2, workerPieces: 0, helpers: 1), "job \(job)") }
        XCTAssertNotNil(share.record(pieces: 2, workerPieces: 0, helpers: 1))
        for job in 0..<31 { XCTAssertNil(share.record(pieces: 2, workerPieces: job < 7 ? 1 : 0, helpers: 1)) }
        XCTAssertNotNil(share.record(pieces: 2, workerPieces: 0, helpers: 1), "7 of 64 is under a quarter of half")
        for _ in 0..<31 { XCTAssertNil(share.record(pieces: 2, workerPieces: 0, helpers: 1)) }
        XCTAssertNil(share.record(pieces: 2, workerPieces: 8, helpers: 1), "8 of 64 is a quarter of half")
        for _ in 0..<15 { XCTAssertNil(share.record(pieces: 4, workerPieces: 3, helpers: 3)) }
        XCTAssertNil(share.record(pieces: 4, workerPieces: 3, helpers: 3), "three helpers at their fair 3/4")
        XCTAssertNotNil(share.record(pieces: 64, workerPieces: 11, helpers: 3), "11 of 64 is under 3/16")
    }

    /// Missed windows in a row double the period alone, from short to long; a fair window makes it short.
    func testPeriodsAloneGrowWhileTheWorkersKeepMissingOut() {
        var share = WorkerShare()
        let missed = { (share: inout WorkerShare) in share.record(pieces: 64, workerPieces: 0, helpers: 1) }
        XCTAssertEqual(missed(&share), WorkerShare.shortestSolo)
        XCTAssertEqual(missed(&share), 2 * WorkerShare.shortestSolo)
        XCTAssertEqual(missed(&share), 4 * WorkerShare.shortestSolo)
        for _ in 0..<10 { _ = missed(&share) }
        XCTAssertEqual(missed(&share), WorkerShare.longestSolo)
        XCTAssertNil(share.record(pieces: 64, workerPieces: 32, helpers: 1))
        XCTAssertEqual(missed(&share), WorkerShare.shortestSolo)
    }

    /// Jobs that cannot show whether the other cores are busy are not judged: a helper not yet spinning
    /// (starting, or woken from its sleep: a halted virtual processor can take a millisecond to wake, on an
    /// idle machine) and jobs too short for a spinning helper to join.
    func testOnlyJobsThatAReadyHelperCouldJoinAreJudged() {
        XCTAssertTrue(WorkerPool.judges(readyWorkers: 1, helpers: 1, wokeWorkers: false, nanoseconds: 20_000))
        XCTAssertFalse(WorkerPool.judges(readyWorkers: 0, helpers: 1, wokeWorkers: false, nanoseconds: 1_000_000))
        XCTAssertFalse(WorkerPool.judges(readyWorkers: 1, helpers: 1, wokeWorkers: true, nanoseconds: 1_000_000))
        XCTAssertFalse(WorkerPool.judges(readyWorkers: 1, helpers: 1, wokeWorkers: false, nanoseconds: 19_999))
        XCTAssertFalse(WorkerPool.judges(readyWorkers: 2, helpers: 3, wokeWorkers: false, nanoseconds: 1_000_000))
    }

    /// While the pool runs alone every piece runs on the calling thread, and each piece still runs once;
    /// afterwards the workers take pieces again.
    func testPiecesRunOnTheCallerWhileThePoolRunsAlone() {
        let pool = WorkerPool.shared
        defer { pool.runAlone(nanoseconds: 0) }
        let caller = pthread_self()
        pool.runAlone(nanoseconds: 60_000_000_000)
        var ranOnCaller = [Bool](repeating: false, count: 16)
        ranOnCaller.withUnsafeMutableBufferPointer { flags in
            let flags = UncheckedSendable(flags)
            pool.run(pieces: 16, helpers: 1) { piece in flags.value[piece] = pthread_equal(pthread_self(), caller) != 0 }
        }
        XCTAssertEqual(ranOnCaller, [Bool](repeating: true, count: 16))
        pool.runAlone(nanoseconds: 0)
        // A piece on the caller waits until another thread has run a piece (or a minute has passed, which
        // only a pool that never hands work to its workers would take): the outcome does not depend on how
        // busy the machine is, only on the workers joining at all.
        let otherThreads = Atomic<Int>(0)
        let runs = Atomic<Int>(0)
        let deadline = WorkerPool.now() + 60_000_000_000
        pool.run(pieces: 64, helpers: 1) { _ in
            runs.wrappingAdd(1, ordering: .relaxed)
            if pthread_equal(pthread_self(), caller) == 0 {
                otherThreads.wrappingAdd(1, ordering: .relaxed)
            } else {
                while otherThreads.load(ordering: .relaxed) == 0 && WorkerPool.now() < deadline { usleep(100) }
            }
        }
        XCTAssertEqual(runs.load(ordering: .relaxed), 64)
        XCTAssertGreaterThan(otherThreads.load(ordering: .relaxed), 0)
    }

    /// A kernel may call another from inside its pieces: the inner call runs on the thread of the piece
    /// that made it, and every inner and outer piece runs exactly once.
    func testPiecesMayCallKernelsThatSplitTheirWork() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        ComputeThreads.count = 2
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 6 * 5)
        defer { counts.deallocate() }
        counts.update(repeating: 0, count: 30)
        let shared = UncheckedSendable(counts)
        for _ in 0..<200 {
            // Not a period alone (which a busy machine can start): the outer pieces must go to the workers.
            WorkerPool.shared.runAlone(nanoseconds: 0)
            ComputeThreads.forEachPiece(6) { outer in
                let thread = pthread_self()
                var sameThread = true
                ComputeThreads.forEachPiece(5) { inner in
                    shared.value[outer * 5 + inner] += 1
                    sameThread = sameThread && pthread_equal(pthread_self(), thread) != 0
                }
                XCTAssertTrue(sameThread, "an inner piece of piece \(outer) ran on another thread")
            }
        }
        XCTAssertEqual(Array(UnsafeBufferPointer(start: counts, count: 30)), [Int](repeating: 200, count: 30))
    }
}
