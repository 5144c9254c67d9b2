package dev.limbo.rules;

import java.util.List;

/**
 * One diagnosis rule: its id (SPEC "Rules"), default severity, and the findings it makes from
 * an observation. Its documentation page is {@code docs/rules/<id>.md}.
 */
public interface Rule {
    String id();

    Severity defaultSeverity();

    /** The one-line summary, in the context's language. */
    default String summary(Texts texts) {
        return texts.get(id() + ".summary");
    }

    List<Finding> evaluate(Context ctx);
}
