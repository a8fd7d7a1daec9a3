import Foundation
import NeuralNet
import Plotting
import Workbench

/// The session's samples as pictures, when its data set says its samples are images: grids of generated
/// and real images, interpolation strips. Like every figure they come from the session's probes and
/// streams of their own, so drawing never changes the session.
struct ImageFigures {
    let session: Session
    let shape: ImageShape
    /// The values shown black and white.
    var range: ClosedRange<Double> = -1...1

    /// Figures of `session`, or nil when its samples are not images.
    init?(session: Session) {
        guard let shape = session.dataset.imageShape else { return nil }
        self.session = session
        self.shape = shape
    }

    /// Images across the widest grid the terminal shows by default.
    static let defaultTerminalColumns = 8

    /// A grid of `images` with `columns` across.
    func grid(_ images: [[Float]], columns: Int) -> ImageGrid {
        ImageGrid(channels: shape.channels, height: shape.height, width: shape.width, columns: columns, images: images, range: range)
    }

    /// Pixels across one image as a grid shows it.
    var tileWidth: Int { grid([], columns: 1).tileWidth }

    /// Most images of this size across `width` text columns (at least one).
    func columnsFitting(_ width: Int) -> Int {
        max(1, (width + 1) / (tileWidth + 1))
    }

    /// "values −1 (black) … 1 (white)", or the shades of the text form.
    func legend(_ style: ImageCellStyle) -> String {
        let low = NumberText.format(range.lowerBound), high = NumberText.format(range.upperBound)
        let shades = String(ImageGridTerminalRenderer.ramp)
        let form = style == .text ? "shades \"\(shades)\" from \(low) to \(high), one per pixel" : "\(low) black to \(high) white"
        let planes = shape.channels == 3 ? "red, green, blue" : shape.channels == 1 ? "grey" : "\(shape.channels) planes side by side in grey"
        return "\(shape) images (\(planes)), values \(form); range=LOW,HIGH changes the scale"
    }

    /// The picture size of a grid: `scale` pixels per image pixel, the smallest that makes an image at
    /// least 64 pixels across (at most 8), or the largest that fits `size` when one is given.
    func picture(_ grid: ImageGrid, fitting size: (width: Int, height: Int)?) -> ImageGridPicture? {
        let gap = 2
        if let size {
            return ImageGridPicture.fittingScale(grid, gap: gap, width: size.width, height: size.height, largest: 64)
                .map { ImageGridPicture(scale: $0, gap: gap) }
        }
        let longest = max(grid.tileWidth, grid.height)
        return ImageGridPicture(scale: min(8, max(1, (64 + longest - 1) / longest)), gap: gap)
    }
}
