import Autodiff
import Plotting
import Workbench

extension Interpreter {
    /// `game NAME key=value…` or `game off`
    func game(_ invocation: Invocation) throws {
        if let current = session.game, !current.rows.isEmpty {
            playedGames.append(current)
            if playedGames.count > Self.playedGamesKept { playedGames.removeFirst() }
        }
        if invocation.text(0) == "off" {
            guard invocation.assignments.isEmpty else {
                throw invocation.failure("game off takes no settings", at: invocation.named.first?.nameRange)
            }
            guard session.game != nil else { throw invocation.failure("no toy game is being played") }
            session.setGame(nil)
            session.journal.append("game off")
            say("the toy game is over; step trains the networks again (at iteration \(session.iteration))")
            return
        }
        let type = try plugin(invocation, "game", Plugins.games.all, spec: { $0.spec }, named: Plugins.games.named)
        let spec = type.spec
        let parameters = try ParameterValues(spec, assignments: invocation.assignments)
        let game: ToyGame
        do {
            game = ToyGame(try type.init(parameters))
        } catch let error as SessionError {
            throw invocation.failure(error.description)
        }
        session.setGame(game)
        session.journal.append("game " + game.canonicalText)
        say("playing \(spec.name): \(describeGamePosition(game)); step N plays N steps, game off returns to the networks")
    }

    /// How many earlier games `plot games` can draw.
    static let playedGamesKept = 5

    /// `freeze G|D|none`
    func freeze(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else {
            throw invocation.failure("freeze needs a player: G, D, both or none; usage: \(invocation.spec.usage)")
        }
        let canonical: String
        switch node.text {
        case "G", "g", "generator":
            session.setFrozen(.generator, true)
            canonical = "G"
        case "D", "d", "discriminator", "critic":
            session.setFrozen(.discriminator, true)
            canonical = "D"
        case "both":
            for player in Player.allCases { session.setFrozen(player, true) }
            canonical = "both"
        case "none":
            for player in Player.allCases { session.setFrozen(player, false) }
            canonical = "none"
        default: throw invocation.failure("unknown player '\(node.text)'; expected G, D, both or none", at: node.range)
        }
        session.journal.append("freeze \(canonical)")
        let names = Player.allCases.filter { session.isFrozen($0) }.map(\.rawValue)
        say(names.isEmpty ? "both players update again"
                          : "frozen: \(names.joined(separator: " and ")) (gradients still computed and recorded, no updates)")
    }

    /// `step N` while a toy game is played.
    func stepGame(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard parameters.integer("every") == 0 && parameters.text("do").isEmpty else {
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
        if ran > 0 { session.journal.append("step \(ran)") }
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
        return "step \(game.rows.count)  \(a) \(Tensor.format(game.first))  \(b) \(Tensor.format(game.second))  radius \(Tensor.format(Float(game.radius)))"
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
