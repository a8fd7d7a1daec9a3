import Foundation
import Autodiff

/// The paper and script the three WGAN-GP toy sets follow.
let wganGPReference =
    "Gulrajani et al. 2017, Improved Training of Wasserstein GANs (NeurIPS); toy script gan_toy.py"
