import Plotting
import Workbench

extension Interpreter {

    /// How many earlier games `plot games` can draw.
    static let playedGamesKept = 5

    /// `step N` while a toy game is played.
    func stepGame(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard parameters[StepCommand.every] == 0 && parameters[StepCommand.actions].isEmpty else {
            throw invocation.failure("every=/do= apply to network training; in a game use repeat K { step N; show game }")
        }
        var count = 1
        if let node = invocation.positionals.first {
            count = try invocation.integer(node, in: 0...Int.max, subject: "step",
                                           otherwise: "step \(node.text): a toy game steps both players together; expected a number of steps")
        }
        let before = session.game?.rows.count ?? 0
        var failure: Error?
        var report = TrainingReport(iterationsRun: 0, interrupted: false)
        do {
            report = try session.playGame(steps: count, shouldStop: { environment.interruptRequested() })
        } catch {
            failure = error
        }
        let ran = (session.game?.rows.count ?? 0) - before
        if ran > 0 { session.record(.steps(ran)) }
        if let failure { throw invocation.failure("\(failure)") }
        if report.interrupted { say("interrupted after \(ran) of \(count) steps") }
        if let game = session.game, ran > 0 { say(describeGamePosition(game)) }
    }

    /// ", game step N" while a game is played, else nothing.
    var gameStepNote: String { session.game.map { ", game \($0.spec.name) step \($0.rows.count)" } ?? "" }

    /// `show game`
    func showGame() {
        guard let game = session.game else {
            say("no toy game is being played (game xy or game dirac starts one)")
            return
        }
        say("game " + game.canonicalText)
        say("  " + game.spec.summary)
        say("  " + describeGamePosition(game))
    }

    /// "step 100  x -0.5603  y -2.257  radius 2.326"
    func describeGamePosition(_ game: ToyGame) -> String {
        let (a, b) = game.playerNames
        return "step \(game.rows.count)  \(a) \(NumberText.format(game.first))  \(b) \(NumberText.format(game.second))  radius \(NumberText.format(game.radius))"
    }
}

extension Interpreter {
    /// The current game's trajectory, with the earlier games of the same kind played in this session,
    /// each named by the settings it was given.
    func gamesCanvas(current: ToyGame) -> Canvas {
        let games = playedGames.filter { $0.spec.name == current.spec.name } + [current]
        let trajectories = games.map { game -> Trajectory in
            let start = Point(Double(game.startingPoint.0), Double(game.startingPoint.1))
            let settings = game.parameters.assignments(explicitOnly: true).joined(separator: " ")
            return Trajectory(settings.isEmpty ? "defaults" : settings,
                              points: [start] + game.rows.map { Point($0.first, $0.second) })
        }
        let (a, b) = current.playerNames
        return GameFigure.canvas(trajectories, title: current.title, xLabel: a, yLabel: b,
                                 equilibrium: Point(0, 0))
    }
}
