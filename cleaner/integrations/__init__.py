"""Adapters to other pipeline frameworks (each behind its own extra, imported on demand)."""
