import Foundation
import Autodiff
// Interim: replaced by the data-set plugins when they land.
public final class InterimRing: Dataset {
    public static let spec = PluginSpec(kind: .dataset, name: "ring8", summary: "ring", discussion: "ring",
                                        parameters: [ParameterSpec("sigma", .real(0...10), default: .real(0.01), "σ"), ParameterSpec("radius", .real(0...10), default: .real(1), "r")])
    public let parameters: ParameterValues
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    public var dimension: Int { 2 }
    public var modes: ModeLayout? {
        ModeLayout(centres: (0..<8).map { k in [parameters.float("radius") * Float(cos(2 * Double.pi * Double(k) / 8)), parameters.float("radius") * Float(sin(2 * Double.pi * Double(k) / 8))] },
                   standardDeviation: parameters.float("sigma"))
    }
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        let centres = modes!.centres
        let noise = Tensor.randomNormal([count, 2], standardDeviation: parameters.float("sigma"), using: stream).scalars
        var values = [Float](repeating: 0, count: count * 2)
        for i in 0..<count { let k = stream.nextInt(below: 8); values[2 * i] = centres[k][0] + noise[2 * i]; values[2 * i + 1] = centres[k][1] + noise[2 * i + 1] }
        return try! Tensor(values, shape: [count, 2])
    }
}
public enum DatasetRegistry {
    public static let all: [any Dataset.Type] = [InterimRing.self, UniformCube.self]
    public static func named(_ name: String) -> (any Dataset.Type)? { all.first { $0.spec.name == name } }
}
