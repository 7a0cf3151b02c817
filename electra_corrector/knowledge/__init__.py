"""Word knowledge shipped with the package and given by the user: trigrams, words, terms."""
