"""Model folders: finding, loading and saving them; the assets shipped in the package."""
