"""The correction engine: evidence, the accept rule and the result; no file or front-end code."""
