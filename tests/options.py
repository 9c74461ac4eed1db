"""``validated_options``' keywords as ``minimize`` passes them by default."""
import inspect

import hamopt
from hamopt._options import validated_options


def minimize_defaults(**given):
    """The keywords ``validated_options`` takes, with ``minimize``'s defaults (read from
    its signature, so that they cannot drift), ``given`` replacing some."""
    defaults = inspect.signature(hamopt.minimize).parameters
    keywords = {name: defaults[name].default
                for name in inspect.signature(validated_options).parameters
                if name in defaults and defaults[name].default is not inspect.Parameter.empty}
    return {**keywords, **given}
