package org.gan4j.objectives;

import java.util.ArrayList;
import java.util.List;
import org.gan4j.config.Choices;

/**
 * What a GAN minimises: an adversarial loss over D's outputs on real and fake samples, plus
 * weighted terms on D's side (penalties, class terms) and G's side (reconstruction, class,
 * InfoGAN, mode seeking). The trainer knows no specific term.
 *
 * <pre>{@code
 * Objective o = Objective.builder()
 *         .setLoss(GanLoss.of(Choices.Loss.NON_SATURATING))
 *         .addDiscriminatorTerm(Terms.r1(10))
 *         .build();
 * }</pre>
 */
public final class Objective {
    private final GanLoss loss;
    private final List<Term> dTerms;
    private final List<Term> gTerms;

    private Objective(Builder b) {
        this.loss = b.loss;
        this.dTerms = List.copyOf(b.dTerms);
        this.gTerms = List.copyOf(b.gTerms);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The non-saturating game alone (Goodfellow et al. 2014), DCGAN's. */
    public static Objective nonSaturating() {
        return builder().setLoss(GanLoss.of(Choices.Loss.NON_SATURATING)).build();
    }

    public GanLoss loss() {
        return loss;
    }

    /** D's terms, in the order they are added to its loss. */
    public List<Term> discriminatorTerms() {
        return dTerms;
    }

    /** G's terms, in the order they are added to its loss. */
    public List<Term> generatorTerms() {
        return gTerms;
    }

    /** Whether any D term differentiates D's output on the real batch with respect to that batch. */
    public boolean needsRealGradient() {
        return dTerms.stream().anyMatch(Term::needsRealGradient);
    }

    public static final class Builder {
        private GanLoss loss;
        private final List<Term> dTerms = new ArrayList<>();
        private final List<Term> gTerms = new ArrayList<>();

        /** The adversarial loss (required). */
        public Builder setLoss(GanLoss loss) {
            this.loss = loss;
            return this;
        }

        public Builder addDiscriminatorTerm(Term t) {
            dTerms.add(java.util.Objects.requireNonNull(t, "term"));
            return this;
        }

        public Builder addGeneratorTerm(Term t) {
            gTerms.add(java.util.Objects.requireNonNull(t, "term"));
            return this;
        }

        public Objective build() {
            if (loss == null) {
                throw new IllegalArgumentException("objective: loss is required (setLoss), got none");
            }
            return new Objective(this);
        }
    }
}
