"""HTML mode: parse, metadata and page type, the DOM pass, main-content extraction, HTML context rules."""
