"""electra-correct-lsp: the corrector as a language server (pygls), for any editor with an LSP
client."""
