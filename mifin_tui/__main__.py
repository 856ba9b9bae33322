import sys

from mifin_tui.cli import main

sys.exit(main())
