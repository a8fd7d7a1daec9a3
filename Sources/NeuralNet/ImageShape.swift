/// The layout of one image stored as a row of a [batch, channels·height·width] matrix, in NCHW order:
/// the data set says it, convolutional layers reshape by it, and pictures and image metrics read it.
///
/// Images travel through the workbench as flat rows so that losses, penalties, packing and the vector
/// metrics treat them like any other sample; only what needs the spatial layout asks for this.
public struct ImageShape: Sendable, Hashable, CustomStringConvertible {
    /// Colour planes (1 for greyscale, 3 for RGB; more when several images are stacked or packed).
    public let channels: Int
    /// Rows of pixels.
    public let height: Int
    /// Columns of pixels.
    public let width: Int

    /// A layout; every extent must be at least 1.
    public init(channels: Int, height: Int, width: Int) {
        precondition(channels >= 1 && height >= 1 && width >= 1,
                     "an image needs at least one channel, row and column, got \(channels)×\(height)×\(width)")
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Values per image: the width of the flat row.
    public var elementCount: Int { channels * height * width }

    /// The same picture size with `count` times the channels: `count` images side by side in one row, as
    /// packing (PacGAN) and stacked data sets concatenate them.
    public func stacking(_ count: Int) -> ImageShape {
        ImageShape(channels: channels * count, height: height, width: width)
    }

    /// "1×28×28" (channels × height × width).
    public var description: String { "\(channels)×\(height)×\(width)" }
}
