"""Load: the inputs as people write them (YAML, Markdown, CSV/XLSX, ledger exports), keeping positions."""
