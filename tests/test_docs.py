"""The examples in the docstrings run and print what they say."""
import doctest

import pytest

import hamopt._custom
import hamopt._minimize


@pytest.mark.parametrize("module", [hamopt._minimize, hamopt._custom])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_readme_usage_example_runs():
    from pathlib import Path
    readme = Path(__file__).resolve().parents[1] / "README.rst"
    block = readme.read_text().split(".. code-block:: python")[1].split("\nParameters\n")[0]
    code = "\n".join(line[4:] for line in block.splitlines())
    namespace = {}
    exec(compile(code, "README.rst", "exec"), namespace)
    assert namespace["res"].fun <= 1e-12
