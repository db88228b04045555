"""``ExciseFilter``: excise as a datatrove pipeline step.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from excise.integrations.datatrove import ExciseFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("crawl/"),
        ExciseFilter(drop_share=0.8, exclusion_writer=JsonlWriter("spam-pages/")),
        JsonlWriter("clean/"),
    ], tasks=8).run()

Each document's text is cleaned in place, and ``doc.metadata["excise"]`` gets
the same object ``excise clean`` writes (spans index the text *before*
cleaning). A document whose cut share of characters is above ``drop_share``,
or whose page score is above ``drop_page_score``, is dropped instead, with its
text left as it was and the reason in the exclusion writer's
``filter_reason``. datatrove's stats count ``documents_changed``,
``chars_removed`` and, per label, ``spans_LABEL`` and ``chars_removed_LABEL``.
"""

from __future__ import annotations

from typing import Any

from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter

from ..config import Config
from ..engine import Excisor
from ..parallel import scan_texts
from ..types import Result

__all__ = ["ExciseFilter"]


class ExciseFilter(BaseFilter):
    """Cuts injected spam out of ``doc.text``; drops documents that are mostly spam, if asked.

    ``model``: a model file (default: the packaged one); ``threshold``: as
    ``--threshold``; ``batch_size``: documents scanned together (the engine's
    numpy stages run once per batch); ``metadata_key``: where the spans go.
    A document the engine cannot read is kept unchanged, with
    ``{"error": ...}`` under ``metadata_key``, and counted as ``errors``.
    """

    name = "✂️ excise"

    def __init__(self, model: str | None = None, *, threshold: float | None = None, drop_share: float | None = None,
                 drop_page_score: float | None = None, exclusion_writer: DiskWriter = None, batch_size: int = 128,
                 metadata_key: str = "excise") -> None:
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        config = Config() if threshold is None else Config(threshold=threshold)
        self.excisor = Excisor(model, config=config)
        self.drop_share = drop_share
        self.drop_page_score = drop_page_score
        self.metadata_key = metadata_key

    def filter(self, doc: Any) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Any]) -> list[bool | tuple[bool, str]]:
        verdicts: list[bool | tuple[bool, str]] = []
        for doc, result in zip(batch, scan_texts(self.excisor, [doc.text for doc in batch])):
            if isinstance(result, str):
                doc.metadata[self.metadata_key] = {"error": result}
                self.stat_update("errors")
                verdicts.append(True)
                continue
            doc.metadata[self.metadata_key] = result.to_dict()
            reason = self._drop_reason(doc.text, result)
            if reason is not None:
                verdicts.append((False, reason))
                continue
            if result.spans:
                self._count(result)
                doc.text = result.apply(doc.text)
            verdicts.append(True)
        return verdicts

    def _drop_reason(self, text: str, result: Result) -> str | None:
        """Why the document goes whole, or ``None`` to keep it."""
        if self.drop_share is not None and text and result.removed_chars / len(text) > self.drop_share:
            return "excise_spam_share"
        if self.drop_page_score is not None and result.page_score > self.drop_page_score:
            return "excise_page_score"
        return None

    def _count(self, result: Result) -> None:
        self.stat_update("documents_changed")
        self.stat_update("chars_removed", value=result.removed_chars)
        for span in result.spans:
            self.stat_update(f"spans_{span.label}")
            self.stat_update(f"chars_removed_{span.label}", value=span.end - span.start)
