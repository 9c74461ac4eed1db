"""``python -m hamopt``: the hamopt command (see ``hamopt.cli``)."""
import sys

from .cli import main

sys.exit(main())
