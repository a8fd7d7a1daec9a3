import Workbench

/// The declarations of every command: name, aliases, summary, discussion, arguments and examples.
enum CommandSpecs {
    static let help = CommandSpec(
        "help", aliases: ["?"], summary: "explain a command, a plugin, or search the help for a word",
        discussion: "Without a topic, lists the commands. With a command name, shows its usage, parameters and examples; with a plugin name (a loss, data set, metric, trick, optimizer), its definition, parameters and source; with any other word, every command and plugin whose help mentions it.",
        positionals: [PositionalSpec("TOPIC", "a command, plugin or word", completions: .topics, optional: true)],
        examples: ["help", "help step", "help wgan-gp", "help collapse"])

    static let list = CommandSpec(
        "list", summary: "list the plugins of one kind, or the commands",
        discussion: "Kinds: commands, data, models, losses, tricks, metrics, optimizers, snapshots.",
        positionals: [PositionalSpec("KIND", "what to list",
                                     completions: .words(["commands", "data", "models", "losses", "tricks", "metrics",
                                                          "optimizers", "snapshots"]))],
        examples: ["list losses", "list metrics"])

    static let show = CommandSpec(
        "show", summary: "show part of the session: config, models, loss, optimizers, tricks, history, weights, snapshots",
        discussion: "show config prints the commands that recreate the current configuration; show models the layers and parameter counts of G and D; show history the last rows of the training record (last=N); show weights a hash of each network's weights (equal hashes: bit-identical weights).",
        positionals: [PositionalSpec("WHAT", "which part",
                                     completions: .words(["config", "models", "loss", "optimizers", "tricks", "history",
                                                          "weights", "snapshots", "data"]))],
        parameters: [ParameterSpec("last", .integer(1...100_000), default: .integer(10), "rows of history to show")],
        examples: ["show config", "show history last=5"])

    static let seed = CommandSpec(
        "seed", summary: "start the experiment over with a seed (fresh weights, streams and history)",
        discussion: "Every random number of the session comes from named streams of this seed (data, noise, init.G, init.D, loss, metrics, one per trick), so the same seed and commands give the same numbers, bit for bit. The configuration is kept; weights, optimizer memory, history and iteration count start over.",
        positionals: [PositionalSpec("N", "a non-negative integer")],
        examples: ["seed 7"])

    static let data = CommandSpec(
        "data", aliases: ["dataset"], summary: "choose the real data set",
        discussion: "A data set with a different dimension rebuilds G and D with fresh weights (and says so); otherwise the networks and their training are kept.",
        positionals: [PositionalSpec("NAME", "the data set", completions: .plugins(.dataset))],
        pluginKind: .dataset, examples: ["data ring8", "data grid25 sigma=0.05", "data points file=train.csv"])

    static let noise = CommandSpec(
        "noise", summary: "choose the generator's input distribution",
        discussion: "normal (N(0, I)) or uniform (U[lower, upper)); a different dimension rebuilds G with fresh weights.",
        positionals: [PositionalSpec("DISTRIBUTION", "normal or uniform", completions: .words(["normal", "uniform"]),
                                     optional: true)],
        parameters: NoiseSpec.spec.parameters.filter { $0.name != "distribution" },
        examples: ["noise normal dim=2", "noise uniform dim=8 lower=-1 upper=1"])

    static let generator = CommandSpec(
        "generator", aliases: ["G"], summary: "rebuild the generator (fresh weights)",
        discussion: "The generator maps noise to data space; its widths at the ends follow the noise and data dimensions. Rebuilding draws fresh weights from the init.G stream and clears G's optimizer memory.",
        positionals: [PositionalSpec("MODEL", "the architecture (mlp)", completions: .plugins(.model), optional: true)],
        pluginKind: .model, examples: ["generator mlp hidden=256,256 activation=leaky-relu"])

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
        discussion: "Every D and G update draws this many real samples and noise vectors.",
        positionals: [PositionalSpec("N", "samples per batch")], examples: ["batch 64"])

    static let trick = CommandSpec(
        "trick", summary: "switch a training trick on or off, or list them",
        discussion: "The remedies of \"From GAN to WGAN\" (feature matching, minibatch discrimination, historical averaging, one-sided label smoothing, virtual batch normalisation, instance noise) are tricks; the seventh, the Wasserstein distance, is a loss: see help wgan and help wgan-gp.",
        positionals: [PositionalSpec("ACTION", "on, off or list", completions: .words(["on", "off", "list"])),
                      PositionalSpec("NAME", "the trick", completions: .plugins(.trick), optional: true)],
        pluginKind: .trick, pluginPositional: 1, examples: ["trick list", "trick on label-smoothing alpha=0.9"])

    static let step = CommandSpec(
        "step", summary: "train N iterations (n_critic D updates then one G update each), or one D or G update",
        discussion: "step N runs N generator iterations and prints where training stands. every=K do=\"commands\" runs the commands after every K iterations. step d runs one D update and step g one G update, printing each stage (GAN Lab style); step g completes an iteration. Ctrl-C stops at the next iteration boundary with the session consistent. A NaN or infinity stops training at that iteration and keeps the last good state.",
        positionals: [PositionalSpec("N|d|g", "iterations (default 1), or d / g for one update", completions: .words(["d", "g"]),
                                     optional: true)],
        parameters: [ParameterSpec("every", .integer(0...1_000_000_000), default: .integer(0), "run `do` after every this many iterations (0: never)"),
                     ParameterSpec("do", .text, default: .text(""), "commands to run every `every` iterations")],
        examples: ["step 500", "step 2000 every=500 do=\"metric modes\"", "step d", "step g"])

    static let metric = CommandSpec(
        "metric", summary: "measure generated samples against real ones",
        discussion: "Draws fresh real and generated samples from the metrics stream (never from the training streams, so measuring does not change training) and prints the metric's values; expect can then check them.",
        positionals: [PositionalSpec("NAME", "the metric", completions: .plugins(.metric))],
        pluginKind: .metric, examples: ["metric modes", "metric w1 n=1000"])

    static let expect = CommandSpec(
        "expect", summary: "check a quantity in a script: expect QUANTITY OP VALUE [tol=…]",
        discussion: "QUANTITY is iteration, a history column of the last iteration (d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js) or METRIC.VALUE of the latest measurement (modes.modes, w1.w1). OP is one of < <= > >= == != ~ (~ means within tol). A failed expectation is an error: a script stops and exits non-zero.",
        positionals: [PositionalSpec("QUANTITY", "what to check"), PositionalSpec("OP", "comparison",
                                     completions: .words(["<", "<=", ">", ">=", "==", "!=", "~"])),
                      PositionalSpec("VALUE", "the number to compare with")],
        parameters: [ParameterSpec("tol", .real(0...1e30), default: .real(0), "tolerance for ~ and ==")],
        examples: ["expect modes.modes >= 7", "expect js ~ 0.69 tol=0.05"])

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
        discussion: "checkpoint save FILE writes the weights, optimizer memory, random-stream positions, history, tricks' state and the script of the configuration into one safetensors file (PyTorch, NumPy and JAX read it with the safetensors package; the networks' tensors are named as nn.Sequential names them: G.0.weight, D.2.bias), atomically; Ctrl-C during the write leaves the file as it was. checkpoint load FILE rebuilds the configuration from that script, checks every tensor and record against it, and only then replaces the session, which continues exactly as the saved one would have. A damaged, truncated or foreign file is refused with the reason, and the session stays as it was. Named snapshots are kept.",
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

    static let echo = CommandSpec(
        "echo", summary: "print text", discussion: "Prints its arguments separated by spaces.",
        positionals: [PositionalSpec("TEXT", "what to print", optional: true, variadic: true)], examples: ["echo \"phase 2\""])

    static let quit = CommandSpec(
        "quit", aliases: ["exit"], summary: "leave gantry", discussion: "Ctrl-D at an empty prompt does the same.")
}
