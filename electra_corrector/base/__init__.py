"""What every layer shares and nothing else provides: the user-facing errors, which characters
are which, and bounded reads of small files. It imports nothing of the package."""
