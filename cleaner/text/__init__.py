"""The text stages, in order: segment, classify (rules), score (the learned model), context, dedupe;
and site profiles."""
