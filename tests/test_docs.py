"""The examples in the docstrings run and print what they say."""
import doctest

import pytest

import hamopt._custom
import hamopt._minimize


@pytest.mark.parametrize("module", [hamopt._minimize, hamopt._custom])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
