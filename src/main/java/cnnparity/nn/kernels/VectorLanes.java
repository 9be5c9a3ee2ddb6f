package cnnparity.nn.kernels;

/** The float lanes of the Vector API's preferred species, read only when the vector kernel is in use. */
final class VectorLanes {
    static final int LANES = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();

    private VectorLanes() {
    }
}
