import XCTest
import NeuralNet
@testable import Workbench

/// The latent size a generator model is designed for, brought to a session whose noise nobody chose; noise
/// that was chosen (by `noise`, a snapshot of it, a configuration) is kept.
final class LatentDimensionTests: XCTestCase {
    func testAGeneratorModelBringsItsLatentSizeWhileNobodyChoseTheNoise() throws {
        let session = try Session(seed: 3)
        try session.setDataset(try UniformImages.make([("size", "8")]))
        XCTAssertEqual(session.noise.dimension, 2)
        // A critic's model never changes the noise.
        XCTAssertNil(try session.setModel(.discriminator, try DCGANModel.make([("width", "4")])))
        XCTAssertEqual(session.noise.dimension, 2)
        let note = try session.setModel(.generator, try DCGANModel.make([("width", "4")]))
        XCTAssertEqual(note, "the noise dimension changed from 2 to 100, the latent size dcgan is designed for: the noise is now normal dim=100 "
                       + "(`noise …` chooses another)")
        XCTAssertEqual(session.noise.canonicalText, "normal dim=100")
        XCTAssertEqual(session.generator.layers[0].summary, "Linear(100 → 32, init pytorch)")
        // A model without a latent size keeps what is there.
        XCTAssertNil(try session.setModel(.generator, try MLPModel.make([("hidden", "8")])))
        XCTAssertEqual(session.noise.dimension, 100)
        // The control: noise the user chose is kept, by a generator model and by a snapshot.
        try session.setNoise(try NormalNoise(dimension: 2))
        session.saveSnapshot("chosen")
        XCTAssertNil(try session.setModel(.generator, try DCGANModel.make([("width", "8")])))
        XCTAssertEqual(session.noise.dimension, 2)
        try session.restoreSnapshot("chosen")
        XCTAssertNil(try session.setModel(.generator, try DCGANModel.make([("width", "2")])))
        XCTAssertEqual(session.noise.dimension, 2)
        // A session made from a configuration (a checkpoint's) holds its noise as written.
        let configured = try Session.configured(session.configuration)
        XCTAssertNil(try configured.setModel(.generator, try DCGANModel.make([("width", "4")])))
        XCTAssertEqual(configured.noise.dimension, 2)
    }

    func testARefusedModelLeavesTheNoiseAsItWas() throws {
        let session = try Session(seed: 3)
        XCTAssertThrowsError(try session.setModel(.generator, try DCGANModel.make()))
        XCTAssertEqual(session.noise.canonicalText, "normal dim=2")
        XCTAssertFalse(session.state.noiseIsChosen)
    }
}
