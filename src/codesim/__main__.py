"""`python -m codesim`."""

import sys

from codesim.cli import main

sys.exit(main())
