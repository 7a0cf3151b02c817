"""python -m electra_corrector.lsp: the language server, as electra-correct-lsp."""

from electra_corrector.lsp.main import main

raise SystemExit(main())
