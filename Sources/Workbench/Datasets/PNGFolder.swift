import Foundation
import Autodiff
import NeuralNet

/// `png`: a folder of PNG images of one size, labelled by their sub-folders when they are in sub-folders.
public final class PNGFolder: Dataset {
    /// What a transparent pixel becomes.
    enum Alpha: String, ParameterChoice { case black, white, keep }

    static let folder: ParameterKey<String> = .text(
        "folder", default: nil, "a folder of .png files, or of sub-folders of them (one per class)")
    static let alpha: ParameterKey<Alpha> = .choice(
        "alpha", default: Alpha.black,
        "black or white: images with transparency are composited onto that background; keep: alpha is one more channel")
    static let range = ImageCollection.range

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "png", aliases: ["png-folder", "images"],
        summary: "a folder of PNG images of one size (greyscale, RGB, palette, alpha; 1–16 bits), labels from sub-folders",
        discussion: """
            Reads every .png file (any case) in folder=, or in its sub-folders one level down, in the byte order \
            of their names (so sessions replay on any machine), once, when the data set is made. Images in \
            sub-folders are labelled by the sub-folder, the classes in name order; a folder with .png files both \
            at its top and in sub-folders is refused, and deeper folders and other files are ignored. Every \
            image must have the same width and height (the first that differs is named). Greyscale, RGB and \
            palette images of 1, 2, 4, 8 or 16 bits and interlaced ones are decoded by Gantry's own decoder, \
            which checks every chunk's CRC and never inflates beyond the declared size; a data set with any \
            colour image is RGB (its greyscale images repeated in the three channels), otherwise greyscale. \
            alpha=black (the default) composites transparent pixels onto black, whose colour a file need not \
            keep, alpha=white onto white, and alpha=keep adds alpha as a last channel (opaque where an image \
            has none). range=symmetric (the default) maps each image's 0…2^depth − 1 to [−1, 1], range=unit to \
            [0, 1]. A batch draws each image's index with nextInt(below: n), with replacement, like points.
            """,
        parameters: [folder.spec, alpha.spec, range.spec])

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let collection: ImageCollection

    /// Reads and decodes every image; throws `DataFileError` naming the folder or the file at fault.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let folder = parameters[Self.folder]
        let (files, classes) = try Self.listing(folder)
        var images: [PNGImage] = []
        images.reserveCapacity(files.count)
        for file in files {
            let image = try PNGDecoder.decode(try PointFile.readBytes(path: file.path), path: file.path)
            if let first = images.first, (image.width, image.height) != (first.width, first.height) {
                throw DataFileError(path: file.path, "is \(image.width)×\(image.height) pixels, but \(files[0].path) is "
                                    + "\(first.width)×\(first.height); every image of a data set has the same size")
            }
            if images.isEmpty {
                try ImageCollection.checkSize(count: files.count, shape: ImageShape(channels: 4, height: image.height, width: image.width),
                                              path: folder)
            }
            images.append(image)
        }
        let colour = images.contains(where: \.isColour)
        let keepAlpha = parameters[Self.alpha] == .keep && images.contains(where: \.hasAlpha)
        let shape = ImageShape(channels: (colour ? 3 : 1) + (keepAlpha ? 1 : 0), height: images[0].height, width: images[0].width)
        let background: Double = parameters[Self.alpha] == .white ? 1 : 0
        let symmetric = parameters[Self.range] == .symmetric
        let pixels = SampleBuffer.matrix(rows: images.count, columns: shape.elementCount) { out in
            let plane = shape.height * shape.width
            for (row, image) in images.enumerated() {
                let top = Double(image.maximum)
                let colours = image.isColour ? 3 : 1
                image.samples.withUnsafeBufferPointer { samples in
                    for pixel in 0..<plane {
                        let at = pixel * image.channels
                        let opacity = image.hasAlpha ? Double(samples[at + image.channels - 1]) / top : 1
                        for channel in 0..<(colour ? 3 : 1) {
                            var value = Double(samples[at + (colours == 3 ? channel : 0)]) / top
                            if !keepAlpha { value = value * opacity + background * (1 - opacity) }
                            out[(row * shape.channels + channel) * plane + pixel] = Float(symmetric ? 2 * value - 1 : value)
                        }
                        if keepAlpha {
                            out[(row * shape.channels + shape.channels - 1) * plane + pixel] = Float(symmetric ? 2 * opacity - 1 : opacity)
                        }
                    }
                }
            }
        }
        collection = ImageCollection(path: folder, pixels: pixels, shape: shape, labels: classes.isEmpty ? nil : files.map(\.label),
                                     classNames: classes.isEmpty ? nil : classes)
    }

    /// The .png files to read in order, each with the index of its class, and the class names (none when the
    /// files are at the folder's top).
    static func listing(_ folder: String) throws -> (files: [(path: String, label: Int)], classes: [String]) {
        let top = try entries(folder)
        let files = top.filter { !$0.isFolder && isPNG($0.name) }
        var classes: [String] = [], labelled: [(path: String, label: Int)] = []
        for sub in top where sub.isFolder {
            let inside = try entries(sub.path).filter { !$0.isFolder && isPNG($0.name) }
            guard !inside.isEmpty else { continue }
            labelled += inside.map { ($0.path, classes.count) }
            classes.append(sub.name)
        }
        if !files.isEmpty && !classes.isEmpty {
            throw DataFileError(path: folder, "holds .png files both at its top (\(files[0].name)) and in sub-folders "
                                + "(\(classes[0])); put every image in a class sub-folder, or none")
        }
        guard !files.isEmpty || !classes.isEmpty else {
            throw DataFileError(path: folder, "holds no .png files, at its top or in its sub-folders")
        }
        return (classes.isEmpty ? files.map { ($0.path, 0) } : labelled, classes)
    }

    /// The folder's entries in the byte order of their names, each with whether it is a folder (a symbolic
    /// link counts as what it leads to).
    private static func entries(_ folder: String) throws -> [(name: String, path: String, isFolder: Bool)] {
        var info = stat()
        guard stat(folder, &info) == 0 else { throw DataFileError(path: folder, PointFile.openFailure(errno, path: folder)) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw DataFileError(path: folder, "is not a folder") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw DataFileError(path: folder, "cannot be listed: \(error.localizedDescription)")
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { name in
            let path = (folder as NSString).appendingPathComponent(name)
            var info = stat()
            return (name, path, stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR)
        }
    }

    private static func isPNG(_ name: String) -> Bool { name.lowercased().hasSuffix(".png") }

    public var dimension: Int { collection.shape.elementCount }
    public var modes: ModeLayout? { nil }
    public var imageShape: ImageShape? { collection.shape }
    public var filePoints: (path: String, points: Tensor)? { (collection.path, collection.pixels) }
    public var classNames: [String]? { collection.classNames }
    public func examples(_ split: DataSplit) throws -> LabelledExamples? { collection.examples(split) }

    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { collection.draw(count, using: stream).samples }

    public func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? {
        collection.labelledDraw(count, using: stream)
    }
}
