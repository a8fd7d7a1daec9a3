#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Persistent worker threads that pick up pieces of a kernel within a microsecond or two.
///
/// Dispatch's workers took 15–40 µs to wake here, more than a 256×128×128 product takes on one core, so
/// two threads lost on the small matrices of GAN training. These workers spin briefly on an atomic
/// counter after each job before they sleep, and the calling thread works on pieces too and spins until
/// the last one is done. Pieces are claimed from a counter; which thread runs a piece never changes what
/// the piece computes.
final class WorkerPool: @unchecked Sendable {
    /// One published job: its body, its piece count and its own counters, so a slow worker can never
    /// claim a piece of a later job with the body of an earlier one.
    final class Job: @unchecked Sendable {
        let body: (Int) -> Void
        let pieces: Int
        let nextPiece = Atomic<Int>(0)
        let finished = Atomic<Int>(0)

        init(body: @escaping (Int) -> Void, pieces: Int) {
            self.body = body
            self.pieces = pieces
        }

        /// Runs pieces until none is left; returns how many this thread ran.
        @discardableResult
        func work() -> Int {
            var ran = 0
            while true {
                let piece = nextPiece.wrappingAdd(1, ordering: .relaxed).oldValue
                if piece >= pieces { return ran }
                body(piece)
                ran += 1
                finished.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    /// The shared pool.
    static let shared = WorkerPool()

    private let current = Mutex<Job?>(nil)
    /// Whether a job is being run (see `run`).
    private let running = Atomic<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let sleeping = Mutex<[DispatchSemaphore]>([])
    private let workerCount = Atomic<Int>(0)
    /// Workers holding a reference to a job; the caller waits for 0 before its body's lifetime ends.
    private let active = Atomic<Int>(0)
    /// Workers spinning for the next job: awake, on a core (as far as they know) and between jobs.
    private let ready = Atomic<Int>(0)
    /// Until when (monotonic nanoseconds) jobs run on the caller alone (see `run`).
    private let soloUntil = Atomic<UInt64>(0)
    /// The workers' share of the recent pieces, and the length of the next period alone.
    private let share = Mutex(WorkerShare())
    /// Periods alone started since the process began (see `statistics`).
    private let soloPeriods = Atomic<Int>(0)
    /// Spins of a waiting worker before it sleeps (about 0.1 ms): long enough to bridge the serial work
    /// between two threaded kernels of a training step, where a sleeping worker took several microseconds
    /// to wake (2 % of toy-wgangp and mnist-mlp on two threads, measured).
    private static let spinLimit = 200_000

    /// Runs `body` for every piece on the caller and up to `helpers` workers; returns when all are done.
    ///
    /// When the workers do not get to run — they ran under a quarter of their share of the recent pieces
    /// although they were spinning, ready for work, when each job was published — the pieces run on the
    /// caller alone for a while: with a busy loop on the second core, two threads trained toy-small and
    /// digits-mlp 15 % slower than one, as waiting for descheduled workers and their spinning took time from
    /// the caller. The pieces, and so the results, are the same either way.
    ///
    /// One job runs at a time: a call made while another is running (a kernel called from inside a piece,
    /// or from a second thread) runs its pieces on its own thread, so kernels that split their work may
    /// call each other from inside their pieces.
    func run(pieces: Int, helpers: Int, _ body: (Int) -> Void) {
        let alone = soloUntil.load(ordering: .relaxed)
        if alone != 0 && WorkerPool.now() < alone
            || !running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            for piece in 0..<pieces { body(piece) }
            return
        }
        defer { running.store(false, ordering: .releasing) }
        ensureWorkers(helpers)
        // Judged only when every helper was already spinning: a worker still starting, waking from its
        // semaphore or finishing the last job's bookkeeping misses small jobs on an idle machine too (a
        // halted virtual processor can take a millisecond to wake), which would start periods alone on a
        // machine with nothing else to run.
        let readyWorkers = ready.load(ordering: .acquiring)
        let started = WorkerPool.now()
        withoutActuallyEscaping(body) { escapable in
            let job = Job(body: escapable, pieces: pieces)
            current.withLock { $0 = job }
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            let sleepers = sleeping.withLock { list -> [DispatchSemaphore] in
                let woken = list
                list.removeAll()
                return woken
            }
            for semaphore in sleepers { semaphore.signal() }
            let ownPieces = job.work()
            WorkerPool.wait(until: { job.finished.load(ordering: .acquiring) >= pieces })
            // Withdraw the job, then wait until no worker still holds it: the body must not outlive this
            // call (workers take the job and count themselves under the same lock).
            current.withLock { $0 = nil }
            WorkerPool.wait(until: { active.load(ordering: .acquiring) == 0 })
            if WorkerPool.judges(readyWorkers: readyWorkers, helpers: helpers, wokeWorkers: !sleepers.isEmpty,
                                 nanoseconds: WorkerPool.now() &- started) {
                judgeWorkers(pieces: pieces, ownPieces: ownPieces, helpers: helpers)
            }
        }
    }

    /// Whether a job tells anything of the other cores: only when every helper was spinning, ready, as it
    /// was published and none had to be woken, and when it lasted long enough (20 µs) for a worker on a core
    /// to join (a spinning worker takes a few hundred nanoseconds to see a job; the caller can finish a tiny
    /// one before that on any machine).
    static func judges(readyWorkers: Int, helpers: Int, wokeWorkers: Bool, nanoseconds: UInt64) -> Bool {
        readyWorkers >= helpers && !wokeWorkers && nanoseconds >= 20_000
    }

    /// Starts a period of running alone when the workers ran under a quarter of their share of the recent
    /// pieces. (Single stalls do not count: on a virtual machine a worker is held up for a millisecond now
    /// and then when nothing else runs; and as a stall can still fill a window, the first period is short.)
    private func judgeWorkers(pieces: Int, ownPieces: Int, helpers: Int) {
        let alone = share.withLock { $0.record(pieces: pieces, workerPieces: pieces - ownPieces, helpers: helpers) }
        if let alone { startSolo(nanoseconds: alone) }
    }

    /// Whether a job is running: a kernel called now runs inside one of its pieces (or beside it).
    var isRunning: Bool { running.load(ordering: .relaxed) }

    /// Periods in which jobs ran on the caller alone because the workers did not get to run, since the
    /// process started.
    var soloPeriodCount: Int { soloPeriods.load(ordering: .relaxed) }

    /// Monotonic time in nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Runs the next jobs on the caller alone for `nanoseconds` (0 ends such a period and forgets the
    /// workers' record, so the next period starts short again).
    func runAlone(nanoseconds: UInt64) {
        soloUntil.store(nanoseconds == 0 ? 0 : WorkerPool.now() &+ nanoseconds, ordering: .relaxed)
        share.withLock { $0 = WorkerShare() }
    }

    private func startSolo(nanoseconds: UInt64) {
        soloPeriods.wrappingAdd(1, ordering: .relaxed)
        soloUntil.store(WorkerPool.now() &+ nanoseconds, ordering: .relaxed)
    }

    /// Spins until `done()`, yielding the processor after a short while: when the machine is busy a
    /// descheduled worker must get to run, or the spinning caller would hold its core for nothing.
    private static func wait(until done: () -> Bool) {
        var spins = 0
        while !done() {
            spins += 1
            if spins > 2_000 { sched_yield() }
        }
    }

    private func ensureWorkers(_ wanted: Int) {
        while workerCount.load(ordering: .relaxed) < wanted {
            workerCount.wrappingAdd(1, ordering: .relaxed)
            // The generation before the job about to be published: a worker that read it only once running
            // would take that job for an old one and miss it.
            let box = Unmanaged.passRetained(WorkerStart(pool: self, seen: generation.load(ordering: .acquiring)))
            var thread = pthread_t()
            _ = pthread_create(&thread, nil, { context in
                let start = Unmanaged<WorkerStart>.fromOpaque(context!).takeRetainedValue()
                start.pool.workerLoop(seen: start.seen)
                return nil
            }, box.toOpaque())
            pthread_detach(thread)
        }
    }

    /// Takes the current job (counting this worker as active, under the job lock, even when there is
    /// none) and works on it; the reference is gone when this returns.
    private func runCurrentJob() {
        let job = current.withLock { job -> Job? in
            active.wrappingAdd(1, ordering: .relaxed)
            return job
        }
        job?.work()
    }

    private final class WorkerStart {
        let pool: WorkerPool
        let seen: Int
        init(pool: WorkerPool, seen: Int) { (self.pool, self.seen) = (pool, seen) }
    }

    private func workerLoop(seen: Int) {
        // Block SIGINT here: Ctrl-C belongs to the prompt thread.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let semaphore = DispatchSemaphore(value: 0)
        var seen = seen
        while true {
            var spins = 0
            ready.wrappingAdd(1, ordering: .releasing)
            while generation.load(ordering: .acquiring) == seen && spins < WorkerPool.spinLimit { spins += 1 }
            ready.wrappingAdd(-1, ordering: .releasing)
            if generation.load(ordering: .sequentiallyConsistent) == seen {
                sleeping.withLock { $0.append(semaphore) }
                if generation.load(ordering: .sequentiallyConsistent) == seen {
                    semaphore.wait()
                } else {
                    // Work arrived while registering: withdraw, unless the publisher already signalled.
                    let withdrawn = sleeping.withLock { list -> Bool in
                        guard let index = list.firstIndex(where: { $0 === semaphore }) else { return false }
                        list.remove(at: index)
                        return true
                    }
                    if !withdrawn { semaphore.wait() }
                }
                continue
            }
            seen = generation.load(ordering: .acquiring)
            runCurrentJob()
            active.wrappingAdd(-1, ordering: .releasing)
        }
    }
}

/// The workers' part in the recent pieces of a pool's jobs, judged every `windowSize` pieces, and how long
/// to run alone after a window in which they missed out.
///
/// The first period alone is short, and each further window in a row that the workers miss doubles it up
/// to `longestSolo`; a fair window makes it short again. A machine whose other core is really busy soon
/// runs alone in long periods; a stall of a worker on an idle machine costs at most the first, short one.
struct WorkerShare {
    /// Pieces per judgement.
    static let windowSize = 64
    static let shortestSolo: UInt64 = 4_000_000
    static let longestSolo: UInt64 = 64_000_000
    private var pieces = 0, workerPieces = 0
    private var nextSolo = WorkerShare.shortestSolo

    /// Adds a job in which workers ran `workerPieces` of `pieces`; when this completes a window in which
    /// they ran under a quarter of their fair share, helpers / (helpers + 1), how long to run alone.
    mutating func record(pieces: Int, workerPieces: Int, helpers: Int) -> UInt64? {
        self.pieces += pieces
        self.workerPieces += workerPieces
        guard self.pieces >= WorkerShare.windowSize else { return nil }
        let missed = 4 * (helpers + 1) * self.workerPieces < helpers * self.pieces
        (self.pieces, self.workerPieces) = (0, 0)
        guard missed else {
            nextSolo = WorkerShare.shortestSolo
            return nil
        }
        defer { nextSolo = min(2 * nextSolo, WorkerShare.longestSolo) }
        return nextSolo
    }
}
