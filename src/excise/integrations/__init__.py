"""excise as a stage of other tools' pipelines.

* :mod:`excise.integrations.datatrove`: ``ExciseFilter``, a datatrove pipeline step;
* :mod:`excise.integrations.ray`: ``ExciseBatch``, a callable class for Ray Data's ``map_batches``.

Each imports its tool only when used; neither tool is a dependency of excise.
"""
