"""The one part of the build pyproject.toml cannot declare: the optional C extension excise._segment.

``optional=True``: where it does not compile (no C compiler, no Python headers) the install goes on
without it and excise runs its pure-Python segmenter, with the same results, only slower.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("excise._segment", sources=["src/excise/_segment.c"], optional=True)])
