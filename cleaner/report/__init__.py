"""The audit report: what it is made of, and the self-contained page that shows it."""
