"""Writing outputs: atomic files, the manifest of what was built, a person's edits kept."""
