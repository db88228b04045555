"""The one part of the build pyproject.toml cannot declare: the optional C extension excise._shape.

``optional=True``: where it does not compile (no C compiler, no Python headers) the install goes on
without it and excise computes the shape features in Python, with the same results, only slower.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("excise._shape", sources=["src/excise/_shape.c"], optional=True)])
