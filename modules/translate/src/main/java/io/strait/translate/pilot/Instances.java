package io.strait.translate.pilot;

import java.util.List;

/**
 * A list of a model's own instances (its services, its DestinationRule views) as a key part of
 * {@code MeshModel.derived}: compared element by element by identity, hashed once, never deeply (a translation of
 * row D's mesh keys several values by its 1,000 visible services, per input).
 */
final class Instances {
    private final List<?> list;
    private final int hash;

    Instances(List<?> list) {
        this.list = list;
        int h = list.size();
        for (Object o : list) {
            h = 31 * h + System.identityHashCode(o);
        }
        this.hash = h;
    }

    /** The instances, in order. */
    @SuppressWarnings("unchecked")
    <T> List<T> list() {
        return (List<T>) list;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Instances other) || other.hash != hash || other.list.size() != list.size()) {
            return false;
        }
        for (int i = 0; i < list.size(); i++) {
            if (other.list.get(i) != list.get(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
