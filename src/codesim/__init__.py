"""codesim: the CodeSIM method (plan, simulate, code, debug) and a harness to measure it."""

__version__ = "0.1.0"
