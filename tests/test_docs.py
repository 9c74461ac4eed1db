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


def test_every_equation_the_code_cites_is_in_the_algorithm_document():
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "algorithm.rst").read_text()
    numbers = [int(k) for k in re.findall(r"\\qquad \((\d+)\)", doc)]
    assert numbers == list(range(1, len(numbers) + 1))  # (1), (2), ... in order, once each
    cited = set()
    for path in list((root / "hamopt").rglob("*.py")) + [root / "README.rst"]:
        for group in re.findall(r"\beqs?\. ([\d, -]+\d)", path.read_text()):
            cited.update(int(k) for k in re.findall(r"\d+", group))
    assert cited and cited <= set(numbers), sorted(cited - set(numbers))
