"""The learned models the pipeline loads as data (see score.py and line_scorer.md)."""
