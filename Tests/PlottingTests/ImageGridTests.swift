import XCTest
import Plotting

/// Image grids: values to bytes, the terminal's text and colour cells, and the picture's layout.
final class ImageGridTests: XCTestCase {
    /// Two greyscale 3×2 images (height 3, width 2): the first a ramp, the second its reverse.
    func ramps(columns: Int = 2) -> ImageGrid {
        ImageGrid(channels: 1, height: 3, width: 2, columns: columns,
                  images: [[-1, -0.6, -0.2, 0.2, 0.6, 1], [1, 0.6, 0.2, -0.2, -0.6, -1]], range: -1...1)
    }

    func testValuesMapLinearlyFromTheRangeToBytesAndClip() {
        let grid = ramps()
        XCTAssertEqual([-1, 0, 1, -3, 7, .infinity, -.infinity, .nan].map(grid.byte), [0, 128, 255, 0, 255, 255, 0, 0])
        let unit = ImageGrid(channels: 1, height: 1, width: 1, columns: 1, images: [[0.5]], range: 0...1)
        XCTAssertEqual(unit.byte(0.5), 128)
        XCTAssertEqual(unit.byte(0.2), 51)
    }

    func testTheTextFormShowsEveryPixelAsAShade() {
        // Bytes of the first image by row: (0, 51), (102, 153), (204, 255); of the second the reverse.
        let lines = ImageGridTerminalRenderer(style: .text).render(ramps())
        XCTAssertEqual(lines, [" : @%", "=* *=", "%@ :"])
        XCTAssertEqual(lines, Self.expectedText(ramps(), rowsPerLine: 1))
    }

    func testTheHalfHeightTextFormAveragesTwoPixelRowsPerLine() {
        // (0 + 102)/2 → ":", (51 + 153)/2 → "="; the odd last row alone: "%", "@".
        let renderer = ImageGridTerminalRenderer(style: .text, halfHeightText: true)
        XCTAssertEqual(renderer.render(ramps()), [":= %*", "%@ :"])
        XCTAssertEqual(renderer.render(ramps()), Self.expectedText(ramps(), rowsPerLine: 2))
    }

    /// The text form computed independently of the renderer: the ramp index of the mean of two bytes.
    static func expectedText(_ grid: ImageGrid, rowsPerLine: Int) -> [String] {
        let ramp = Array(" .:-=+*#%@")
        var lines: [String] = []
        for textRow in 0..<((grid.height + rowsPerLine - 1) / rowsPerLine) {
            var line = ""
            for (position, image) in grid.images.enumerated() {
                if position > 0 { line += " " }
                for x in 0..<grid.width {
                    let rows = (rowsPerLine * textRow)..<min(rowsPerLine * (textRow + 1), grid.height)
                    let bytes = rows.map { Double(grid.byte(image[$0 * grid.width + x])) }
                    line.append(ramp[min(Int(bytes.reduce(0, +) * 10 / (255 * Double(bytes.count))), 9)])
                }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        return lines
    }

    func testColourCellsAreUpperHalfBlocksWithTheTopPixelInFrontAndTheBottomBehind() {
        let grid = ImageGrid(channels: 3, height: 2, width: 1, columns: 1,
                             images: [[1, -1, -1, 1, -1, -1]], range: -1...1)
        // Red plane (1, −1), green (−1, 1), blue (−1, −1): the top pixel is red, the bottom one green.
        XCTAssertEqual(ImageGridTerminalRenderer(style: .trueColour).render(grid),
                       ["\u{1b}[38;2;255;0;0m\u{1b}[48;2;0;255;0m▀\u{1b}[0m"])
        XCTAssertEqual(ImageGridTerminalRenderer(style: .palette256).render(grid),
                       ["\u{1b}[38;5;196m\u{1b}[48;5;46m▀\u{1b}[0m"])
        // An odd last row has no pixel below: the block keeps the terminal's own background.
        let odd = ImageGrid(channels: 1, height: 1, width: 2, columns: 1, images: [[1, 1]], range: -1...1)
        XCTAssertEqual(ImageGridTerminalRenderer(style: .trueColour).render(odd), ["\u{1b}[38;2;255;255;255m▀▀\u{1b}[0m"])
    }

    func testGridsWrapIntoRowsWithABlankLineBetween() {
        let lines = ImageGridTerminalRenderer(style: .text).render(ramps(columns: 1))
        XCTAssertEqual(lines.count, 3 + 1 + 3)
        XCTAssertEqual(lines[3], "")
        XCTAssertEqual(ImageGridTerminalRenderer.textWidth(columns: 8, tileWidth: 28), 231)
    }

    func testPlanesOtherThanRGBAreShownSideBySide() {
        let grid = ImageGrid(channels: 2, height: 1, width: 2, columns: 1, images: [[-1, -1, 1, 1]], range: -1...1)
        XCTAssertEqual(grid.tileWidth, 4)
        XCTAssertEqual(ImageGridTerminalRenderer(style: .text).render(grid), ["  @@"])
    }

    func testThePictureScalesEachPixelToASquareOfOneColour() {
        let grid = ramps()
        let picture = ImageGridPicture(scale: 3, gap: 2)
        let size = picture.size(grid)
        XCTAssertEqual(size.width, 2 * 2 * 3 + 3 * 2)
        XCTAssertEqual(size.height, 3 * 3 + 2 * 2)
        let image = picture.raster(grid)
        XCTAssertEqual(image.pixel(0, 0), picture.border)
        for (index, values) in grid.images.enumerated() {
            for y in 0..<3 {
                for x in 0..<2 {
                    let byte = grid.byte(values[y * 2 + x])
                    for dy in 0..<3 {
                        for dx in 0..<3 {
                            XCTAssertEqual(image.pixel(2 + index * 8 + x * 3 + dx, 2 + y * 3 + dy), RGB(byte, byte, byte))
                        }
                    }
                }
            }
        }
        XCTAssertEqual(ImageGridPicture.fittingScale(grid, gap: 2, width: size.width, height: size.height, largest: 64), 3)
        XCTAssertNil(ImageGridPicture.fittingScale(grid, gap: 2, width: 8, height: 100, largest: 64))
        XCTAssertTrue(picture.svg(grid).contains("image-rendering=\"pixelated\""))
    }
}
