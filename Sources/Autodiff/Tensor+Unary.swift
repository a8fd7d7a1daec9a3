import Kernels

// Elementwise functions of one tensor, each with its derivative beside it in tensor operations.
// Masks used by derivatives (where x > 0, inside [lo, hi], sign) are constants: the functions they
// come from are piecewise linear there, so their own derivative is zero almost everywhere.

extension Tensor {
    /// eˣ, with the FastMath polynomial (documented error there).
    public func exp() -> Tensor {
        let y = unaryValue(.exp)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("exp", self, savesOutput: true) { g, c in [try g * c.output] }
    }

    /// ln x (NaN for x < 0, −∞ at 0), with the FastMath polynomial.
    public func log() -> Tensor {
        let y = unaryValue(.log)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("log", self) { g, c in [try g / c.input(0)] }
    }

    /// √x (IEEE square root).
    public func squareRoot() -> Tensor {
        let y = unaryValue(.squareRoot)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("sqrt", self, savesOutput: true) { g, c in [try g / (c.output * 2)] }
    }

    /// xᵖ for a constant exponent. Non-integer p gives NaN for negative x; p = 0, 1, 2, 3, −1 and ½ are
    /// computed exactly (x·x for p = 2, and so on).
    public func pow(_ p: Float) -> Tensor {
        let y = unaryValue(.power(p))
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("pow", self, parameters: OperationParameters(float0: p)) { g, c in
            let p = c.parameters.float0
            return [p == 0 ? g * 0 : try g * (c.input(0).pow(p - 1) * p)]
        }
    }

    /// |x|. The derivative at 0 is taken as 0.
    public func abs() -> Tensor {
        let y = unaryValue(.absolute)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("abs", self) { g, c in [try g * c.input(0).sign()] }
    }

    /// max(x, 0). The derivative at 0 is taken as 0.
    public func relu() -> Tensor {
        let y = unaryValue(.relu)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("relu", self) { g, c in
            [try Tensor.select(c.input(0).unaryValue(.positiveMask), g, Tensor(0))]
        }
    }

    /// x for x > 0, slope·x otherwise.
    public func leakyRelu(slope: Float) -> Tensor {
        let y = unaryValue(.leakyRelu(slope: slope))
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("leaky relu", self, parameters: OperationParameters(float0: slope)) { g, c in
            [try g * c.input(0).unaryValue(.leakySlope(slope: c.parameters.float0))]
        }
    }

    /// tanh x, with the FastMath polynomial.
    public func tanh() -> Tensor {
        let y = unaryValue(.tanh)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("tanh", self, savesOutput: true) { g, c in [try g * (1 - c.output.squared())] }
    }

    /// cos x, rounded once from the C library's Double cosine: the trigonometry of the data sets that
    /// place modes on a circle. The derivative −sin x is written in tensor ops, so second order comes free.
    public func cos() -> Tensor {
        let y = unaryValue(.cosine)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("cos", self) { g, c in [try g * -c.input(0).sin()] }
    }

    /// sin x, rounded once from the C library's Double sine; its derivative is cos x.
    public func sin() -> Tensor {
        let y = unaryValue(.sine)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("sin", self) { g, c in [try g * c.input(0).cos()] }
    }

    /// 1 / (1 + e^−x) with FastMath's monotone, compensated kernel (error in its documentation). A
    /// primitive rather than a composite of exp and division: no composite of our ops is both monotone and
    /// accurate in the negative tail. The derivative σ·(1 − σ) is written in tensor ops on the output.
    public func sigmoid() -> Tensor {
        let y = unaryValue(.sigmoid)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("sigmoid", self, savesOutput: true) { g, c in [try g * (c.output * (1 - c.output))] }
    }

    /// min(max(x, lower), upper). The gradient passes where lower ≤ x ≤ upper.
    public func clamped(lower: Float, upper: Float) throws -> Tensor {
        guard lower <= upper else {
            throw TensorError.invalidArgument(operation: "clamp", reason: "lower bound \(lower) exceeds upper bound \(upper)")
        }
        let y = unaryValue(.clamp(lower: lower, upper: upper))
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("clamp", self, parameters: OperationParameters(float0: lower, float1: upper)) { g, c in
            let inside = c.input(0).unaryValue(.insideMask(lower: c.parameters.float0, upper: c.parameters.float1))
            return [try Tensor.select(inside, g, Tensor(0))]
        }
    }

    /// −1, 0 or 1 by the sign of each element; a constant (it records no gradient).
    public func sign() -> Tensor { unaryValue(.sign) }

    /// 1 where an element is greater than the matching element of `other` (broadcasting), else 0;
    /// a constant.
    public func isGreater(than other: Tensor) throws -> Tensor {
        Tensor.binaryValue(.greater, self, other, shape: try Tensor.broadcastShape("greater", self, other))
    }

    /// 1 where an element is greater than `value`, else 0; a constant.
    public func isGreater(than value: Float) -> Tensor { withConstant(.greater, value, scalarOnRight: true) }
}
