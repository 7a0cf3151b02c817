import sys

from electra_corrector.server.main import main

sys.exit(main())
