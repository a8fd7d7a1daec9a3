import Plotting
import Workbench

/// The `game` command.
enum GameCommand: ShellCommand {
    static let spec = CommandSpec(
        "game", summary: "play a two-player toy game (x·y, Dirac-GAN) instead of training the networks; game off ends it",
        discussion: "While a game is played, step N plays N steps of it, show game and show history show where the players are, expect checks x, y (theta, psi), radius and the objectives, and history export writes the trajectory. The networks keep their state; game off returns to them. seed restarts the game from its starting point.",
        positionals: [PositionalSpec("NAME", "xy, dirac or off", completions: .plugins(.game, also: GameSwitch.words))],
        pluginKind: .game,
        examples: ["game xy lr=0.1", "game dirac loss=nonsaturating update=alternating", "game dirac r1=0.3", "game off"])
    static let role = CommandRole.configuration

    /// The word that ends the game instead of naming one.
    enum GameSwitch: String, CommandWord {
        case off
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.game(invocation) }
}

extension Interpreter {
    /// `game NAME key=value…` or `game off`
    func game(_ invocation: Invocation) throws {
        if let current = session.game, !current.rows.isEmpty {
            playedGames.append(current)
            if playedGames.count > Self.playedGamesKept { playedGames.removeFirst() }
        }
        if invocation.text(0) == GameCommand.GameSwitch.off.rawValue {
            guard invocation.assignments.isEmpty else {
                throw invocation.failure("game off takes no settings", at: invocation.named.first?.nameRange)
            }
            guard session.game != nil else { throw invocation.failure("no toy game is being played") }
            session.setGame(nil)
            session.record(.game(nil))
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
        session.record(.game(game.setting))
        say("playing \(spec.name): \(describeGamePosition(game)); step N plays N steps, game off returns to the networks")
    }
}
