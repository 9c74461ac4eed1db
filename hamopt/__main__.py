"""``python -m hamopt``: the hamopt command (see ``hamopt._cli``)."""
import sys

from ._cli import main

sys.exit(main())
