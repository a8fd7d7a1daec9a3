/// The path two players' parameters take while they play: a point per step, in order.
public struct Trajectory: Sendable, Equatable {
    /// What the path is (a learning rate, a method: "simultaneous", "alternating").
    public var name: String
    /// (player 1's parameter, player 2's parameter) after each step, starting point first.
    public var points: [Point]

    /// A trajectory.
    public init(_ name: String, points: [Point]) {
        self.name = name
        self.points = points
    }
}

/// Figures of two-player games played by gradient steps: how the players' parameters move around (or
/// into, or away from) the equilibrium.
public enum GameFigure {
    /// A canvas with each trajectory as a line of its own colour, a dot where it starts and an arrow on
    /// its last step (so the direction of play shows), and the equilibrium, when given, as a point.
    public static func canvas(_ trajectories: [Trajectory], title: String, xLabel: String, yLabel: String,
                              equilibrium: Point? = nil) -> Canvas {
        let markers: [Character] = ["*", "+", "#", "%", "&", "$"]
        var layers: [Layer] = []
        for (index, trajectory) in trajectories.enumerated() {
            let colour = Palette.series(index)
            let marker = markers[index % markers.count]
            layers.append(.lines(LineSeries(trajectory.name, colour: colour, marker: marker, paths: [trajectory.points])))
            if let start = trajectory.points.first {
                layers.append(.points(PointSeries("", colour: colour, marker: "o", points: [start])))
            }
            if trajectory.points.count >= 2 {
                let last = trajectory.points[trajectory.points.count - 1], before = trajectory.points[trajectory.points.count - 2]
                layers.append(.arrows(ArrowSeries("", colour: colour, arrows: [Arrow(from: before, to: last)])))
            }
        }
        if let equilibrium {
            layers.append(.points(PointSeries("equilibrium", colour: Palette.highlight, marker: "@", points: [equilibrium])))
        }
        let steps = trajectories.map { max($0.points.count - 1, 0) }.max() ?? 0
        return Canvas(title: title, xAxis: Axis(xLabel), yAxis: Axis(yLabel), layers: layers,
                      captions: ["each trajectory starts at a dot (o) and its last step is an arrow; \(steps) steps"])
    }
}
