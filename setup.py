"""The one part of the build pyproject.toml cannot declare: the optional C extension excise._words.

``optional=True``: where it does not compile (no C compiler, no Python headers) the install goes on
without it and excise reads the words of every unit in Python, with the same results, only slower.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("excise._words", sources=["src/excise/_words.c"], optional=True)])
