package org.gan4j.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The closed sets a config chooses from, spelled in YAML as lower-case with dashes. */
public final class Choices {
    private Choices() {
    }

    /** Parses a YAML spelling into an enum constant, naming the allowed set when it fails. */
    static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        for (E e : type.getEnumConstants()) {
            if (spell(e).equals(value)) {
                return e;
            }
        }
        throw new ConfigException(field + ": unknown value '" + value + "' (allowed: "
                + Arrays.stream(type.getEnumConstants()).map(Choices::spell)
                        .collect(Collectors.joining(", ")) + ")");
    }

    static String spell(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public enum Dataset {
        MNIST, FASHION_MNIST, STACKED_MNIST, CIFAR10, IMAGE_FOLDER, RING8, GRID25;

        @JsonCreator
        static Dataset of(String s) {
            return parse(Dataset.class, "data.dataset", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }

        public boolean isToy() {
            return this == RING8 || this == GRID25;
        }

        /** Classes its labels name (0: unlabelled, as for conditioning; Stacked MNIST's 1,000 modes are scored, not conditioned on). */
        public int classes() {
            return isToy() || this == IMAGE_FOLDER || this == STACKED_MNIST ? 0 : 10;
        }

        /** Colour channels of its images (0 for 2-D points). */
        public int channels() {
            return switch (this) {
                case MNIST, FASHION_MNIST -> 1;
                case STACKED_MNIST, CIFAR10, IMAGE_FOLDER -> 3;
                case RING8, GRID25 -> 0;
            };
        }
    }

    public enum Architecture {
        MLP, DCGAN28, DCGAN32, RESNET32, TOY_MLP;

        @JsonCreator
        static Architecture of(String s) {
            return parse(Architecture.class, "model.architecture", s);
        }

        /** The shape of one sample it makes and judges from a dataset it accepts. */
        public long[] sampleShape(Dataset d) {
            return switch (this) {
                case MLP, DCGAN28 -> new long[] {d.channels(), 28, 28};
                case DCGAN32, RESNET32 -> new long[] {d.channels(), 32, 32};
                case TOY_MLP -> new long[] {2};
            };
        }

        /** Whether its samples have the shape of the dataset's (a folder of images takes any size). */
        public boolean accepts(Dataset d) {
            return switch (d) {
                case RING8, GRID25 -> this == TOY_MLP;
                case MNIST, FASHION_MNIST, STACKED_MNIST -> this == MLP || this == DCGAN28;
                case CIFAR10, IMAGE_FOLDER -> this == DCGAN32 || this == RESNET32;
            };
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }

    /**
     * Class conditioning: none; G takes a label embedding beside z and D is a projection
     * discriminator (Miyato and Koyama 2018) or has an auxiliary classifier (ACGAN, Odena 2017).
     */
    public enum Conditioning {
        NONE, PROJECTION, ACGAN;

        @JsonCreator
        static Conditioning of(String s) {
            return parse(Conditioning.class, "model.conditioning", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }

    public enum Loss {
        MINIMAX, NON_SATURATING, LEAST_SQUARES, WASSERSTEIN, HINGE;

        @JsonCreator
        static Loss of(String s) {
            return parse(Loss.class, "objective.loss", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }

    /** A regulariser added to D's loss; {@code weight} is lambda (GP) or gamma (R1). */
    public enum Penalty {
        NONE, GRADIENT_PENALTY, R1;

        @JsonCreator
        static Penalty of(String s) {
            return parse(Penalty.class, "objective.penalty", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }

    /** Arithmetic of the training step: float32, or bfloat16 autocast (matmuls and convolutions). */
    public enum Precision {
        FP32, BF16;

        @JsonCreator
        static Precision of(String s) {
            return parse(Precision.class, "train.precision", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }

    public enum OptimizerKind {
        ADAM, RMSPROP, SGD;

        @JsonCreator
        static OptimizerKind of(String s) {
            return parse(OptimizerKind.class, "optimizer name", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }

    public enum DeviceKind {
        AUTO, CPU, CUDA;

        @JsonCreator
        static DeviceKind of(String s) {
            return parse(DeviceKind.class, "device", s);
        }

        @JsonValue
        @Override
        public String toString() {
            return spell(this);
        }
    }
}
