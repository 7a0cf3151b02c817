"""python -m electra_corrector: the electra-correct command."""

import sys

from electra_corrector.cli.main import main

sys.exit(main())
