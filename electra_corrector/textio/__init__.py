"""Text files: encodings, sniffing, line readers and writers, the atomic writer."""
