"""Corpus memory: learnt from confident spans, used on units that carry a campaign's fingerprints, never on a
page's own sentences; saved, loaded, shown; ``excise clean --memory`` runs two passes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from excise.cli import main
from excise.engine import Excisor
from excise.errors import ConfigError
from excise.memory import MIN_DOCS, Memory, content_words, shingles
from excise.types import Result, Span

CAMPAIGN = ("Get approved for a payday advance in minutes with no credit check required. "
            "Our lenders wire the cash straight to your account the same afternoon.")


def spam_result(text: str, start: int, end: int, reasons: tuple[str, ...] = ("off-topic",),
                score: float = 0.97) -> Result:
    return Result((Span(start, end, "loans", score, reasons),), score, "test", len(text))


def page_with(spam: str, k: int) -> str:
    return (f"The parish council met on Tuesday {k} to discuss the footpath along the river. " + spam +
            f" Residents asked for better lighting near the bridge, item {k} on the agenda.")


def test_shingles_are_stable_and_see_through_folding() -> None:
    assert shingles("Cheap   LOANS today for you") == shingles("cheap loans today for you")
    assert shingles("three words only") == set()
    assert len(shingles("one two three four five")) == 2
    assert content_words("The lenders WIRE cash to you") == {"lenders", "wire", "cash"}


def test_learns_only_confident_spans_that_do_not_fit_or_link() -> None:
    memory = Memory()
    text = page_with(CAMPAIGN, 1)
    start = text.index(CAMPAIGN)
    memory.learn(text, spam_result(text, start, start + len(CAMPAIGN), reasons=("spam-language",)))
    assert memory.spam == Counter() and memory.documents == 0  # neither off-topic nor a link: not taught
    memory.learn(text, spam_result(text, start, start + len(CAMPAIGN), score=0.6))
    assert memory.documents == 0  # not confident
    memory.learn(text, spam_result(text, start, start + len(CAMPAIGN)))
    assert memory.documents == 1 and memory.spans == 1 and memory.seen == 3


def test_a_shingle_is_evidence_from_enough_documents_and_not_when_pages_keep_it() -> None:
    memory = Memory()
    for k in range(MIN_DOCS):
        assert memory.match(CAMPAIGN) == 0.0
        text = page_with(CAMPAIGN, k)
        start = text.index(CAMPAIGN)
        memory.learn(text, spam_result(text, start, start + len(CAMPAIGN)))
    assert memory.match(CAMPAIGN) == 1.0
    assert memory.match("The parish council met on Tuesday to discuss the footpath") == 0.0
    # the same sentences kept by more pages than cut them: ordinary repeated text, not evidence any more
    for k in range(MIN_DOCS + 1):
        text = page_with(CAMPAIGN, 100 + k)
        memory.learn(text, Result((), 0.0, "test", len(text)))
    assert memory.match(CAMPAIGN) == 0.0


def test_save_load_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    memory = Memory()
    for k in range(4):
        text = page_with(CAMPAIGN, k)
        start = text.index(CAMPAIGN)
        memory.learn(text, spam_result(text, start, start + len(CAMPAIGN)))
    path = tmp_path / "memory.json"
    memory.save(path)
    again = Memory.load(path)
    assert again == memory
    assert main(["memory", "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 documents and 4 spans learnt from" in out and "payday advance" in out
    assert main(["memory", "show", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 4
    # a file of format 1 (before kept text was sampled and link scaffolding left out) still loads
    old = json.loads(path.read_text(encoding="utf-8"))
    del old["kept_seen"]
    old["format"] = 1
    old["words"].append(["http", 9])
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    assert Memory.load(tmp_path / "old.json") == memory
    (tmp_path / "bad.json").write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(ConfigError):
        Memory.load(tmp_path / "bad.json")
    assert main(["memory", "show", str(tmp_path / "bad.json")]) == 2


QUIET = "Ask the friendly desk team about the spring programme details before the season closes."


def campaign_memory(sentence: str, documents: int) -> Memory:
    """A memory that learnt ``sentence`` as a confident span of ``documents`` pages."""
    memory = Memory()
    for k in range(documents):
        text = page_with(sentence, k)
        start = text.index(sentence)
        memory.learn(text, spam_result(text, start, start + len(sentence)))
    return memory


def test_promotes_a_remembered_campaign_but_not_a_page_about_it() -> None:
    """A sentence the model alone leaves is cut once a memory has learnt it as a campaign (with the reason
    "campaign"); a page about the same thing keeps it, since there it fits its page."""
    excisor = Excisor()
    memory = campaign_memory(QUIET, 5)
    host = ("The library reopens on Monday after the new roof was finished.\n\n" + QUIET +
            "\n\nOpening hours stay the same, and the reading room keeps its old oak tables.")
    assert excisor.scan(host).spans == ()  # the model alone leaves it
    remembering = Excisor(excisor.model, memory=memory)
    result = remembering.scan(host)
    start = host.index(QUIET)
    assert [(s.start, s.end) for s in result.spans] == [(start, start + len(QUIET))]
    assert "campaign" in result.spans[0].reasons
    about = ("The desk team at the community centre plans a new spring programme every year. The programme "
             "starts in March, when the season opens, and the desk team sends the details to every member. "
             "This spring the programme has classes for children, walks along the river and a repair cafe. "
             "Members who want a place should talk to the desk team early, because the classes fill quickly. "
             + QUIET + " Last season the desk team had to turn people away from the spring walks. The programme "
             "details are also on the notice board in the hall, next to the timetable of the season. The "
             "desk team answers questions about the programme on weekday mornings. When the season closes, "
             "the team asks members what they liked, and the next spring programme is built from that.")
    assert remembering.scan(about).spans == excisor.scan(about).spans == ()


def test_a_second_pass_scans_again_only_what_the_memory_may_change() -> None:
    """``Memory.may_change`` reads a first scan's trace: where it says no, the scan with the memory is the scan
    without it; the page the memory changes is one it says yes to."""
    excisor = Excisor()
    memory = campaign_memory(QUIET, 5)
    pages = ["The library reopens on Monday after the new roof was finished.\n\n" + QUIET +
             "\n\nOpening hours stay the same, and the reading room keeps its old oak tables.",
             # the campaign's words, not its sentences, on a page the model scores (the pre-screen lets it
             # through) and finds nothing on: relevant, and nothing to promote
             "The desk team plans the spring programme in the hall, and members talk to the team about "
             "classes. Tickets are free, and the best offer is a discount for members who book online.",
             "The parish council met on Tuesday to discuss the footpath along the river.",
             page_with(CAMPAIGN, 9), ""]
    traces: list = []
    first = excisor.scan_batch(pages, traces)
    assert len(traces) == len(pages) and traces[-1] is None  # a blank page has no units to trace
    assert first == excisor.scan_batch(pages)  # tracing changes nothing
    remembering = Excisor(excisor.model, memory=memory)
    again = remembering.scan_batch(pages)
    verdicts = [memory.may_change(text, trace) for text, trace in zip(pages, traces)]
    assert again[0] != first[0] and verdicts[0]
    assert memory.relevant(pages[1]) and traces[1] is not None and not verdicts[1]
    assert traces[2] is None and not memory.relevant(pages[2]) and not verdicts[2]
    for text, before, after, verdict in zip(pages, first, again, verdicts):
        assert verdict or after == before, text


def test_clean_with_memory_two_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = [{"id": k, "text": page_with(CAMPAIGN, k)} for k in range(6)]
    records.append({"id": "plain", "text": "The parish council met on Tuesday to discuss the footpath again."})
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    saved = tmp_path / "memory.json"
    assert main(["clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--memory", "--memory-out", str(saved)]) == 0
    assert Memory.load(saved).seen == len(records)
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in records]
    assert lines[-1]["text"] == records[-1]["text"]
    # a second run with the saved memory and no first pass gives the same output
    assert main(["clean", str(source), "-o", str(tmp_path / "again.jsonl"), "--memory-in", str(saved), "-q"]) == 0
    assert (tmp_path / "again.jsonl").read_text(encoding="utf-8") == (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    # the second pass scans again only what the memory may change, and keeps the first pass's other results:
    # the same output as scanning every record with the memory (above), with worker processes too
    assert main(["clean", str(source), "-o", str(tmp_path / "j2.jsonl"), "--memory", "-j", "2", "-q"]) == 0
    assert (tmp_path / "j2.jsonl").read_text(encoding="utf-8") == (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert main(["clean", "-", "--memory"]) == 2  # stdin cannot be read twice
    assert "not stdin" in capsys.readouterr().err



def test_memory_with_shards_gives_each_record_its_own_result(tmp_path: Path) -> None:
    """The first pass reads the files as one stream and the second writes a shard per file: every record
    gets its own result (the same as in one output file), however the files fall on the first pass's lists."""
    hacked = (Path(__file__).parents[1] / "examples" / "hacked-article.txt").read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"id": "a0", "text": "A short note about the weather."}) + "\n",
                                    encoding="utf-8")
    lines = [{"id": f"b{k}", "text": f"Clean record {k} about the parish footpath."} for k in range(100)]
    lines += [{"id": f"b{100 + k}", "text": hacked} for k in range(100)]
    (folder / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    inputs = [str(folder / "a.jsonl"), str(folder / "b.jsonl")]
    assert main(["clean", *inputs, "-o", str(tmp_path / "one.jsonl"), "--memory", "-q"]) == 0
    assert main(["clean", *inputs, "-o", str(tmp_path / "shards") + "/", "--memory", "-q"]) == 0
    one = (tmp_path / "one.jsonl").read_text(encoding="utf-8").splitlines()
    shards = [line for name in ("a.jsonl", "b.jsonl")
              for line in (tmp_path / "shards" / name).read_text(encoding="utf-8").splitlines()]
    assert shards == one
    assert json.loads(one[1])["excise"]["spans"] == []  # a clean record does not get a hacked one's result


def test_memory_options_are_checked_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "hello there"}\n', encoding="utf-8")
    out = str(tmp_path / "out.jsonl")
    assert main(["clean", str(source), "-o", out, "--memory-out", str(tmp_path / "m.json")]) == 2
    assert "give one of them" in capsys.readouterr().err
    assert main(["clean", str(source), "-o", out, "--memory", "--memory-out", str(tmp_path / "no" / "m.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["clean", str(source), "-o", out, "--memory", "--engine", "ray"]) == 2


def test_past_the_first_documents_kept_text_is_counted_in_a_sample_and_scaled_up(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import excise.memory as memory_module

    monkeypatch.setattr(memory_module, "KEPT_ALL", 4)
    monkeypatch.setattr(memory_module, "KEPT_EVERY", 3)
    memory = Memory()
    for k in range(MIN_DOCS + 1):  # the campaign, cut with confidence in four of the first four documents
        text = page_with(CAMPAIGN, k)
        start = text.index(CAMPAIGN)
        memory.learn(text, spam_result(text, start, start + len(CAMPAIGN)))
    assert memory.match(CAMPAIGN) == 1.0
    quoted = f"A reader wrote to us: {CAMPAIGN} We do not recommend such lenders."
    for _ in range(3):  # documents 5-7: only the sixth is counted (5 and 7 are not multiples of 3)
        memory.learn(quoted, Result(model="test", length=len(quoted)))
    assert (memory.seen, memory.kept_seen) == (7, 5)
    # one counted page keeps it: scaled to the seven documents read, 1 × 7 / 5 is less than the 4 that cut it
    assert memory.match(CAMPAIGN) == 1.0
    for _ in range(9):  # documents 8-16: 9, 12 and 15 are counted
        memory.learn(quoted, Result(model="test", length=len(quoted)))
    # four counted pages keep it: 4 × 16 / 8 = 8 pages, more than cut it: ordinary repeated text now
    assert (memory.seen, memory.kept_seen) == (16, 8)
    assert memory.match(CAMPAIGN) == 0.0
