import Foundation
import Autodiff
import NeuralNet
import Kernels

extension ImageCollection {
    /// Images from an IDX file of unsigned bytes shaped [count, height, width] (MNIST's and Fashion-MNIST's
    /// layout; gzip-compressed or not), with the labels of an IDX file of unsigned bytes shaped [count] when
    /// `labelsPath` is given. `classNames` names the classes when the data set knows them (every label must
    /// then be below their number); otherwise the classes are "0" … the largest label.
    static func readIDX(images imagesPath: String, labels labelsPath: String?, range: PixelRange,
                        classNames known: [String]? = nil) throws -> ImageCollection {
        let imageFile = try PointFile.readBytes(path: imagesPath)
        let labelFile = try labelsPath.map { try PointFile.readBytes(path: $0) }
        return try shared(key: [imagesPath, labelsPath ?? "", range.rawValue, (known ?? []).joined(separator: "\n"),
                                contentKey(imageFile), labelFile.map(contentKey) ?? ""]) {
            try decodeIDX(images: imagesPath, imageFile, labels: labelsPath, labelFile, range: range, classNames: known)
        }
    }

    private static func decodeIDX(images imagesPath: String, _ imageFile: [UInt8], labels labelsPath: String?, _ labelFile: [UInt8]?,
                                  range: PixelRange, classNames known: [String]?) throws -> ImageCollection {
        let images = try idxBytes(imageFile, imagesPath, what: "images", rank: 3)
        let (count, height, width) = (images.dimensions[0], images.dimensions[1], images.dimensions[2])
        guard count > 0 else { throw DataFileError(path: imagesPath, "holds no images (dimensions \(images.dimensions))") }
        guard height > 0 && width > 0 else {
            throw DataFileError(path: imagesPath, "holds images of \(height)×\(width) pixels; each needs at least one row and column")
        }
        let shape = ImageShape(channels: 1, height: height, width: width)
        try checkSize(count: count, shape: shape, path: imagesPath)
        let table = Self.table(maximum: 255, range: range)
        let pixels = SampleBuffer.matrix(rows: count, columns: shape.elementCount) { out in
            images.bytes.withUnsafeBufferPointer { source in
                table.withUnsafeBufferPointer { table in
                    ByteLookup.map(source.baseAddress! + images.dataStart, count: out.count, table: table.baseAddress!,
                                   into: out.baseAddress!)
                }
            }
        }
        var labels: [Int]?, names = known
        if let labelsPath, let labelFile {
            let file = try idxBytes(labelFile, labelsPath, what: "labels", rank: 1)
            guard file.dimensions[0] == count else {
                throw DataFileError(path: labelsPath, "holds \(file.dimensions[0]) labels, but \(imagesPath) holds \(count) images")
            }
            let values = file.bytes[file.dataStart...].map(Int.init)
            if let known, let bad = values.firstIndex(where: { $0 >= known.count }) {
                throw DataFileError(path: labelsPath, "label \(bad) is \(values[bad]); this data set has \(known.count) classes (0 to \(known.count - 1))")
            }
            labels = values
            names = known ?? (0...(values.max() ?? 0)).map(String.init)
        } else {
            names = nil
        }
        return ImageCollection(path: imagesPath, pixels: pixels, shape: shape, labels: labels, classNames: names)
    }

    /// The bytes of an IDX file of unsigned bytes with `rank` dimensions, checked against its header: its
    /// dimensions and where its data starts. Compressed files are inflated only as far as the header declares.
    private static func idxBytes(_ file: [UInt8], _ path: String, what: String, rank: Int) throws -> (bytes: [UInt8], dimensions: [Int], dataStart: Int) {
        let bytes = try PointFile.decompressedIfGzip(file, path: path, expecting: .idx)
        let header = try PointFile.idxHeader(bytes, path: path)
        guard bytes[2] == 0x08 else {
            throw DataFileError(path: path, "holds \(PointFile.idxTypes[bytes[2]]!.name)s; IDX \(what) must be unsigned bytes (0 to 255)")
        }
        guard header.dimensions.count == rank else {
            let layout = rank == 3 ? "[count, height, width]" : "[count]"
            throw DataFileError(path: path, "holds an array of dimensions \(header.dimensions); IDX \(what) are shaped \(layout)")
        }
        let available = bytes.count - header.dataStart
        guard available == header.needed else {
            throw DataFileError(path: path, (available < header.needed ? "is truncated: " : "has \(available - header.needed) unexpected bytes after the data: ")
                                + "dimensions \(header.dimensions) need \(header.needed) bytes of data, and \(available) follow the header")
        }
        return (bytes, header.dimensions, header.dataStart)
    }
}
