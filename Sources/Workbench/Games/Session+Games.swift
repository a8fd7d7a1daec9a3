import Autodiff

/// The game columns `show history`, `history export` and `expect` know, in order.
public enum GameColumns {
    /// Column names for a game whose players are called `first` and `second`.
    public static func names(_ players: (first: String, second: String)) -> [String] {
        ["iteration", players.first, players.second, "radius", "\(players.first)_loss", "\(players.second)_loss"]
    }

    /// A row's values in the order of `names`.
    public static func values(_ row: GameRow) -> [Double] {
        [Double(row.iteration), row.first, row.second, row.radius, row.firstLoss, row.secondLoss]
    }
}

extension Session {
    /// Starts playing a toy game instead of training the networks (which keep their state for `game off`).
    public func setGame(_ newGame: ToyGame?) { game = newGame }

    /// Plays `steps` steps of the game, polling `shouldStop` before each; stops with the game as it was
    /// before a step whose numbers stop being finite.
    @discardableResult
    public func playGame(steps: Int, shouldStop: () -> Bool = { false }) throws -> TrainingReport {
        guard var current = game else { throw SessionError("no toy game is being played (start one with game xy or game dirac)") }
        defer { game = current }
        for done in 0..<steps {
            if shouldStop() { return TrainingReport(iterationsRun: done, interrupted: true) }
            let positions = streams.positions
            do {
                _ = try current.step(using: stream("game"))
            } catch {
                streams.restore(positions: positions)
                throw error
            }
        }
        return TrainingReport(iterationsRun: steps, interrupted: false)
    }

    /// The series of one game column by name, nil when there is no game or no such column.
    public func gameSeries(_ column: String) -> [Double]? {
        guard let game, let index = GameColumns.names(game.playerNames).firstIndex(of: column) else { return nil }
        return game.rows.map { GameColumns.values($0)[index] }
    }
}

extension Session {
    /// What `show history` and `history export` print: the game's steps while a game is played, else one
    /// row per training iteration (wall time last).
    public var recordTable: (columns: [String], rows: [[Double]]) {
        if let game { return (GameColumns.names(game.playerNames), game.rows.map(GameColumns.values)) }
        return (History.columns, history.rows.map(\.values))
    }

    /// The recorded series of a column of `recordTable`, nil when there is no such column.
    public func recordSeries(_ column: String) -> [Double]? {
        if game != nil { return gameSeries(column) }
        return history.series(column)
    }
}
