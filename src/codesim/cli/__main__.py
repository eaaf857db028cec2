"""`python -m codesim.cli`."""

import sys

from codesim.cli import main

sys.exit(main())
