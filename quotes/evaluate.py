"""Score extracted quotes against a gold file: the library behind `quotes evaluate`.

    >>> report = evaluate("gold.jsonl", kinds=("direct", "mixed"), errors=10)  # doctest: +SKIP
    >>> print(format_table(report))  # or json.dumps(report.to_dict())         # doctest: +SKIP

The gold format (one annotated article per JSON line) is read by `quotes.gold.load_gold`.

Rules (see `score`):
- Spans are compared after trimming white space, quotation marks and punctuation at both ends,
  using the article text. A prediction matches a gold quote of the same article when the trimmed
  spans have overlap / union >= 0.5; matching is one-to-one, greedy, best overlap first
  (ties: earlier gold, then earlier prediction).
- Optional gold quotes are matched only after the required ones, with the predictions left over;
  they count neither as found nor as missed, and the predictions they take are ignored.
- A row per selected kind matches gold of that kind against predictions of that kind; the "all"
  row matches gold of the selected kinds against predictions of the selected kinds, whatever their
  kind. Predictions of other kinds are not scored. A prediction whose span matches only a gold
  quote of a kind outside the row is a kind confusion (counted in `other_kind`), neither a hit
  nor a false alarm: the quote is real, its kind is another row's business.
- Speakers of matched quotes are compared strictly (after `normalize_speaker`) and leniently
  (also any gold alias, the gold name without its description after a comma or parenthesis,
  the predicted mention as written, or the same last name as any of these). A null gold speaker
  is right only when none is predicted; a null prediction is wrong for a named gold speaker.
- End-to-end: span matched and speaker right; precision over the scored predictions, recall over
  the (required) gold quotes.
- Errors: missed gold quotes, false alarms, and wrong speakers (span matched, speaker strictly
  wrong), the last also counted by the form of the predicted mention (`mention_form`: none
  found, pronoun, role description, organisation, first name, surname, another person).
Ratios whose denominator is 0 are None (shown as "-").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .errors import QuotesError
from .gold import GoldArticle, GoldQuote, load_gold
from .matching import last_name, match_spans, normalize_speaker, speaker_right, trim_span
from .model import KINDS

__all__ = [
    "KINDS",
    "ALL",
    "ERROR_TYPES",
    "GoldQuote",
    "GoldArticle",
    "Row",
    "ErrorExample",
    "Report",
    "load_gold",
    "parse_kinds",
    "score",
    "evaluate",
    "format_table",
    "mention_form",
    "MENTION_FORMS",
    "normalize_speaker",
    "last_name",
    "speaker_right",
    "trim_span",
    "match_spans",
]

ALL = "all"  # name of the row for the whole selection of kinds
# How the predicted source of a wrongly attributed quote was written: which cause is left.
MENTION_FORMS = ("none found", "pronoun", "role description", "organisation", "first name", "surname",
                 "another person")
_PRONOUNS = frozenset("i me we us you he him she her they them".split())
_ORG_WORDS = frozenset("""
it its company firm group council union trust agency authority department ministry government
police service board committee club team network operator developer bank airline hospital
statement spokesman spokeswoman spokesperson
""".split())
ERROR_TYPES = ("miss", "false_alarm", "wrong_speaker")
CONTEXT_WIDTH = 200
TEXT_WIDTH = 100


def parse_kinds(kinds: str | Iterable[str] | None) -> tuple[str, ...]:
    """'direct,mixed' or a sequence of kinds -> a tuple in KINDS order; unknown kind -> QuotesError."""
    if kinds is None:
        return KINDS
    items = kinds.split(",") if isinstance(kinds, str) else list(kinds)
    wanted = {k.strip().lower() for k in items if k and k.strip()}
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise QuotesError(f"unknown quote kind(s) {', '.join(unknown)}: choose from {', '.join(KINDS)}")
    if not wanted:
        raise QuotesError(f"no quote kind selected: choose from {', '.join(KINDS)}")
    return tuple(k for k in KINDS if k in wanted)


# --------------------------------------------------------------------------- report


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Row:
    """Counts for one kind (or the "all" selection row); the figures are properties."""

    kind: str
    gold: int = 0  # required gold quotes
    predicted: int = 0  # scored predictions (= tp + fp; predictions taken by optional gold excluded)
    tp: int = 0
    fp: int = 0
    fn: int = 0
    ignored: int = 0  # predictions matched to optional gold
    other_kind: int = 0  # predictions matching only a gold quote of a kind outside the row
    speaker_strict: int = 0  # matched quotes with the speaker right (strict)
    speaker_lenient: int = 0

    @property
    def matched(self) -> int:
        return self.tp

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.predicted)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.gold)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, self.gold + self.predicted)

    @property
    def speaker_acc_strict(self) -> float | None:
        return _ratio(self.speaker_strict, self.tp)

    @property
    def speaker_acc_lenient(self) -> float | None:
        return _ratio(self.speaker_lenient, self.tp)

    def e2e(self, lenient: bool = False) -> tuple[float | None, float | None, float | None]:
        """End-to-end (precision, recall, F1): span matched and speaker right."""
        right = self.speaker_lenient if lenient else self.speaker_strict
        return (
            _ratio(right, self.predicted),
            _ratio(right, self.gold),
            _ratio(2 * right, self.gold + self.predicted),
        )

    def to_dict(self) -> dict[str, Any]:
        r = lambda x: None if x is None else round(x, 4)  # noqa: E731
        ps, rs, fs = self.e2e(False)
        pl, rl, fl = self.e2e(True)
        return {
            "kind": self.kind,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "ignored": self.ignored,
            "other_kind": self.other_kind,
            "precision": r(self.precision),
            "recall": r(self.recall),
            "f1": r(self.f1),
            "speaker_strict": self.speaker_strict,
            "speaker_lenient": self.speaker_lenient,
            "speaker_acc_strict": r(self.speaker_acc_strict),
            "speaker_acc_lenient": r(self.speaker_acc_lenient),
            "e2e_strict": {"precision": r(ps), "recall": r(rs), "f1": r(fs)},
            "e2e_lenient": {"precision": r(pl), "recall": r(rl), "f1": r(fl)},
        }


@dataclass
class ErrorExample:
    type: str  # one of ERROR_TYPES
    article_id: str
    kind: str  # the gold kind (miss, wrong_speaker) or the predicted kind (false_alarm)
    text: str  # the quote, shortened to one line
    start: int
    end: int
    gold_speaker: str | None = None
    predicted_speaker: str | None = None
    predicted_kind: str | None = None
    overlap: float = 0.0  # best overlap/union with an unmatched counterpart (0: none overlaps)
    form: str | None = None  # wrong_speaker: the form of the predicted mention (MENTION_FORMS)
    context: str = ""  # the sentence around the span, one line

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "article_id": self.article_id,
            "kind": self.kind,
            "predicted_kind": self.predicted_kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "gold_speaker": self.gold_speaker,
            "predicted_speaker": self.predicted_speaker,
            "overlap": round(self.overlap, 4),
            "form": self.form,
            "context": self.context,
        }


@dataclass
class Report:
    kinds: tuple[str, ...]
    rows: dict[str, Row]  # one per selected kind (KINDS order), then ALL
    articles: int = 0
    errors: list[ErrorExample] = field(default_factory=list)
    error_totals: dict[str, int] = field(default_factory=dict)  # all errors, by type
    wrong_speaker_forms: dict[str, int] = field(default_factory=dict)  # strictly wrong speakers, by mention form

    @property
    def selection(self) -> Row:
        return self.rows[ALL]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kinds": list(self.kinds),
            "articles": self.articles,
            "rows": {name: row.to_dict() for name, row in self.rows.items()},
            "error_totals": {t: self.error_totals.get(t, 0) for t in ERROR_TYPES},
            "wrong_speaker_forms": dict(self.wrong_speaker_forms),
            "errors": [e.to_dict() for e in self.errors],
        }


# --------------------------------------------------------------------------- scoring


def _shorten(text: str, width: int = TEXT_WIDTH) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = (width - 3) * 2 // 3
    tail = width - 3 - head
    return text[:head].rstrip() + " … " + text[-tail:].lstrip()


_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")


def _context(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> str:
    """The sentence(s) holding text[start:end], on one line, cut to about `width` characters
    around the span ("…" marks a cut inside a sentence)."""
    para_lo = text.rfind("\n", 0, start) + 1
    para_hi = text.find("\n", end)
    para_hi = len(text) if para_hi < 0 else para_hi
    sent_lo = para_lo
    for m in _SENTENCE_END.finditer(text, para_lo, start):
        sent_lo = m.end()
    m = _SENTENCE_END.search(text, end, para_hi)
    sent_hi = max(m.end() if m else para_hi, end)
    lo, hi = sent_lo, sent_hi
    if hi - lo > width:
        span = end - start
        if span >= width:
            lo, hi = start, start + width
        else:
            room = width - span
            left = min(start - lo, room // 2)
            right = min(hi - end, room - left)
            left = min(start - lo, room - right)
            lo, hi = start - left, end + right
            # Cut at word boundaries, outside the span.
            while sent_lo < lo < start and not text[lo - 1].isspace():
                lo += 1
            while end < hi < sent_hi and not text[hi].isspace():
                hi -= 1
    out = " ".join(text[lo:hi].split())
    cut_lo = bool(text[sent_lo:lo].strip())
    cut_hi = bool(text[hi:sent_hi].strip())
    return ("…" if cut_lo else "") + out + ("…" if cut_hi else "")


def _get(q: Any, name: str, default: Any = None) -> Any:
    return q.get(name, default) if isinstance(q, Mapping) else getattr(q, name, default)


@dataclass
class _Pred:
    start: int
    end: int
    kind: str
    speaker: str | None
    mention: str | None


def _score_row(
    row: Row,
    gold: list[GoldQuote],
    gspans: list[tuple[int, int]],
    gsel: list[bool],
    preds: list[_Pred],
    pspans: list[tuple[int, int]],
    psel: list[bool],
) -> tuple[dict[int, int], list[int], list[int], dict[int, bool]]:
    """Match one row of one article; update `row`. Returns (gold->pred matches, missed gold,
    false alarms, gold->strict-speaker-right)."""
    required = [ok and not g.optional for ok, g in zip(gsel, gold)]
    optional = [ok and g.optional for ok, g in zip(gsel, gold)]
    first = match_spans(gspans, pspans, required, psel)
    taken = {j for _, j, _ in first}
    left = [ok and j not in taken for j, ok in enumerate(psel)]
    second = match_spans(gspans, pspans, optional, left)
    ignored = {j for _, j, _ in second}
    # A prediction that matches a gold quote of a kind outside this row is a kind confusion,
    # not a false alarm: the quote is real.
    left = [ok and j not in ignored for j, ok in enumerate(left)]
    other = [not ok for ok in gsel]
    confused = {j for _, j, _ in match_spans(gspans, pspans, other, left)}
    row.other_kind += len(confused)
    ignored |= confused
    pairs = {i: j for i, j, _ in first}
    strict_ok: dict[int, bool] = {}
    for i, j in pairs.items():
        strict, lenient = speaker_right(
            gold[i].speaker, gold[i].speaker_aliases, preds[j].speaker, preds[j].mention
        )
        row.speaker_strict += strict
        row.speaker_lenient += lenient
        strict_ok[i] = strict
    missed = [i for i, ok in enumerate(required) if ok and i not in pairs]
    alarms = [j for j, ok in enumerate(psel) if ok and j not in taken and j not in ignored]
    row.gold += sum(required)
    row.tp += len(pairs)
    row.fn += len(missed)
    row.fp += len(alarms)
    row.ignored += len(ignored) - len(confused)
    row.predicted += len(pairs) + len(alarms)
    return pairs, missed, alarms, strict_ok


def mention_form(gold: str | None, predicted: str | None, mention: str | None) -> str:
    """The form of the mention behind a wrong speaker: no source found, a pronoun, a role
    description ("the farmer"), an organisation ("the company", "it"), a first name or a
    surname of the right person left unresolved, or another person altogether."""
    written = mention or predicted
    raw = written.lower().split() if written else []
    if not raw:
        return "none found"
    first = raw[0].strip("\"'“”‘’")
    if len(raw) == 1 and first in ("it", "its"):
        return "organisation"
    if len(raw) == 1 and first in _PRONOUNS:
        return "pronoun"
    words = normalize_speaker(written).split()
    if any(w in _ORG_WORDS for w in words):
        return "organisation"
    if written[:1].islower() or first in ("the", "a", "an", "his", "her", "its", "their", "one", "another"):
        return "role description"
    gold_words = normalize_speaker(gold).split() if gold else []
    if gold_words and len(words) == 1 and words[0] == gold_words[0] and len(gold_words) > 1:
        return "first name"
    if gold_words and words and words[-1] == gold_words[-1] and len(words) < len(gold_words):
        return "surname"
    return "another person"


def _best_overlap(span: tuple[int, int], others: Iterable[tuple[int, int]]) -> float:
    s, e = span
    best = 0.0
    for os_, oe in others:
        overlap = min(e, oe) - max(s, os_)
        if overlap > 0:
            best = max(best, overlap / (max(e, oe) - min(s, os_)))
    return best


def _pick_errors(found: dict[str, list[list[ErrorExample]]], limit: int) -> list[ErrorExample]:
    """Up to `limit` examples: round-robin over the types, and within a type over the articles."""
    if limit <= 0:
        return []
    queues = []
    for t in ERROR_TYPES:
        per_article = [list(items) for items in found[t] if items]
        spread = []
        depth = 0
        while any(depth < len(items) for items in per_article):
            spread.extend(items[depth] for items in per_article if depth < len(items))
            depth += 1
        queues.append(spread)
    picked: list[ErrorExample] = []
    depth = 0
    while len(picked) < limit and any(depth < len(q) for q in queues):
        for q in queues:
            if depth < len(q) and len(picked) < limit:
                picked.append(q[depth])
        depth += 1
    return picked


def score(
    gold: Sequence[GoldArticle],
    predicted: Mapping[str, Sequence[Any]],
    kinds: str | Sequence[str] = KINDS,
    errors: int = 0,
) -> Report:
    """Score predictions (article id -> quotes with start, end, kind, speaker; `Quote` objects or
    dicts) against gold articles. Articles missing from `predicted` have no predictions;
    predictions for ids not in `gold` are ignored. `errors`: how many error examples to keep."""
    kinds = parse_kinds(kinds)
    rows = {k: Row(k) for k in kinds}
    rows[ALL] = Row(ALL)
    found: dict[str, list[list[ErrorExample]]] = {t: [] for t in ERROR_TYPES}
    totals = {t: 0 for t in ERROR_TYPES}
    forms: dict[str, int] = {}
    for article in gold:
        text = article.text
        gq = article.quotes
        gspans = [trim_span(text, q.start, q.end) for q in gq]
        preds = [
            _Pred(int(_get(q, "start")), int(_get(q, "end")), str(_get(q, "kind")), _get(q, "speaker"),
                  _get(q, "speaker_mention"))
            for q in predicted.get(article.id, ())
        ]
        pspans = [trim_span(text, p.start, p.end) for p in preds]
        for k in kinds:
            _score_row(
                rows[k], gq, gspans, [q.kind == k for q in gq], preds, pspans, [p.kind == k for p in preds]
            )
        psel = [p.kind in kinds for p in preds]
        gsel = [q.kind in kinds for q in gq]
        pairs, missed, alarms, strict_ok = _score_row(rows[ALL], gq, gspans, gsel, preds, pspans, psel)
        wrong = sorted((i for i in pairs if not strict_ok[i]), key=lambda i: gspans[i])
        totals["miss"] += len(missed)
        totals["false_alarm"] += len(alarms)
        totals["wrong_speaker"] += len(wrong)
        for i in wrong:
            form = mention_form(gq[i].speaker, preds[pairs[i]].speaker, preds[pairs[i]].mention)
            forms[form] = forms.get(form, 0) + 1
        if errors <= 0:
            continue

        def example(type_: str, i: int | None, j: int | None, overlap: float) -> ErrorExample:
            s, e = gspans[i] if i is not None else pspans[j]  # type: ignore[index]
            return ErrorExample(
                type=type_,
                article_id=article.id,
                kind=gq[i].kind if i is not None else preds[j].kind,  # type: ignore[index]
                text=_shorten(text[s:e]),
                start=s,
                end=e,
                gold_speaker=gq[i].speaker if i is not None else None,
                predicted_speaker=preds[j].speaker if j is not None else None,
                predicted_kind=preds[j].kind if j is not None else None,
                form=mention_form(gq[i].speaker, preds[j].speaker, preds[j].mention)
                if type_ == "wrong_speaker" and i is not None and j is not None else None,
                overlap=overlap,
                context=_context(text, s, e),
            )

        unmatched_p = [pspans[j] for j in alarms]
        unmatched_g = [gspans[i] for i in missed]
        by_position = lambda x: (x.start, x.end)  # noqa: E731
        found["miss"].append(sorted(
            (example("miss", i, None, _best_overlap(gspans[i], unmatched_p)) for i in missed), key=by_position
        ))
        found["false_alarm"].append(sorted(
            (example("false_alarm", None, j, _best_overlap(pspans[j], unmatched_g)) for j in alarms),
            key=by_position,
        ))
        found["wrong_speaker"].append(
            [example("wrong_speaker", i, pairs[i], _best_overlap(gspans[i], [pspans[pairs[i]]])) for i in wrong]
        )
    return Report(
        kinds=kinds,
        rows=rows,
        articles=len(gold),
        errors=_pick_errors(found, errors),
        error_totals=totals,
        wrong_speaker_forms={f: forms[f] for f in MENTION_FORMS if f in forms},
    )


def evaluate(
    path: str, kinds: str | Sequence[str] = KINDS, errors: int = 0, nlp=None, jobs: int = 1,
    cluster=None,
) -> Report:
    """Load the gold file, run the extractor over each gold article's text (on the Dask
    `cluster` if given, see quotes.cluster), and score it."""
    kinds = parse_kinds(kinds)
    gold = load_gold(path)
    from .extract import extract_articles
    from .model import Article

    articles = [Article(text=g.text, id=g.id, title=g.title, date=g.date) for g in gold]
    pairs = extract_articles(articles, nlp=nlp, jobs=jobs, cluster=cluster)
    predicted = {article.id: quotes for article, quotes in pairs}
    return score(gold, predicted, kinds=kinds, errors=errors)


# --------------------------------------------------------------------------- output


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def format_table(report: Report) -> str:
    """A fixed-width table (percentages; one row per kind, then the selection) and the errors."""
    head1 = f"{'':<9}{'':>6}{'':>6}{'':>6}{'':>6}{'':>6}  {'quotes':^20}  {'speaker':^13}  {'end-to-end strict':^20}  {'end-to-end lenient':^20}"
    head2 = (
        f"{'kind':<9}{'gold':>6}{'pred':>6}{'tp':>6}{'fp':>6}{'fn':>6}  "
        f"{'P':>6}{'R':>7}{'F1':>7}  {'strict':>6}{'lenient':>8}  "
        f"{'P':>6}{'R':>7}{'F1':>7}  {'P':>6}{'R':>7}{'F1':>7}"
    )
    lines = [f"{report.articles} articles; kinds: {', '.join(report.kinds)}", head1.rstrip(), head2]
    lines.append("-" * len(head2))
    for name, row in report.rows.items():
        ps, rs, fs = row.e2e(False)
        pl, rl, fl = row.e2e(True)
        if name == ALL:
            lines.append("-" * len(head2))
        lines.append(
            f"{name:<9}{row.gold:>6}{row.predicted:>6}{row.tp:>6}{row.fp:>6}{row.fn:>6}  "
            f"{_pct(row.precision):>6}{_pct(row.recall):>7}{_pct(row.f1):>7}  "
            f"{_pct(row.speaker_acc_strict):>6}{_pct(row.speaker_acc_lenient):>8}  "
            f"{_pct(ps):>6}{_pct(rs):>7}{_pct(fs):>7}  {_pct(pl):>6}{_pct(rl):>7}{_pct(fl):>7}"
        )
    ignored = report.selection.ignored
    if ignored:
        lines.append(f"({ignored} prediction(s) matching only optional gold quotes ignored)")
    confused = report.selection.other_kind
    if confused:
        lines.append(f"({confused} prediction(s) matching only gold quotes of unselected kinds ignored)")
    totals = report.error_totals
    if report.errors:
        lines.append("")
        lines.append(
            f"Errors: {len(report.errors)} shown of {totals.get('miss', 0)} missed, "
            f"{totals.get('false_alarm', 0)} false alarm(s), {totals.get('wrong_speaker', 0)} wrong speaker(s)"
        )
        if report.wrong_speaker_forms:
            lines.append("Wrong speakers by mention: " + ", ".join(
                f"{form} {n}" for form, n in report.wrong_speaker_forms.items()))
        label = {"miss": "MISSED", "false_alarm": "FALSE ALARM", "wrong_speaker": "WRONG SPEAKER"}
        for n, e in enumerate(report.errors, 1):
            extra = f", best overlap {e.overlap:.2f}" if e.type != "wrong_speaker" and e.overlap else ""
            lines.append(f"{n:>3}. {label[e.type]} [{e.kind}] {e.article_id} @{e.start}:{e.end}{extra}")
            lines.append(f"     quote:   “{e.text}”")
            if e.type != "false_alarm":
                lines.append(f"     speaker: gold {e.gold_speaker!r}, predicted {e.predicted_speaker!r} ({e.form})"
                             if e.type == "wrong_speaker" else f"     speaker: gold {e.gold_speaker!r}")
            else:
                lines.append(f"     speaker: predicted {e.predicted_speaker!r}")
            lines.append(f"     context: {e.context}")
    return "\n".join(lines)
