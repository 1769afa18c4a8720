"""`python -m generator` runs the `papers` command."""
from .cli import main

main()
