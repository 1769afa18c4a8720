"""Commands that help people write papers: import a Word draft, convert, new, watch."""
