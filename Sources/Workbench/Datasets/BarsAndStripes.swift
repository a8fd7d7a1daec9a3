import Autodiff
import NeuralNet

/// `bars`: small square images of bars and stripes, every pixel exactly −1 or 1, so that a picture of
/// them can be checked value for value.
public final class BarsAndStripes: Dataset {
    static let size: ParameterKey<Int> = .integer("size", 2...64, default: 8, "pixels along each side of an image")
    static let channels: ParameterKey<Int> = .integer("channels", 1...16, default: 1,
                                                      "planes per image, each with its own pattern (3: a colour image)")

    public static let spec = PluginSpec(
        kind: .dataset, name: "bars", aliases: ["bars-and-stripes"],
        summary: "size×size images of bars and stripes: every row or every column on (1) or off (−1)",
        discussion: """
            Each plane of an image takes one uniform draw for its direction (below 1/2: horizontal stripes, \
            else vertical bars), then one per line, which is on (1) below 1/2 and off (−1) otherwise. A plane \
            has 2^(size+1) − 2 distinct patterns. Samples are images of channels×size×size in NCHW order, \
            so sample grids and the live view show them as pictures; channels=3 gives colour images whose \
            red, green and blue planes are independent patterns.
            """,
        parameters: [size.spec, channels.spec],
        reference: "the bars-and-stripes images (MacKay, Information Theory, Inference, and Learning Algorithms, 2003)")

    public let parameters: ParameterValues

    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// `channels × size × size`.
    public var dimension: Int { imageLayout.elementCount }
    /// None: the patterns are not a mixture of Gaussians.
    public var modes: ModeLayout? { nil }
    /// `channels × size × size`.
    public var imageShape: ImageShape? { imageLayout }

    private var imageLayout: ImageShape {
        ImageShape(channels: parameters[Self.channels], height: parameters[Self.size], width: parameters[Self.size])
    }

    /// `count` images, plane after plane: one word of the stream for the direction, then one per line.
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        let layout = imageLayout
        let side = layout.width
        return Tensor(shape: [count, layout.elementCount]) { out in
            var offset = 0
            for _ in 0..<(count * layout.channels) {
                let horizontal = stream.nextUniform() < 0.5
                let lines = (0..<side).map { _ in stream.nextUniform() < 0.5 }
                for y in 0..<side {
                    for x in 0..<side {
                        out[offset + y * side + x] = lines[horizontal ? y : x] ? 1 : -1
                    }
                }
                offset += side * side
            }
        }
    }
}
