import Autodiff

/// Cross-entropy discriminator loss with real target α: mean[α·softplus(−D(x)) + (1 − α)·softplus(D(x))]
/// + mean softplus(D(x̃)). With α = 1 this is −mean log σ(D(x)) − mean log(1 − σ(D(x̃))).
func crossEntropyDiscriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
    let alpha = input.realTarget
    // x·1 is x, bit for bit: without smoothing the product is left out of the graph.
    var realTerm = try (-input.realScores).softplus()
    if alpha != 1 { realTerm = try realTerm * alpha + (try input.realScores.softplus()) * (1 - alpha) }
    return try realTerm.mean() + (try input.fakeScores.softplus()).mean()
}
