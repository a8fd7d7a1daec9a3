import Autodiff

/// The critic's Wasserstein objective shared by WGAN and WGAN-GP: mean D(x̃) − mean D(x).
func wassersteinCriticLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
    try input.fakeScores.mean() - input.realScores.mean()
}
