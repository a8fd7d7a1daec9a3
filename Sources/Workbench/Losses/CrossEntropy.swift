import Autodiff

/// Cross-entropy discriminator loss with real target α and fake target β: mean[α·softplus(−D(x)) +
/// (1 − α)·softplus(D(x))] + mean[(1 − β)·softplus(D(x̃)) + β·softplus(−D(x̃))]. With α = 1, β = 0 this is
/// −mean log σ(D(x)) − mean log(1 − σ(D(x̃))).
func crossEntropyDiscriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
    let alpha = input.realTarget, beta = input.fakeTarget
    // x·1 is x, bit for bit: without smoothing the products are left out of the graph.
    var realTerm = try (-input.realScores).softplus()
    if alpha != 1 { realTerm = try realTerm * alpha + (try input.realScores.softplus()) * (1 - alpha) }
    var fakeTerm = try input.fakeScores.softplus()
    if beta != 0 { fakeTerm = try fakeTerm * (1 - beta) + (try (-input.fakeScores).softplus()) * beta }
    return try realTerm.mean() + fakeTerm.mean()
}
