package cnnparity.verify;

/**
 * Element-wise closeness as numpy's {@code allclose} defines it: {@code |java - keras| <= atol + rtol * |keras|}.
 * Defaults atol 1e-5, rtol 1e-4: float32 Keras against float32 Java that sums in another order.
 */
public record Tolerance(double atol, double rtol) {
    public static final Tolerance DEFAULT = new Tolerance(1e-5, 1e-4);

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0) || Double.isInfinite(atol) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("tolerances must be finite and >= 0, got atol=" + atol + " rtol=" + rtol);
        }
    }

    /** The default, overridable with system properties {@code parity.atol} / {@code parity.rtol}. */
    public static Tolerance fromSystemProperties() {
        return new Tolerance(Double.parseDouble(System.getProperty("parity.atol", "1e-5")),
                Double.parseDouble(System.getProperty("parity.rtol", "1e-4")));
    }

    public double bound(double keras) {
        return atol + rtol * Math.abs(keras);
    }

    @Override
    public String toString() {
        return "atol=" + atol + " rtol=" + rtol;
    }
}
