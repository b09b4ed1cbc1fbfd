package io.swivel.bench.workload;

import java.util.Arrays;
import java.util.stream.Collectors;

/** One of the four calls of the dubbo-benchmark workload. */
public enum Op {
    /** {@code existUser(String email) → boolean}. */
    EXIST_USER("existUser"),
    /** {@code createUser(User) → boolean}. */
    CREATE_USER("createUser"),
    /** {@code getUser(long id) → User}. */
    GET_USER("getUser"),
    /** {@code listUser(int pageNo) → Page<User>} of fifteen users. */
    LIST_USER("listUser");

    private final String label;

    Op(String label) {
        this.label = label;
    }

    /** @return the method name, as written on the command line and in reports */
    public String label() {
        return label;
    }

    /**
     * Finds an operation by its method name.
     *
     * @param label for example {@code getUser}
     * @return the operation
     * @throws IllegalArgumentException naming the valid labels
     */
    public static Op of(String label) {
        for (Op op : values()) {
            if (op.label.equals(label)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + label + "' (expected one of "
                + Arrays.stream(values()).map(Op::label).collect(Collectors.joining(", ")) + ")");
    }
}
