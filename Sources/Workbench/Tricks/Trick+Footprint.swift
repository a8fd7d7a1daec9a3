// What each trick adds to the memory training needs (`TrainingPlan`), from its parameters alone: the
// memory guard asks before the trick is made, since some tricks change the networks as they are made.
// The factors were measured against the resident memory a training step really adds (MemoryGuardTests).

extension EMAGeneratorTrick {
    /// A copy of G's weights and buffers.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let copy = plan.generator.parameters + plan.generator.buffers
        plan.trickState.append((spec.name, TrainingFootprint.float * Double(copy)))
    }
}

extension HistoricalAveraging {
    /// Each penalised player's running mean, and the difference to it the penalty differentiates.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let players: [TrainingPlan.Network]
        switch parameters.text("players") {
        case "G": players = [plan.generator]
        case "D": players = [plan.discriminator]
        default: players = [plan.generator, plan.discriminator]
        }
        plan.trickState.append((spec.name, TrainingFootprint.float * 2 * Double(players.reduce(0) { $0 + $1.parameters })))
    }
}

extension ReplayBufferTrick {
    /// The pool: `size` rows of D's input width, each an array of its own (about 48 bytes of bookkeeping).
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let rowBytes = TrainingFootprint.float * Double(plan.dataDimension * plan.samplesPerDiscriminatorRow) + 48
        plan.trickState.append((spec.name, Double(parameters.integer("size")) * rowBytes))
        plan.trickWork.append((spec.name, 2 * Double(plan.discriminatorRows) * rowBytes, 0))
    }
}

extension MinibatchDiscrimination {
    /// The kernel T (A × B·C) and the wider final Linear; each pass of D compares every pair of the batch,
    /// [n, n, B·C] differences and their absolute values, with their gradients.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let (kernels, dims) = (parameters.integer("kernels"), parameters.integer("dims"))
        plan.discriminator.extraParameters += plan.discriminator.lastHiddenWidth * kernels * dims + 2 * kernels
        let pairs = Double(plan.discriminatorRows) * Double(plan.discriminatorRows)
        let (float, projections) = (TrainingFootprint.float, Double(kernels * dims))
        // A D update passes the real and the generated batch separately, a G update the generated one.
        plan.trickWork.append((spec.name, float * pairs * (8 * projections + 6 * Double(kernels)),
                               float * pairs * (4 * projections + 3 * Double(kernels))))
    }
}

extension SpectralNormTrick {
    /// u and v per Linear; every pass of D makes W/σ and its gradient.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        if let spec = plan.discriminator.spec {
            // Each Linear's u (its outputs) and v (its inputs): at most twice every width once.
            plan.discriminator.extraBuffers += 2 * (spec.inputWidth + spec.linearWidths.reduce(0, +) + spec.outputWidth)
        }
        let copies = TrainingFootprint.float * 6 * Double(plan.discriminator.parameters)
        plan.trickWork.append((spec.name, copies, copies))
    }
}

extension VirtualBatchNormalization {
    /// The reference rows, and per row the dozen tensors of each VirtualBatchNorm (about six hidden widths).
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let reference = parameters.integer("reference")
        let both = parameters.text("players") == "both"
        var rows = reference * plan.noiseDimension
        plan.generator.extraFloatsPerRow += 6 * (plan.generator.spec?.linearWidths.reduce(0, +) ?? 0)
        if both {
            rows += reference * plan.dataDimension * plan.samplesPerDiscriminatorRow
            plan.discriminator.extraFloatsPerRow += 6 * (plan.discriminator.spec?.linearWidths.reduce(0, +) ?? 0)
        }
        plan.trickState.append((spec.name, TrainingFootprint.float * Double(rows)))
    }
}

extension PackingTrick {
    /// D reads m samples per row: m times the input width, a m-th of the rows.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let m = parameters.integer("m")
        plan.discriminator.spec?.inputWidth *= m
        plan.samplesPerDiscriminatorRow *= m
    }
}

extension ConsensusTrick {
    /// Each update evaluates both losses once more on a batch of its own and differentiates them twice:
    /// about three plain passes through G and D (real and generated), and the players' gradients as graphs.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let float = TrainingFootprint.float
        let rows = Double(plan.batch * plan.generator.floatsPerRow + 2 * plan.discriminatorRows * plan.discriminator.floatsPerRow)
        let passes = 3 * 2 * float * rows
        let gradients = 3 * float * Double(plan.generator.parameters + plan.discriminator.parameters)
        plan.trickWork.append((spec.name, passes + gradients, passes + gradients))
    }
}

extension FeatureMatching {
    /// G's update also passes a real batch through D, keeping the features it reads.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        plan.trickWork.append((spec.name, 0, 2 * TrainingFootprint.float * Double(plan.discriminatorRows * plan.discriminator.floatsPerRow)))
    }
}
