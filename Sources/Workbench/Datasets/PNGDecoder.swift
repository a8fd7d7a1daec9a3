import Foundation
import Inflate

/// A decoded PNG image: its samples row by row, the channels of a pixel side by side.
struct PNGImage: Equatable {
    let width: Int
    let height: Int
    /// 1 (grey), 2 (grey and alpha), 3 (RGB) or 4 (RGB and alpha). A palette image becomes RGB, and an image
    /// with a tRNS chunk gains an alpha channel.
    let channels: Int
    /// The value of full intensity: 2^depth − 1 (1, 3, 15, 255 or 65 535; 255 for a palette image).
    let maximum: Int
    /// height · width · channels samples, each 0…maximum.
    let samples: [UInt16]

    var hasAlpha: Bool { channels == 2 || channels == 4 }
    var isColour: Bool { channels >= 3 }
}

/// A PNG decoder (ISO/IEC 15948) on top of `Inflate`: every colour type and bit depth, palettes, tRNS
/// transparency, filters 0–4 and Adam7 interlacing. Every chunk's CRC is checked, the chunk order is the
/// standard's, and the zlib stream is inflated only up to the size the header declares (so a decompression
/// bomb stops there) and checked against its Adler-32. Ancillary chunks other than tRNS are skipped; an
/// unknown critical chunk is refused. Every failure is a `DataFileError` naming the file.
enum PNGDecoder {
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
    /// The largest image accepted: 16 777 216 pixels (4096 × 4096), far beyond a training image, far below
    /// what a hostile header can declare (2³¹ − 1 on each side).
    static let maximumPixels = 1 << 24

    /// What IHDR declares.
    struct Header {
        let width: Int, height: Int, depth: Int, colourType: Int, interlaced: Bool

        /// Samples per pixel as stored: grey 1, RGB 3, palette index 1, grey and alpha 2, RGBA 4.
        var storedSamples: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType]! }
        var bitsPerPixel: Int { storedSamples * depth }
        /// The distance, in bytes, to the byte of the pixel before that filters read.
        var filterStride: Int { max(1, bitsPerPixel / 8) }
        func rowBytes(_ width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }

        /// The sub-images stored one after the other: the whole image, or Adam7's seven passes (first
        /// column, first row, column step, row step), each with its size.
        var passes: [(x: Int, y: Int, dx: Int, dy: Int, width: Int, height: Int)] {
            let layout = interlaced
                ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
                : [(0, 0, 1, 1)]
            return layout.map { x, y, dx, dy in
                (x, y, dx, dy, width > x ? (width - x + dx - 1) / dx : 0, height > y ? (height - y + dy - 1) / dy : 0)
            }
        }

        /// The bytes the image data inflates to: per row of each non-empty pass, a filter byte and the row.
        var inflatedSize: Int {
            passes.filter { $0.width > 0 && $0.height > 0 }.reduce(0) { $0 + $1.height * (1 + rowBytes($1.width)) }
        }
    }

    /// Decodes a whole PNG file; `path` names it in errors.
    static func decode(_ bytes: [UInt8], path: String) throws -> PNGImage {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }
        func word(_ at: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(bytes[at + $1]) } }
        guard bytes.starts(with: signature) else {
            throw fail("is not a PNG file: it does not start with PNG's 8-byte signature")
        }
        var header: Header?
        var palette: [UInt8]?, transparency: [UInt8]?
        var compressed: [UInt8] = []
        var dataSeen = false, dataEnded = false, ended = false
        var position = signature.count
        while !ended {
            guard position + 8 <= bytes.count else {
                throw fail("is truncated: it ends at byte \(bytes.count), before its \(header == nil ? "IHDR" : "IEND") chunk")
            }
            let length = word(position)
            let type = Array(bytes[position + 4 ..< position + 8])
            guard type.allSatisfy({ (65...90).contains($0) || (97...122).contains($0) }) else {
                throw fail("has a damaged chunk at byte \(position): its type is not four letters")
            }
            let name = String(decoding: type, as: UTF8.self)
            guard length <= 0x7FFF_FFFF, length <= bytes.count - position - 12 else {
                throw fail("is truncated: its \(name) chunk at byte \(position) declares \(length) bytes of data, "
                           + "and the file has \(max(0, bytes.count - position - 12)) after its type")
            }
            let data = position + 8 ..< position + 8 + length
            let stored = UInt32(word(data.upperBound))
            let computed = CRC32.checksum(of: bytes[position + 4 ..< data.upperBound])
            guard stored == computed else {
                throw fail("its \(name) chunk at byte \(position) fails its CRC check (stored \(hex(stored)), "
                           + "computed \(hex(computed))): the file is damaged")
            }
            if header == nil && name != "IHDR" { throw fail("its first chunk is \(name); a PNG file starts with IHDR") }
            if dataSeen && name != "IDAT" { dataEnded = true }
            switch name {
            case "IHDR":
                guard header == nil else { throw fail("has a second IHDR chunk at byte \(position)") }
                guard length == 13 else { throw fail("has an IHDR chunk of \(length) bytes; it has 13") }
                header = try readHeader(Array(bytes[data]), fail)
            case "PLTE":
                guard !dataSeen else { throw fail("has its PLTE chunk after its image data") }
                guard palette == nil else { throw fail("has a second PLTE chunk at byte \(position)") }
                guard header!.colourType != 0 && header!.colourType != 4 else {
                    throw fail("is a greyscale image with a palette (PLTE chunk), which PNG does not allow")
                }
                guard length % 3 == 0, (1...256).contains(length / 3) else {
                    throw fail("has a PLTE chunk of \(length) bytes; a palette has 1 to 256 entries of 3 bytes")
                }
                palette = Array(bytes[data])
            case "tRNS":
                guard !dataSeen else { throw fail("has its tRNS chunk after its image data") }
                guard transparency == nil else { throw fail("has a second tRNS chunk at byte \(position)") }
                switch header!.colourType {
                case 3:
                    guard let palette else { throw fail("has its tRNS chunk before its palette (PLTE)") }
                    guard length <= palette.count / 3 else {
                        throw fail("has \(length) transparency entries for a palette of \(palette.count / 3)")
                    }
                case 0, 2:
                    let expected = header!.colourType == 0 ? 2 : 6
                    guard length == expected else { throw fail("has a tRNS chunk of \(length) bytes; this colour type's has \(expected)") }
                default:
                    throw fail("has a tRNS chunk, but its pixels already have an alpha channel")
                }
                transparency = Array(bytes[data])
            case "IDAT":
                guard !dataEnded else { throw fail("has image data (IDAT) chunks that are not consecutive (another at byte \(position))") }
                if header!.colourType == 3 && palette == nil { throw fail("has image data before its palette (PLTE)") }
                compressed.append(contentsOf: bytes[data])
                dataSeen = true
            case "IEND":
                ended = true
            default:
                // Bit 5 of the first letter (lower case) marks an ancillary chunk, which a decoder may skip.
                guard type[0] & 0x20 != 0 else { throw fail("has a critical chunk \(name) that this decoder does not know") }
            }
            position = data.upperBound + 4
        }
        guard let header else { throw fail("has no IHDR chunk") }
        guard dataSeen else { throw fail("has no image data (IDAT chunk)") }
        if header.colourType == 3 && palette == nil { throw fail("is a palette image without a palette (PLTE chunk)") }
        let raw = try inflate(compressed, size: header.inflatedSize, header: header, fail)
        return try unfilter(raw, header: header, palette: palette, transparency: transparency, fail)
    }

    /// The header's fields, checked: sizes, and a bit depth the colour type allows.
    private static func readHeader(_ field: [UInt8], _ fail: (String) -> DataFileError) throws -> Header {
        func word(_ at: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(field[at + $1]) } }
        let (width, height) = (word(0), word(4))
        let (depth, colourType) = (Int(field[8]), Int(field[9]))
        guard (1...0x7FFF_FFFF).contains(width), (1...0x7FFF_FFFF).contains(height) else {
            throw fail("declares an image of \(width)×\(height) pixels; PNG's sides are 1 to 2³¹ − 1")
        }
        guard width * height <= maximumPixels else {
            throw fail("declares an image of \(width)×\(height) pixels, more than the \(maximumPixels) (4096×4096) "
                       + "an image of a data set may have")
        }
        let depths = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let allowed = depths[colourType] else { throw fail("has colour type \(colourType); PNG's are 0, 2, 3, 4 and 6") }
        guard allowed.contains(depth) else {
            throw fail("has bit depth \(depth) with colour type \(colourType), which allows \(allowed.map(String.init).joined(separator: ", "))")
        }
        guard field[10] == 0 else { throw fail("has compression method \(field[10]); PNG's only one is 0") }
        guard field[11] == 0 else { throw fail("has filter method \(field[11]); PNG's only one is 0") }
        guard field[12] <= 1 else { throw fail("has interlace method \(field[12]); PNG's are 0 (none) and 1 (Adam7)") }
        return Header(width: width, height: height, depth: depth, colourType: colourType, interlaced: field[12] == 1)
    }

    /// The zlib stream of the IDAT chunks, inflated to exactly `size` bytes (never more) and checked against
    /// its Adler-32.
    private static func inflate(_ stream: [UInt8], size: Int, header: Header, _ fail: (String) -> DataFileError) throws -> [UInt8] {
        guard stream.count >= 2 else { throw fail("has image data of \(stream.count) bytes, too short for a zlib stream") }
        let (method, flags) = (stream[0], stream[1])
        guard method & 0x0F == 8, method >> 4 <= 7 else {
            throw fail("has image data that is not a zlib DEFLATE stream (its first byte is \(hex(UInt32(method))))")
        }
        guard (Int(method) << 8 | Int(flags)) % 31 == 0 else { throw fail("has image data whose zlib header is damaged") }
        guard flags & 0x20 == 0 else { throw fail("has image data that needs a preset zlib dictionary, which PNG does not allow") }
        let output: [UInt8], end: Int
        do {
            (output, end) = try Inflater.inflate(stream, from: 2, limit: size)
        } catch {
            if error.exceededLimit != nil {
                throw fail("has image data that inflates beyond the \(size) bytes its \(header.width)×\(header.height) "
                           + "header declares; refused without inflating the rest")
            }
            throw fail("has image data that cannot be decompressed (zlib data, \(error))")
        }
        guard output.count == size else {
            throw fail("is truncated: its image data inflates to \(output.count) bytes, and its \(header.width)×\(header.height) header declares \(size)")
        }
        guard end + 4 <= stream.count else { throw fail("has image data without its zlib checksum (Adler-32)") }
        let stored = stream[end ..< end + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let computed = adler32(output)
        guard stored == computed else {
            throw fail("has image data that fails its Adler-32 check (stored \(hex(stored)), computed \(hex(computed))): the file is damaged")
        }
        return output
    }

    /// The Adler-32 checksum of zlib (RFC 1950).
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var (a, b): (UInt32, UInt32) = (1, 0)
        var index = 0
        bytes.withUnsafeBufferPointer { bytes in
            while index < bytes.count {
                // 5552 bytes is the most that can be summed before the 32-bit sums must be reduced.
                let end = min(bytes.count, index + 5552)
                while index < end {
                    a += UInt32(bytes[index])
                    b += a
                    index += 1
                }
                a %= 65521
                b %= 65521
            }
        }
        return b << 16 | a
    }

    /// Undoes each row's filter (in place), reads its samples, and places them at their pixels: palette
    /// entries expanded to RGB, a tRNS chunk turned into an alpha channel.
    private static func unfilter(_ raw: [UInt8], header: Header, palette: [UInt8]?, transparency: [UInt8]?,
                                 _ fail: (String) -> DataFileError) throws -> PNGImage {
        var raw = raw
        let stored = header.storedSamples, depth = header.depth, stride = header.filterStride
        let isPalette = header.colourType == 3
        let hasKey = transparency != nil && !isPalette
        let channels = isPalette ? (transparency == nil ? 3 : 4) : stored + (hasKey ? 1 : 0)
        let maximum = isPalette ? 255 : (1 << depth) - 1
        var samples = [UInt16](repeating: 0, count: header.width * header.height * channels)
        let key: [Int] = hasKey ? stride2(transparency!).map { $0 & maximum } : []
        let entries = (palette?.count ?? 0) / 3
        var offset = 0
        var problem: String?
        raw.withUnsafeMutableBufferPointer { raw in
            samples.withUnsafeMutableBufferPointer { samples in
                for (number, pass) in header.passes.enumerated() where pass.width > 0 && pass.height > 0 && problem == nil {
                    let rowBytes = header.rowBytes(pass.width)
                    var stored16 = [Int](repeating: 0, count: stored)
                    for y in 0..<pass.height {
                        let filter = raw[offset]
                        guard filter <= 4 else {
                            problem = "row \(y)\(header.interlaced ? " of interlace pass \(number + 1)" : "") has filter type \(filter); PNG's are 0 to 4"
                            break
                        }
                        let row = offset + 1, above = row - rowBytes - 1
                        for i in 0..<rowBytes {
                            let a = i >= stride ? Int(raw[row + i - stride]) : 0
                            let b = y > 0 ? Int(raw[above + i]) : 0
                            let c = y > 0 && i >= stride ? Int(raw[above + i - stride]) : 0
                            let predicted: Int
                            switch filter {
                            case 0: predicted = 0
                            case 1: predicted = a
                            case 2: predicted = b
                            case 3: predicted = (a + b) / 2
                            default:
                                let p = a + b - c
                                let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                                predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                            }
                            raw[row + i] = UInt8(truncatingIfNeeded: Int(raw[row + i]) + predicted)
                        }
                        let imageRow = pass.y + y * pass.dy
                        for x in 0..<pass.width {
                            for s in 0..<stored {
                                let bit = (x * stored + s) * depth
                                switch depth {
                                case 16: stored16[s] = Int(raw[row + bit / 8]) << 8 | Int(raw[row + bit / 8 + 1])
                                case 8: stored16[s] = Int(raw[row + bit / 8])
                                default: stored16[s] = Int(raw[row + bit / 8]) >> (8 - depth - bit % 8) & ((1 << depth) - 1)
                                }
                            }
                            let pixel = (imageRow * header.width + pass.x + x * pass.dx) * channels
                            if isPalette {
                                let index = stored16[0]
                                guard index < entries else {
                                    problem = "pixel (\(pass.x + x * pass.dx), \(imageRow)) uses palette entry \(index), but the palette has \(entries)"
                                    break
                                }
                                for s in 0..<3 { samples[pixel + s] = UInt16(palette![3 * index + s]) }
                                if let transparency {
                                    samples[pixel + 3] = index < transparency.count ? UInt16(transparency[index]) : 255
                                }
                            } else {
                                for s in 0..<stored { samples[pixel + s] = UInt16(stored16[s]) }
                                if hasKey {
                                    let transparent = (0..<stored).allSatisfy { stored16[$0] == key[$0] }
                                    samples[pixel + stored] = transparent ? 0 : UInt16(maximum)
                                }
                            }
                        }
                        if problem != nil { break }
                        offset += 1 + rowBytes
                    }
                }
            }
        }
        if let problem { throw fail(problem) }
        return PNGImage(width: header.width, height: header.height, channels: channels, maximum: maximum, samples: samples)
    }

    /// Big-endian 16-bit values.
    private static func stride2(_ bytes: [UInt8]) -> [Int] {
        stride(from: 0, to: bytes.count - 1, by: 2).map { Int(bytes[$0]) << 8 | Int(bytes[$0 + 1]) }
    }

    private static func hex(_ value: UInt32) -> String { "0x" + String(value, radix: 16, uppercase: false) }
}
