import Workbench

/// Leaving a session with training that no file holds: the interactive prompt warns once, as an editor
/// does, and leaves on the second request. What counts as saved is the journal: `save FILE.gan` and
/// `checkpoint save FILE` write the session as it is (and `checkpoint load FILE` reads one that is), so the
/// iterations in journal entries after what the last of them held are the ones leaving would lose.
extension Interpreter {
    /// Iterations trained since the last save or checkpoint: those of the journal's entries past its common
    /// part with the journal that was saved. A session taken back to a saved state (`restore`) has none; a
    /// session started over (`seed`) has only what it trained since.
    var unsavedIterations: Int { iterationsTrained(since: savedJournal) }

    /// The iterations in the journal's entries past its common part with `earlier`.
    func iterationsTrained(since earlier: [JournalEntry]) -> Int {
        let common = zip(session.journal, earlier).prefix { $0 == $1 }.count
        return session.journal.dropFirst(common).reduce(0) { $0 + $1.iterations }
    }

    /// Records that a file now holds the session as it is.
    func markSaved() { savedJournal = session.journal }

    /// The warning to print instead of leaving, or nil to leave: only where leaving is confirmed (the
    /// interactive prompt), only with unsaved training, and once: asking again leaves, unless more was
    /// trained since the warning.
    func leavingWarning() -> String? {
        guard confirmsLeavingUnsavedTraining else { return nil }
        let unsaved = unsavedIterations
        guard unsaved > 0 else { return nil }
        if let warnedJournal, iterationsTrained(since: warnedJournal) == 0 { return nil }
        warnedJournal = session.journal
        return "warning: \(unsaved) iteration\(unsaved == 1 ? "" : "s") trained since the last save/checkpoint; "
            + "quit again (or Ctrl-D) to leave without saving"
    }
}
