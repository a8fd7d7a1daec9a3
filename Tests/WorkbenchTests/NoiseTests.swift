import XCTest
import Autodiff
@testable import Workbench

/// The noise distributions are plugins that draw exactly what the generator's input always was.
final class NoiseTests: XCTestCase {
    func stream() -> RandomStream { RandomStream(seed: 11, name: "noise") }

    func testNormalNoiseDrawsTheStreamsStandardNormals() throws {
        let noise = try NormalNoise.make([("dim", "3")])
        XCTAssertTrue(noise.sample(50, using: stream()).isBitwiseEqual(to: Tensor.randomNormal([50, 3], using: stream())))
        XCTAssertEqual(noise.canonicalText, "normal dim=3")
        XCTAssertEqual(noise.typicalRange, -2...2)
    }

    func testUniformNoiseDrawsBetweenItsBoundsAsFloats() throws {
        let noise = try UniformNoise.make([("dim", "4"), ("lower", "-0.1"), ("upper", "0.3")])
        let expected = Tensor.randomUniform([40, 4], lower: Float(-0.1), upper: Float(0.3), using: stream())
        XCTAssertTrue(noise.sample(40, using: stream()).isBitwiseEqual(to: expected))
        XCTAssertEqual(noise.canonicalText, "uniform dim=4 lower=-0.1 upper=0.3")
        XCTAssertEqual(noise.typicalRange, Double(Float(-0.1))...Double(Float(0.3)))
        XCTAssertEqual(try UniformNoise.make().canonicalText, "uniform dim=2 lower=-1 upper=1")
    }

    func testUniformNoiseRefusesBoundsThatLeaveNoRoom() {
        XCTAssertThrowsError(try UniformNoise.make([("lower", "1"), ("upper", "1")])) { error in
            XCTAssertEqual("\(error)", "noise uniform: lower=1.0 is out of range; expected a value below upper (1.0)")
        }
    }

    func testEveryDistributionDeclaresTheSharedDimension() throws {
        for type in Plugins.noise.all {
            XCTAssertEqual(type.spec.kind, .noise)
            XCTAssertNotNil(type.spec.parameter(NoiseParameters.dim.name), type.spec.name)
            XCTAssertEqual(try type.make([(NoiseParameters.dim.name, "7")]).dimension, 7, type.spec.name)
            XCTAssertTrue(Plugins.noise.named(type.spec.name.uppercased()) == type)
        }
    }

    func testASessionKeepsItsNoiseAcrossASnapshot() throws {
        let session = try Session(seed: 2)
        try session.setNoise(UniformNoise.make([("dim", "3"), ("lower", "0")]))
        session.saveSnapshot("before")
        try session.setNoise(NormalNoise(dimension: 2))
        try session.restoreSnapshot("before")
        XCTAssertEqual(session.noise.canonicalText, "uniform dim=3 lower=0 upper=1")
    }
}
