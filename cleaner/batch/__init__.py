"""Batch runs: reading records, the worker pool, ordered output, the journal, the books, progress."""
