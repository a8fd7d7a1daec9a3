/// The language of the tour's lesson text. Commands, help and error messages stay English in both: the
/// reader learns the language the workbench speaks.
enum TourLanguage: String, CommandWord {
    case en, ko

    /// The language a process's environment asks for: `GANTRY_LANG` first, then the locale variables in
    /// the order the C library reads them (`LC_ALL`, `LC_MESSAGES`, `LANG`); Korean for a value starting
    /// with `ko`, English otherwise.
    static func preferred(environment: [String: String]) -> TourLanguage {
        for name in ["GANTRY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("ko") ? .ko : .en
        }
        return .en
    }
}

/// A text in both of the tour's languages.
struct TourText {
    let en: String
    let ko: String

    /// The text in `language`.
    func callAsFunction(_ language: TourLanguage) -> String {
        switch language {
        case .en: return en
        case .ko: return ko
        }
    }
}

/// The part of the document a lesson belongs to, titled as the document titles it: the Korean headings
/// are the source document's own ("GAN loss의 수학적 해석", "Problems in GANs", "Improved GAN training"
/// with their numbered English items), so a reader can keep the two side by side.
enum TourSection: Equatable {
    /// The GAN loss, read as the Jensen–Shannon divergence.
    case loss
    /// One of the five problems, numbered as the document numbers them (1…5).
    case problem(Int)
    /// One of the seven remedies, numbered as the document numbers them (1…7).
    case remedy(Int)

    private static let problems = ["Hard to achieve Nash equilibrium", "Low dimensional supports", "Vanishing gradient",
                                   "Mode collapse", "Lack of a proper evaluation metric"]
    private static let remedies = ["Feature Matching", "Minibatch Discrimination", "Historical Averaging",
                                   "One-sided Label Smoothing", "Virtual Batch Normalization", "Adding Noises",
                                   "Use Better Metric of Distribution Similarity"]

    /// The heading in `language`: "Problems in GANs 2. Low dimensional supports".
    func heading(_ language: TourLanguage) -> String {
        switch self {
        case .loss: return language == .ko ? "GAN loss의 수학적 해석" : "What the GAN loss measures"
        case .problem(let number): return "Problems in GANs \(number). " + Self.problems[number - 1]
        case .remedy(let number): return "Improved GAN training \(number). " + Self.remedies[number - 1]
        }
    }
}

/// One lesson: a few sentences on one idea of the document, the claim script of `scripts/examples` that
/// shows it (run as it is, so the lesson and the script cannot drift apart), a picture drawn after it,
/// and something to try next.
struct TourLesson {
    /// Where in the document the idea is.
    let section: TourSection
    /// The file name of the claim script in `scripts/examples`.
    let script: String
    /// Two to five sentences on the idea and on what the script does.
    let idea: TourText
    /// Commands run after the script to draw what it left, or none when the script draws its own. A script
    /// that ends in a `seeds` block has put the session back as it was before the block, so its picture
    /// trains the last seed again first.
    let picture: [String]
    /// One thing to try next, in the session the lesson leaves: a question…
    let tryNext: TourText
    /// …and the commands that ask it.
    let tryCommands: [String]
}
