/// A colour as 8-bit red, green and blue: the one colour type of every back end.
public struct RGB: Sendable, Equatable, Hashable {
    /// Red, 0–255.
    public var red: UInt8
    /// Green, 0–255.
    public var green: UInt8
    /// Blue, 0–255.
    public var blue: UInt8

    /// A colour from its three components.
    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`, as SVG writes it.
    public var hex: String {
        "#" + [red, green, blue].map { component in
            let digits = String(component, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The straight mix `(1 − t)·self + t·other`, rounded to the nearest component value.
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * min(max(t, 0), 1)).rounded())
        }
        return RGB(mix(red, other.red), mix(green, other.green), mix(blue, other.blue))
    }

    /// Relative brightness in [0, 1] (Rec. 709 weights on the stored values), enough to compare colours.
    public var luminance: Double {
        (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
    }

    /// The nearest colour of the xterm 256-colour palette: the 6×6×6 cube (16–231) or the grey ramp
    /// (232–255). Terminals that speak ANSI almost all understand this palette; 24-bit colour is rarer.
    public var xterm256: Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ value: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(value)) < abs(levels[$1] - Int(value)) }!
        }
        let (r, g, b) = (nearestLevel(red), nearestLevel(green), nearestLevel(blue))
        let cube = RGB(UInt8(levels[r]), UInt8(levels[g]), UInt8(levels[b]))
        let average = (Int(red) + Int(green) + Int(blue)) / 3
        let greyStep = min(max((average - 8 + 5) / 10, 0), 23)
        let greyValue = UInt8(8 + 10 * greyStep)
        let grey = RGB(greyValue, greyValue, greyValue)
        return distance(to: grey) < distance(to: cube) ? 232 + greyStep : 16 + 36 * r + 6 * g + b
    }

    private func distance(to other: RGB) -> Int {
        let dr = Int(red) - Int(other.red), dg = Int(green) - Int(other.green), db = Int(blue) - Int(other.blue)
        return dr * dr + dg * dg + db * db
    }
}

/// The colours figures use, chosen so that series stay distinct from each other and from heat maps.
public enum Palette {
    /// Real data (green, as GAN Lab shows it).
    public static let real = RGB(40, 170, 80)
    /// Generated samples (magenta).
    public static let generated = RGB(200, 60, 190)
    /// Arrows and other marks on top of both.
    public static let accent = RGB(240, 130, 20)
    /// A single point that must stand out (an equilibrium).
    public static let highlight = RGB(215, 35, 60)
    /// Contour lines.
    public static let contour = RGB(235, 235, 235)
    /// Axis lines, ticks and labels in files.
    public static let ink = RGB(40, 40, 40)
    /// The page of a file.
    public static let paper = RGB(255, 255, 255)
    /// Colours for line series after the first ones, in order.
    public static let series: [RGB] = [RGB(31, 110, 200), RGB(220, 90, 40), RGB(40, 160, 70), RGB(170, 60, 190),
                                       RGB(200, 160, 0), RGB(0, 160, 170), RGB(120, 120, 120), RGB(200, 40, 80)]

    /// The colour of series `index` (wrapping around).
    public static func series(_ index: Int) -> RGB { series[index % series.count] }
}

/// A continuous colour scale for heat maps: dark blue for the lowest values through teal to pale yellow
/// for the highest, so brightness alone already orders values (and the terminal's shade characters agree
/// with the colours).
public struct ColourRamp: Sendable, Equatable {
    /// Evenly spaced stops from the lowest to the highest value.
    public let stops: [RGB]

    /// A ramp through `stops`.
    public init(stops: [RGB]) {
        precondition(stops.count >= 2, "a ramp needs two stops")
        self.stops = stops
    }

    /// The ramp of heat maps.
    public static let heat = ColourRamp(stops: [RGB(22, 26, 70), RGB(38, 76, 130), RGB(42, 128, 140),
                                                RGB(110, 170, 120), RGB(205, 205, 130), RGB(250, 240, 190)])

    /// The colour at `t` in [0, 1] (clamped), interpolated between neighbouring stops.
    public func colour(at t: Double) -> RGB {
        let clamped = t.isFinite ? min(max(t, 0), 1) : 0
        let position = clamped * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }
}
