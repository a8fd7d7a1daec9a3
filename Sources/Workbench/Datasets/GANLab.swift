import Foundation
import Autodiff

/// Where the four GAN Lab definitions come from.
let ganLabReference = """
    Kahng et al. 2018, GAN Lab: Understanding Complex Deep Generative Models using Interactive Visual \
    Experimentation (IEEE VIS); poloclub/ganlab, sampleFromTrueDistribution
    """

/// What the four share: GAN Lab keeps a pre-drawn atlas of points and cycles through it; we draw every
/// batch fresh from the same distribution, so a long run never sees the same points twice.
let ganLabNote = """
    GAN Lab pre-draws a fixed atlas of points and cycles through it; here every batch is a fresh draw \
    from the same distribution.
    """
