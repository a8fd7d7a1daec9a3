import Workbench

/// The declarations of every command: name, aliases, summary, discussion, arguments and examples.
enum CommandSpecs {
    static let help = CommandSpec(
        "help", aliases: ["?"], summary: "explain a command, a plugin, or search the help for a word",
        discussion: "Without a topic, lists the commands. With a command name, shows its usage, parameters and examples; with a plugin name (a loss, data set, metric, trick, optimizer), its definition, parameters and source; with any other word, every command and plugin whose help mentions it.",
        positionals: [PositionalSpec("TOPIC", "a command, plugin or word", completions: .topics, optional: true)],
        examples: ["help", "help step", "help wgan-gp", "help collapse"])

    /// What `list` lists: commands, every plugin kind, snapshots.
    static let listKinds = ["commands"] + PluginKind.allCases.map { $0.listWords[0] } + ["snapshots"]

    static let list = CommandSpec(
        "list", summary: "list the plugins of one kind with their summaries, or the names of every kind",
        discussion: "Kinds: \(listKinds.joined(separator: ", ")). Without a kind, the names of every kind, one kind per paragraph.",
        positionals: [PositionalSpec("KIND", "what to list", completions: .words(listKinds), optional: true)],
        examples: ["list", "list losses", "list metrics"])

    static let show = CommandSpec(
        "show", summary: "show part of the session: config, models, loss, optimizers, tricks, history, weights, snapshots, game",
        discussion: "show config prints the commands that recreate the current configuration; show models the layers and parameter counts of G and D; show history the last rows of the training record (last=N); show weights a hash of each network's weights (equal hashes: bit-identical weights).",
        positionals: [PositionalSpec("WHAT", "which part",
                                     completions: .words(["config", "models", "loss", "optimizers", "tricks", "history",
                                                          "weights", "snapshots", "data", "game"]))],
        parameters: [ParameterSpec("last", .integer(1...100_000), default: .integer(10), "rows of history to show")],
        examples: ["show config", "show history last=5"])

    static let seed = CommandSpec(
        "seed", summary: "start the experiment over with a seed (fresh weights, streams and history)",
        discussion: "Every random number of the session comes from named streams of this seed (data, noise, init.G, init.D, loss, one per trick; measurements, plots and exports draw from streams of their own), so the same seed and commands give the same numbers, bit for bit. The configuration is kept; weights, optimizer memory, history and iteration count start over.",
        positionals: [PositionalSpec("N", "a non-negative integer")],
        examples: ["seed 7"])

    static let data = CommandSpec(
        "data", aliases: ["dataset"], summary: "choose the real data set",
        discussion: "A data set with a different dimension rebuilds G and D with fresh weights (and says so); otherwise the networks and their training are kept.",
        positionals: [PositionalSpec("NAME", "the data set", completions: .plugins(.dataset))],
        pluginKind: .dataset, examples: ["data ring8", "data grid25 sigma=0.05", "data points file=train.csv"])

    static let noise = CommandSpec(
        "noise", summary: "choose the generator's input distribution",
        discussion: "Without a distribution the current one is kept, and without dim the current dimension; a different dimension rebuilds G with fresh weights.",
        positionals: [PositionalSpec("DISTRIBUTION", "the distribution of z", completions: .plugins(.noise), optional: true)],
        pluginKind: .noise,
        examples: ["noise normal dim=2", "noise uniform dim=8 lower=-1 upper=1"])

    static let generator = CommandSpec(
        "generator", aliases: ["G"], summary: "rebuild the generator (fresh weights)",
        discussion: "The generator maps noise to data space; its widths at the ends follow the noise and data dimensions. Rebuilding draws fresh weights from the init.G stream and clears G's optimizer memory.",
        positionals: [PositionalSpec("MODEL", "the architecture (mlp, offset)", completions: .plugins(.model), optional: true)],
        pluginKind: .model, examples: ["generator mlp hidden=256,256 activation=leaky-relu", "generator offset theta=1"])

    static let discriminator = CommandSpec(
        "discriminator", aliases: ["critic", "D"], summary: "rebuild the discriminator (critic) (fresh weights)",
        discussion: "The discriminator maps data space to one raw score: a logit for the cross-entropy losses, a critic value for the Wasserstein ones. Rebuilding draws fresh weights from the init.D stream and clears D's optimizer memory.",
        positionals: [PositionalSpec("MODEL", "the architecture (mlp)", completions: .plugins(.model), optional: true)],
        pluginKind: .model, examples: ["critic mlp hidden=512,512,512"])

    static let loss = CommandSpec(
        "loss", summary: "switch the GAN objective, keeping weights and optimizer memory",
        discussion: "Switching the loss of a live session keeps both networks and both optimizers as they are, and never changes which data and noise batches training draws, so runs before and after the switch compare fairly.",
        positionals: [PositionalSpec("NAME", "the loss", completions: .plugins(.loss))],
        pluginKind: .loss, examples: ["loss wgan-gp lambda=0.1", "loss minimax"])

    static let optimizer = CommandSpec(
        "optimizer", aliases: ["opt"], summary: "set a player's optimizer (G, D or both)",
        discussion: "Naming the same optimizer again with new settings (or giving only settings) keeps its memory (moments, step counts); naming a different one starts it fresh.",
        positionals: [PositionalSpec("PLAYER", "G, D or both", completions: .words(["G", "D", "both"])),
                      PositionalSpec("NAME", "adam, sgd or rmsprop", completions: .plugins(.optimizer), optional: true)],
        pluginKind: .optimizer, pluginPositional: 1,
        examples: ["optimizer both adam lr=1e-4 beta1=0.5", "optimizer D rmsprop lr=5e-5", "optimizer G lr=2e-4"])

    static let batch = CommandSpec(
        "batch", summary: "set the batch size (real and generated samples per update)",
        discussion: "Every D and G update draws this many real samples and noise vectors. A batch whose training would need more memory than allowed (half of this machine's) is refused with the estimate.",
        positionals: [PositionalSpec("N", "samples per batch")], examples: ["batch 64"])

    static let trick = CommandSpec(
        "trick", summary: "switch a training trick on or off, or list them",
        discussion: "The remedies of \"From GAN to WGAN\" (feature matching, minibatch discrimination, historical averaging, one-sided label smoothing, virtual batch normalisation, instance noise) are tricks; the seventh, the Wasserstein distance, is a loss: see help wgan and help wgan-gp.",
        positionals: [PositionalSpec("ACTION", "on, off or list", completions: .words(["on", "off", "list"])),
                      PositionalSpec("NAME", "the trick", completions: .plugins(.trick), optional: true)],
        pluginKind: .trick, pluginPositional: 1, examples: ["trick list", "trick on label-smoothing alpha=0.9"])

    static let step = CommandSpec(
        "step", summary: "train N iterations (n_critic D updates then one G update each), or one D or G update",
        discussion: "step N runs N generator iterations and prints where training stands. every=K do=\"commands\" runs the commands after every K iterations; if one of them fails, training stops there and keeps the iterations it ran (the error says at which iteration). step d runs one D update and step g one G update, printing each stage (GAN Lab style); step g completes an iteration. Ctrl-C says it is stopping at once and stops before the next D or G update: an iteration it cuts short is undone, so the session is as it was after the last whole iteration. A NaN or infinity stops training at that iteration and keeps the last good state. On a terminal one line shows the iteration, the rate, the time left and the latest losses from the start of the step, at the terminal's current width; watch=K (or watch on) also redraws the samples over D's heat map and the loss curves every K iterations.",
        positionals: [PositionalSpec("N|d|g", "iterations (default 1), or d / g for one update", completions: .words(["d", "g"]),
                                     optional: true)],
        parameters: [ParameterSpec("every", .integer(0...1_000_000_000), default: .integer(0), "run `do` after every this many iterations (0: never)"),
                     ParameterSpec("do", .text, default: .text(""), "commands to run every `every` iterations"),
                     ParameterSpec("watch", .integer(0...1_000_000_000), default: .integer(0),
                                   "on a terminal, redraw a live view every this many iterations (0: as watch on|off says)")],
        examples: ["step 500", "step 2000 every=500 do=\"metric modes\"", "step 5000 watch=100", "step d", "step g"])

    static let freeze = CommandSpec(
        "freeze", summary: "stop a player's updates while still recording its gradient (G, D or both); freeze none resumes both",
        discussion: "A frozen player's loss and gradient are still computed every iteration and recorded in the history (grad_norm_g, grad_norm_d), but its weights and optimizer memory do not change: train D against a fixed G and watch G's gradient vanish (Arjovsky & Bottou 2017).",
        positionals: [PositionalSpec("PLAYER", "G, D, both or none", completions: .words(["G", "D", "both", "none"]))],
        examples: ["freeze G", "freeze both", "freeze none"])

    static let game = CommandSpec(
        "game", summary: "play a two-player toy game (x·y, Dirac-GAN) instead of training the networks; game off ends it",
        discussion: "While a game is played, step N plays N steps of it, show game and show history show where the players are, expect checks x, y (theta, psi), radius and the objectives, and history export writes the trajectory. The networks keep their state; game off returns to them. seed restarts the game from its starting point.",
        positionals: [PositionalSpec("NAME", "xy, dirac or off", completions: .plugins(.game))],
        pluginKind: .game,
        examples: ["game xy lr=0.1", "game dirac loss=nonsaturating update=alternating", "game dirac r1=0.3", "game off"])

    static let metric = CommandSpec(
        "metric", summary: "measure generated samples against real ones",
        discussion: "Draws real and generated samples from a stream of its own, started afresh from the seed, the iteration and the metric with its parameters: measuring the same state twice gives the same numbers, and measuring never changes training. Prints the metric's values; expect can then check them.",
        positionals: [PositionalSpec("NAME", "the metric", completions: .plugins(.metric))],
        pluginKind: .metric, examples: ["metric modes", "metric w1 n=1000"])

    static let plot = CommandSpec(
        "plot", summary: "draw the session on the terminal or to an SVG or PNG file: samples, critic, gradients, manifold, history, games",
        discussion: "plot samples shows real and generated samples (two dimensions as points, one as overlaid histograms, more through the first two coordinates or projection=pca, as the caption says). plot critic (alias discriminator) shows D's output over the plane as a heat map with contour lines, samples on top. plot gradients draws arrows where G's loss pushes generated samples (−∇ₓ L_G, along ∇ₓD where G wants D larger). plot manifold draws G's image of a regular grid of noise (with more than two noise dimensions the first two vary). These views combine: plot critic gradients. plot history [SERIES…] [log] draws history columns (d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js, seconds) and measured values (modes.modes, w1.w1) over iterations, on a logarithmic axis with log or when every series is a gradient norm. plot games draws the trajectories of a two-player toy game. Without WHAT, plot critic. out=FILE.svg or out=FILE.png writes a picture instead (size=WIDTH,HEIGHT in pixels); on the terminal size=COLUMNS,ROWS. Plots draw samples from a stream of their own and never change the session.",
        positionals: [PositionalSpec("WHAT", "samples, critic, gradients, manifold; or history [SERIES…] [log]; or games",
                                     completions: .words(SpatialView.allCases.map(\.rawValue) + ["discriminator", "history", "games", "log"]
                                                         + History.columns.dropFirst()),
                                     optional: true, variadic: true)],
        parameters: [ParameterSpec("out", .text, default: .text(""), "write an .svg or .png file instead of drawing on the terminal"),
                     ParameterSpec("size", .integerList(1...8192), default: .integerList([]),
                                   "WIDTH,HEIGHT of a picture in pixels, or COLUMNS,ROWS on the terminal"),
                     ParameterSpec("n", .integer(1...100_000), default: .integer(500), "real and generated samples to draw"),
                     ParameterSpec("projection", .choice(DataPlane.Kind.allCases.map(\.rawValue)), default: .text("first-two"),
                                   "how data of more than two dimensions is shown")],
        examples: ["plot", "plot samples", "plot critic gradients out=critic.png", "plot manifold size=60,20",
                   "plot history d_loss g_loss", "plot history grad_norm_g grad_norm_d log", "plot samples projection=pca"])

    static let watch = CommandSpec(
        "watch", summary: "show a live view while step trains on a terminal: watch on [every=K] | watch off",
        discussion: "With watch on, step N on a terminal redraws a compact view in place every K iterations (every=0: about 50 times per step, at most ten frames a second): the samples over D's heat map, sparklines of both losses, and the progress line; step N watch=K does it for one step. Ctrl-C stops before the next D or G update with the session consistent (an iteration cut short is undone) and the terminal restored (cursor shown, colours reset). The view follows the window when it is resized. Output that is not a terminal gets no live view. watch alone says whether it is on.",
        positionals: [PositionalSpec("on|off", "switch the live view on or off", completions: .words(["on", "off"]), optional: true)],
        parameters: [ParameterSpec("every", .integer(0...1_000_000_000), default: .integer(0), "redraw every this many iterations (0: about 50 times per step)")],
        examples: ["watch on", "watch on every=200", "watch off"])

    static let expect = CommandSpec(
        "expect", summary: "check a quantity in a script: expect QUANTITY OP VALUE [tol=…]",
        discussion: "QUANTITY is iteration, a history column of the last iteration (d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js; in a toy game x, y or theta, psi, radius and the players' objectives), a summary of a column over the iterations after `after` (grad_norm_g.first, .last, .min, .max, .mean, .ratio = last / first) or METRIC.VALUE of the latest measurement (modes.modes, w1.w1), or METRIC.VALUE.SUMMARY over the measurements the history kept (w1.w1.ratio). VALUE is a number or another quantity. OP is one of < <= > >= == != ~ (~ means within tol). A failed expectation is an error: a script stops and exits non-zero.",
        positionals: [PositionalSpec("QUANTITY", "what to check"), PositionalSpec("OP", "comparison",
                                     completions: .words(["<", "<=", ">", ">=", "==", "!=", "~"])),
                      PositionalSpec("VALUE", "the number to compare with")],
        parameters: [ParameterSpec("tol", .real(0...1e30), default: .real(0), "tolerance for ~ and =="),
                     ParameterSpec("after", .integer(0...1_000_000_000), default: .integer(0),
                                   "summaries (COLUMN.min, …) use only the iterations after this one")],
        examples: ["expect modes.modes >= 7", "expect js ~ 0.69 tol=0.05", "expect grad_norm_g.ratio < 1e-3 after=500",
                   "expect critic.js ~ histogram.js tol=0.01"])

    static let snapshot = CommandSpec(
        "snapshot", summary: "keep the whole session in memory under a name",
        discussion: "Weights, optimizer memory, streams, history, configuration and tricks: restore NAME brings all of it back, and continuing gives the same numbers as the first time.",
        positionals: [PositionalSpec("NAME", "a name for the snapshot", completions: .snapshots)],
        examples: ["snapshot before-wgan"])

    static let restore = CommandSpec(
        "restore", summary: "go back to a snapshot",
        discussion: "The snapshot itself is kept, so it can be restored again.",
        positionals: [PositionalSpec("NAME", "a snapshot", completions: .snapshots)], examples: ["restore before-wgan"])

    static let save = CommandSpec(
        "save", summary: "write the session as a script that rebuilds it",
        discussion: "The script lists, in order, the canonical commands that made this session (defaults included), so gantry run FILE in a new process reproduces it, bit for bit. The file is written atomically.",
        positionals: [PositionalSpec("FILE", "a .gan file", completions: .files(extensions: ["gan"]))],
        examples: ["save run.gan"])

    static let run = CommandSpec(
        "run", aliases: ["source"], summary: "run the commands of a .gan script",
        discussion: "Errors name the file, line and column, with a note for each script that included it. Scripts may run scripts, up to 16 deep.",
        positionals: [PositionalSpec("FILE", "a .gan file", completions: .files(extensions: ["gan"]))],
        examples: ["run experiments/collapse.gan"])

    static let history = CommandSpec(
        "history", summary: "export the training record: history export FILE.csv|FILE.npy",
        discussion: "Writes one row per iteration with the columns of show history (iteration, d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js, seconds), atomically.",
        positionals: [PositionalSpec("ACTION", "export", completions: .words(["export"])),
                      PositionalSpec("FILE", "a .csv or .npy file", completions: .files(extensions: ["csv", "npy"]))],
        examples: ["history export run.csv"])

    static let checkpoint = CommandSpec(
        "checkpoint", summary: "save the whole session to a safetensors file, or load one: checkpoint save|load FILE",
        discussion: "checkpoint save FILE writes the weights, optimizer memory, random-stream positions, history, tricks' state and the script of the configuration into one safetensors file (PyTorch, NumPy and JAX read it with the safetensors package; the networks' tensors are named as nn.Sequential names them: G.0.weight, D.2.bias), atomically; Ctrl-C during the write leaves the file as it was. checkpoint load FILE reads the configuration from that script without building anything, checks every tensor and record against it and the memory training it would need against what is allowed, and only then replaces the session, which continues exactly as the saved one would have. A checkpoint is data: its journal may hold only configuration, tricks, plain steps and metrics. A damaged, truncated, foreign or contradictory file is refused with the reason, and the session stays as it was. Named snapshots are kept.",
        positionals: [PositionalSpec("ACTION", "save or load", completions: .words(["save", "load"])),
                      PositionalSpec("FILE", "a .safetensors file", completions: .files(extensions: ["safetensors"]))],
        examples: ["checkpoint save run.safetensors", "checkpoint load run.safetensors"])

    static let export = CommandSpec(
        "export", summary: "write generated samples to a file: export samples FILE.csv|FILE.npy n=…",
        discussion: "Writes n samples of G (in evaluation mode; from the averaged G while ema-generator is on), one per row, atomically: CSV text without a header, or a NumPy .npy array of float32 [n, d]. The noise comes from the stream export started afresh from the seed at every export, so exporting changes nothing in training, metrics or later exports, and the same session always exports the same samples.",
        positionals: [PositionalSpec("WHAT", "samples", completions: .words(["samples"])),
                      PositionalSpec("FILE", "a .csv or .npy file", completions: .files(extensions: ["csv", "npy"]))],
        parameters: [ParameterSpec("n", .integer(1...10_000_000), default: .integer(1000), "how many samples")],
        examples: ["export samples samples.csv n=2000", "export samples samples.npy"])

    static let repeatBlock = CommandSpec(
        "repeat", summary: "run a block of commands N times: repeat N { … }",
        discussion: "The block is written in braces and may span lines.",
        positionals: [PositionalSpec("N", "how many times")], examples: ["repeat 4 { step 500; metric modes }"])

    static let seeds = CommandSpec(
        "seeds", summary: "run a block once per seed and average its measurements: seeds 1,2,3 { … }",
        discussion: "Before each run of the block the session starts over with that seed (as the seed command: fresh weights, streams and history; the configuration and tricks are kept). After the last seed, every metric the block measured under every seed is printed as its mean and per-seed values, and expect METRIC.VALUE checks the mean. The seeds are used as written, also under gantry --seed. Afterwards the session is put back exactly as it was before the block (weights, history, iteration, what save would write), and a line says so; snapshots taken inside the block are kept.",
        positionals: [PositionalSpec("SEEDS", "a comma-separated list of seeds")],
        examples: ["seeds 1,2,3 { step 2000; metric modes }"])

    static let echo = CommandSpec(
        "echo", summary: "print text", discussion: "Prints its arguments separated by spaces.",
        positionals: [PositionalSpec("TEXT", "what to print", optional: true, variadic: true)], examples: ["echo \"phase 2\""])

    static let quit = CommandSpec(
        "quit", aliases: ["exit"], summary: "leave gantry",
        discussion: "Ctrl-D at an empty prompt does the same. At the interactive prompt, a session with iterations trained since the last save FILE.gan or checkpoint save FILE (or since checkpoint load FILE) gets one warning saying how many; quit or Ctrl-D again leaves without saving (unless more was trained meanwhile). gantry run, gantry -e and piped input leave at once.")
}
