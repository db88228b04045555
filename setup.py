"""The one part of the build pyproject.toml cannot declare: the optional C extensions of the hot path.

``optional=True``: where one does not compile (no C compiler, no Python headers) the install goes on
without it and excise runs the pure-Python reference of that part, with the same results, only slower.
"""

from setuptools import Extension, setup

setup(ext_modules=[
    Extension("excise._segment", sources=["src/excise/_segment.c"], optional=True),  # segment.py
    Extension("excise._screen", sources=["src/excise/_screen.c"], optional=True),  # screen.py
    Extension("excise._words", sources=["src/excise/_words.c"], optional=True),  # features.py, ngrams.py
    Extension("excise._shape", sources=["src/excise/_shape.c"], optional=True),  # features.shape_features
    # no fused multiply-add: the cosines must round as the Python reference's do
    Extension("excise._topics", sources=["src/excise/_topics.c"], optional=True,
              extra_compile_args=["-ffp-contract=off"]),  # topics.TopicTable.similarity_python
])
