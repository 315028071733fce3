"""`python -m tenken` runs the CLI."""

from tenken.cli import main

main()
