import XCTest
import Synchronization
@testable import Kernels

final class WorkerPoolTests: XCTestCase {
    /// The share is judged once per window of 64 pieces: a window where the one helper ran under a quarter
    /// of its fair half (under 8 of 64 pieces) says "run alone"; partial windows and fair ones do not.
    func testWorkerShareIsJudgedOverWholeWindows() {
        var share = WorkerShare()
        for job in 0..<31 { XCTAssertFalse(share.record(pieces: 2, workerPieces: 0, helpers: 1), "job \(job)") }
        XCTAssertTrue(share.record(pieces: 2, workerPieces: 0, helpers: 1))
        for job in 0..<31 { XCTAssertFalse(share.record(pieces: 2, workerPieces: job < 7 ? 1 : 0, helpers: 1)) }
        XCTAssertTrue(share.record(pieces: 2, workerPieces: 0, helpers: 1), "7 of 64 is under a quarter of half")
        for _ in 0..<31 { XCTAssertFalse(share.record(pieces: 2, workerPieces: 0, helpers: 1)) }
        XCTAssertFalse(share.record(pieces: 2, workerPieces: 8, helpers: 1), "8 of 64 is a quarter of half")
        for _ in 0..<15 { XCTAssertFalse(share.record(pieces: 4, workerPieces: 3, helpers: 3)) }
        XCTAssertFalse(share.record(pieces: 4, workerPieces: 3, helpers: 3), "three helpers at their fair 3/4")
        XCTAssertTrue(share.record(pieces: 64, workerPieces: 11, helpers: 3), "11 of 64 is under 3/16")
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
        pool.run(pieces: 2, helpers: 1) { _ in }  // starts a worker, which joins from the next job on
        usleep(20_000)
        // Long pieces, so that the woken helper gets some of them (tried a few times: a busy machine may
        // keep it off a core for one job).
        let otherThreads = Atomic<Int>(0)
        for _ in 0..<10 where otherThreads.load(ordering: .relaxed) == 0 {
            pool.runAlone(nanoseconds: 0)  // a low share in the last try must not keep the helper out
            let runs = Atomic<Int>(0)
            pool.run(pieces: 64, helpers: 1) { _ in
                runs.wrappingAdd(1, ordering: .relaxed)
                if pthread_equal(pthread_self(), caller) == 0 { otherThreads.wrappingAdd(1, ordering: .relaxed) }
                usleep(500)
            }
            XCTAssertEqual(runs.load(ordering: .relaxed), 64)
        }
        XCTAssertGreaterThan(otherThreads.load(ordering: .relaxed), 0)
    }
}
