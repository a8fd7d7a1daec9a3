import Foundation

/// Images laid out in rows and columns (sample grids, interpolation strips): each image is a flat row of
/// `channels × height × width` values in NCHW order, mapped linearly from `range` to black … white.
///
/// Three channels are red, green and blue; any other count shows its planes side by side in grey, so a
/// stacked or packed sample still shows every value.
public struct ImageGrid: Sendable {
    /// Planes per image.
    public let channels: Int
    /// Rows of pixels per image.
    public let height: Int
    /// Columns of pixels per image.
    public let width: Int
    /// Images across; the grid has as many rows as the images need.
    public let columns: Int
    /// The images, each `channels × height × width` values.
    public let images: [[Float]]
    /// The value shown black; `range.upperBound` is white.
    public let range: ClosedRange<Double>

    /// A grid; every image must hold `channels × height × width` values and the range must not be empty.
    public init(channels: Int, height: Int, width: Int, columns: Int, images: [[Float]], range: ClosedRange<Double>) {
        precondition(channels >= 1 && height >= 1 && width >= 1 && columns >= 1, "an image grid needs positive extents")
        precondition(images.allSatisfy { $0.count == channels * height * width }, "every image holds channels × height × width values")
        precondition(range.upperBound > range.lowerBound, "the value range must not be empty")
        self.channels = channels
        self.height = height
        self.width = width
        self.columns = columns
        self.images = images
        self.range = range
    }

    /// Rows of images.
    public var rows: Int { (images.count + columns - 1) / columns }

    /// Whether the images are in colour (three channels).
    public var isColour: Bool { channels == 3 }

    /// Pixels across one image as shown: planes side by side unless they are the three of a colour image.
    public var tileWidth: Int { isColour ? width : width * channels }

    /// The byte a value is shown as: 0 at the range's lower end, 255 at its upper end, rounded to the
    /// nearest; values outside the range (and infinities) are clipped, NaN is black.
    public func byte(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        let fraction = (Double(value) - range.lowerBound) / (range.upperBound - range.lowerBound)
        return UInt8(min(max((fraction * 255).rounded(), 0), 255))
    }

    /// The colour of pixel (`x`, `y`) of image `index`, `x` across the tile (planes side by side).
    public func colour(image index: Int, x: Int, y: Int) -> RGB {
        let image = images[index]
        let plane = height * width
        if isColour {
            let offset = y * width + x
            return RGB(byte(image[offset]), byte(image[plane + offset]), byte(image[2 * plane + offset]))
        }
        let channel = x / width
        let grey = byte(image[channel * plane + y * width + x % width])
        return RGB(grey, grey, grey)
    }
}

/// How a terminal shows the pixels of an image grid.
public enum ImageCellStyle: Sendable, Equatable {
    /// Upper-half blocks `▀`, the top pixel as the foreground and the bottom one as the background, in
    /// 24-bit colour (terminals that say `COLORTERM=truecolor`).
    case trueColour
    /// The same blocks in the nearest colours of the xterm 256-colour palette.
    case palette256
    /// One character of a shade ramp per pixel, from its brightness: for pipes, transcripts and `NO_COLOR`.
    case text
}

/// Draws an image grid as lines of text, one pixel per column, one blank column between images and one
/// blank row between rows of images. Colour blocks hold two pixel rows per text row, so a pixel is about
/// square; the text form keeps one pixel row per text row (every value readable, images twice as tall)
/// unless `halfHeightText` asks it to average two rows per line to fit a small window.
public struct ImageGridTerminalRenderer: Sendable {
    /// Colour blocks or the character ramp.
    public var style: ImageCellStyle
    /// Whether the text form averages two pixel rows per line.
    public var halfHeightText: Bool

    /// A renderer in `style`.
    public init(style: ImageCellStyle, halfHeightText: Bool = false) {
        self.style = style
        self.halfHeightText = halfHeightText
    }

    /// The shade characters of the text style, darkest first.
    public static let ramp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// Text columns a grid of `columns` images `tileWidth` pixels wide takes.
    public static func textWidth(columns: Int, tileWidth: Int) -> Int { columns * tileWidth + max(columns - 1, 0) }

    /// Pixel rows per text row.
    public var pixelRowsPerLine: Int { style == .text && !halfHeightText ? 1 : 2 }

    /// Text rows one image `height` pixels high takes.
    public func textRows(height: Int) -> Int { (height + pixelRowsPerLine - 1) / pixelRowsPerLine }

    /// The grid's lines (escape codes in the colour styles; no trailing spaces in the text style).
    public func render(_ grid: ImageGrid) -> [String] {
        var lines: [String] = []
        let lineCount = textRows(height: grid.height)
        for gridRow in 0..<grid.rows {
            if gridRow > 0 { lines.append("") }
            let first = gridRow * grid.columns
            let indices = Array(first..<min(first + grid.columns, grid.images.count))
            for textRow in 0..<lineCount {
                var line = ""
                for (position, index) in indices.enumerated() {
                    if position > 0 { line += " " }
                    line += cells(grid, image: index, top: pixelRowsPerLine * textRow)
                }
                lines.append(style == .text ? String(line.reversed().drop { $0 == " " }.reversed()) : line)
            }
        }
        return lines
    }

    /// One image's text row whose top pixel row is `top`: colour blocks end with a reset, so the gap
    /// after them is the terminal's own background.
    private func cells(_ grid: ImageGrid, image index: Int, top: Int) -> String {
        let hasBottom = pixelRowsPerLine == 2 && top + 1 < grid.height
        var text = ""
        var lastForeground: String?, lastBackground: String?
        for x in 0..<grid.tileWidth {
            let upper = grid.colour(image: index, x: x, y: top)
            let lower = hasBottom ? grid.colour(image: index, x: x, y: top + 1) : nil
            switch style {
            case .text:
                let levels = [upper] + (lower.map { [$0] } ?? [])
                let sum = levels.reduce(0) { $0 + Self.brightness($1) }
                text.append(Self.ramp[min(sum * Self.ramp.count / (255 * levels.count), Self.ramp.count - 1)])
            case .trueColour, .palette256:
                let foreground = escape(upper, layer: 38)
                if foreground != lastForeground { text += foreground }
                lastForeground = foreground
                if let lower {
                    let background = escape(lower, layer: 48)
                    if background != lastBackground { text += background }
                    lastBackground = background
                }
                text += "▀"
            }
        }
        return style == .text ? text : text + "\u{1b}[0m"
    }

    /// A pixel's brightness 0…255: a grey's own level (exactly, so a transcript's shades follow the values),
    /// a colour's luminance.
    static func brightness(_ colour: RGB) -> Int {
        colour.red == colour.green && colour.green == colour.blue ? Int(colour.red) : Int((colour.luminance * 255).rounded())
    }

    /// The escape that sets the foreground (38) or background (48) colour.
    private func escape(_ colour: RGB, layer: Int) -> String {
        style == .trueColour ? "\u{1b}[\(layer);2;\(colour.red);\(colour.green);\(colour.blue)m"
            : "\u{1b}[\(layer);5;\(colour.xterm256)m"
    }
}

/// Draws an image grid as a picture: every image pixel a `scale × scale` square of one exact colour
/// (nearest neighbour, so a pixel's value can be read back from the file), `gap` pixels of `border`
/// around and between the images.
public struct ImageGridPicture: Sendable {
    /// Picture pixels per image pixel, each way.
    public var scale: Int
    /// Picture pixels between images and around the grid.
    public var gap: Int
    /// The colour between images: a dark grey that is neither black nor white, so the edges of dark and
    /// light images both show.
    public var border = RGB(64, 64, 64)

    /// A picture with `scale` pixels per image pixel and `gap` pixels between images.
    public init(scale: Int, gap: Int) {
        precondition(scale >= 1 && gap >= 0, "scale must be at least 1 and gap not negative")
        self.scale = scale
        self.gap = gap
    }

    /// The largest scale (up to `largest`) at which `grid` fits in `width × height` pixels with `gap`, or
    /// nil when even scale 1 does not fit.
    public static func fittingScale(_ grid: ImageGrid, gap: Int, width: Int, height: Int, largest: Int) -> Int? {
        let columns = min(grid.columns, max(grid.images.count, 1)), rows = max(grid.rows, 1)
        let across = (width - gap * (columns + 1)) / (columns * grid.tileWidth)
        let down = (height - gap * (rows + 1)) / (rows * grid.height)
        let scale = min(across, down, largest)
        return scale >= 1 ? scale : nil
    }

    /// The picture's size in pixels.
    public func size(_ grid: ImageGrid) -> (width: Int, height: Int) {
        let columns = min(grid.columns, max(grid.images.count, 1)), rows = max(grid.rows, 1)
        return (columns * grid.tileWidth * scale + (columns + 1) * gap, rows * grid.height * scale + (rows + 1) * gap)
    }

    /// The painted picture.
    public func raster(_ grid: ImageGrid) -> Raster {
        let (width, height) = size(grid)
        var image = Raster(width: width, height: height, background: border)
        for index in grid.images.indices {
            let left = gap + (index % grid.columns) * (grid.tileWidth * scale + gap)
            let top = gap + (index / grid.columns) * (grid.height * scale + gap)
            for y in 0..<grid.height {
                for x in 0..<grid.tileWidth {
                    let colour = grid.colour(image: index, x: x, y: y)
                    for dy in 0..<scale {
                        for dx in 0..<scale { image.set(left + x * scale + dx, top + y * scale + dy, colour) }
                    }
                }
            }
        }
        return image
    }

    /// The PNG file of the picture.
    public func png(_ grid: ImageGrid) -> [UInt8] {
        let image = raster(grid)
        return PNGEncoder.encode(width: image.width, height: image.height, rgb: image.rgb)
    }

    /// An SVG document holding the PNG picture, drawn without smoothing at its own size: an image grid is
    /// pixels, so vector shapes (a rectangle per pixel) would only make the file larger.
    public func svg(_ grid: ImageGrid) -> String {
        let (width, height) = size(grid)
        let data = Data(png(grid)).base64EncodedString()
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\n"
            + "<image x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" image-rendering=\"pixelated\" style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64,\(data)\"/>\n"
            + "</svg>\n"
    }
}
