"""Scoring rules of quotes.evaluate, on small hand-made articles and predictions (no spaCy)."""
from __future__ import annotations

import json
import random

import pytest

from quotes import evaluate as ev
from quotes.errors import QuotesError
from quotes.evaluate import (
    ALL,
    GoldArticle,
    GoldQuote,
    format_table,
    last_name,
    load_gold,
    match_spans,
    normalize_speaker,
    parse_kinds,
    score,
    speaker_right,
    trim_span,
)
from quotes.model import Article, Quote


def Q(start, end, kind="direct", speaker=None, aid="a"):
    return Quote(id=f"{start}-{end}", article_id=aid, text="", start=start, end=end, kind=kind, speaker=speaker)


def G(start, end, kind="direct", speaker=None, aliases=(), optional=False, text=None):
    return GoldQuote(start, end, "" if text is None else text[start:end], kind, speaker, list(aliases), optional)


def art(text, quotes, aid="a"):
    return GoldArticle(id=aid, text=text, quotes=quotes)


PLAIN = "x" * 5000  # no white space or punctuation: spans are not trimmed


def row(report, name=ALL):
    r = report.rows[name]
    return (r.tp, r.fp, r.fn)


# --------------------------------------------------------------------------- trimming


def test_trim_span_removes_space_quotation_marks_and_punctuation_at_both_ends():
    text = 'He said: “ We won, didn’t we?! ” and left.'
    start, end = text.index("“"), text.index("”") + 1
    lo, hi = trim_span(text, start, end)
    assert text[lo:hi] == "We won, didn’t we"  # inner punctuation kept
    assert trim_span(text, 0, 2) == (0, 2)
    s = "« 'x' »"
    assert trim_span(s, 0, len(s)) == (3, 4)
    # a span of punctuation only is kept as it is, offsets are clamped
    assert trim_span("a -- b", 2, 4) == (2, 4)
    assert trim_span("abc", -5, 99) == (0, 3)


def test_trimming_decides_the_match():
    # Untrimmed, "«««««Hi»»»»»" (12 chars) against "Hi" (2 chars) is 2/12 overlap/union.
    text = "«««««Hi»»»»» she said."
    gold = [art(text, [G(0, 12, speaker="she")])]
    report = score(gold, {"a": [Q(5, 7, speaker="she")]})
    assert row(report) == (1, 0, 0)
    # and the other way round: a prediction with marks and trailing space against a bare gold span
    report = score([art(text, [G(5, 7)])], {"a": [Q(0, 13)]})
    assert row(report) == (1, 0, 0)


# --------------------------------------------------------------------------- overlap threshold


def test_overlap_exactly_half_matches():
    report = score([art(PLAIN, [G(0, 10)])], {"a": [Q(0, 5)]})
    assert row(report) == (1, 0, 0)
    report = score([art(PLAIN, [G(0, 2000)])], {"a": [Q(500, 1500)]})
    assert row(report) == (1, 0, 0)


def test_overlap_just_below_half_does_not_match():
    report = score([art(PLAIN, [G(0, 11)])], {"a": [Q(0, 5)]})
    assert row(report) == (0, 1, 1)
    report = score([art(PLAIN, [G(0, 2001)])], {"a": [Q(0, 1000)]})
    assert row(report) == (0, 1, 1)
    report = score([art(PLAIN, [G(0, 2001)])], {"a": [Q(0, 1001)]})  # just above
    assert row(report) == (1, 0, 0)


def test_disjoint_and_empty_spans_never_match():
    report = score([art(PLAIN, [G(0, 10)])], {"a": [Q(10, 20), Q(3, 3), Q(8, 2)]})
    assert row(report) == (0, 3, 1)


# --------------------------------------------------------------------------- one-to-one greedy


def test_matching_is_one_to_one():
    report = score([art(PLAIN, [G(0, 10)])], {"a": [Q(0, 10), Q(0, 10), Q(1, 10)]})
    assert row(report) == (1, 2, 0)
    report = score([art(PLAIN, [G(0, 10), G(0, 10)])], {"a": [Q(0, 10)]})
    assert row(report) == (1, 0, 1)


def test_matching_is_greedy_best_overlap_first():
    # P(0,8) overlaps G1(0,10) by 0.8 and G2(0,8) by 1.0: it must go to G2 (whose speaker it has),
    # although G1 comes first.
    gold = [art(PLAIN, [G(0, 10, speaker="Ann Lee"), G(0, 8, speaker="Bob Ray")])]
    report = score(gold, {"a": [Q(0, 8, speaker="Bob Ray")]}, errors=5)
    assert row(report) == (1, 0, 1)
    assert report.selection.speaker_strict == 1
    [miss] = [e for e in report.errors if e.type == "miss"]
    assert (miss.start, miss.end, miss.gold_speaker) == (0, 10, "Ann Lee")


def test_greedy_gives_every_gold_its_best_prediction():
    gold = [art(PLAIN, [G(0, 10), G(0, 8)])]
    report = score(gold, {"a": [Q(0, 8), Q(0, 10)]})
    assert row(report) == (2, 0, 0)
    assert sorted((i, j) for i, j, _ in match_spans([(0, 10), (0, 8)], [(0, 8), (0, 10)])) == [(0, 1), (1, 0)]


def test_match_spans_equals_brute_force_greedy():
    rng = random.Random(7)

    def brute(gold, pred):
        pairs = []
        for i, (gs, ge) in enumerate(gold):
            for j, (ps, pe) in enumerate(pred):
                ov = min(ge, pe) - max(gs, ps)
                un = max(ge, pe) - min(gs, ps)
                if ov > 0 and 2 * ov >= un:
                    pairs.append((-ov / un, i, j))
        out, ug, up = [], set(), set()
        for neg, i, j in sorted(pairs):
            if i not in ug and j not in up:
                ug.add(i), up.add(j), out.append((i, j, -neg))
        return out

    for _ in range(30):
        spans = lambda n: [(s, s + rng.randint(1, 60)) for s in (rng.randint(0, 400) for _ in range(n))]  # noqa: E731
        gold, pred = spans(rng.randint(0, 40)), spans(rng.randint(0, 40))
        assert match_spans(gold, pred) == brute(gold, pred)


# --------------------------------------------------------------------------- optional gold


def test_optional_gold_is_neither_found_nor_missed():
    gold = [art(PLAIN, [G(0, 10), G(100, 110, optional=True), G(200, 210, optional=True)])]
    report = score(gold, {"a": [Q(0, 10), Q(100, 110), Q(300, 310)]})
    r = report.selection
    assert (r.gold, r.predicted, r.tp, r.fp, r.fn, r.ignored) == (1, 2, 1, 1, 0, 1)
    assert r.precision == 0.5 and r.recall == 1.0
    assert report.rows["direct"].ignored == 1


def test_optional_gold_does_not_take_a_prediction_from_required_gold():
    # P(0,10) overlaps the optional G(0,10) fully and the required G(0,12) by 10/12
    gold = [art(PLAIN, [G(0, 10, optional=True), G(0, 12)])]
    report = score(gold, {"a": [Q(0, 10)]})
    assert row(report) == (1, 0, 0)
    assert report.selection.ignored == 0


# --------------------------------------------------------------------------- kinds


def test_per_kind_rows_need_the_same_kind_the_selection_row_does_not():
    gold = [art(PLAIN, [G(0, 10, "direct"), G(100, 110, "indirect")])]
    pred = {"a": [Q(0, 10, "indirect"), Q(100, 110, "indirect")]}
    report = score(gold, pred)
    assert list(report.rows) == ["direct", "mixed", "indirect", ALL]
    assert row(report, "direct") == (0, 0, 1)
    assert row(report, "mixed") == (0, 0, 0)
    assert row(report, "indirect") == (1, 0, 0)  # the one at 0 is a direct quote: kind confusion
    assert report.rows["indirect"].other_kind == 1
    assert row(report, ALL) == (2, 0, 0)


def test_selection_of_kinds_leaves_the_other_kinds_out():
    gold = [art(PLAIN, [G(0, 10, "direct"), G(100, 110, "indirect"), G(200, 210, "mixed")])]
    pred = {"a": [Q(0, 10, "indirect"), Q(100, 110, "indirect"), Q(200, 210, "direct")]}
    report = score(gold, pred, kinds=["mixed", "direct"])
    assert report.kinds == ("direct", "mixed")
    assert list(report.rows) == ["direct", "mixed", ALL]
    # gold direct + mixed; predictions of kind direct only: the one at 200 matches the mixed gold
    assert row(report, ALL) == (1, 0, 1)
    assert report.selection.gold == 2 and report.selection.predicted == 1
    # the direct prediction at 200 is a real quote of another kind: a kind confusion, not a
    # false alarm, in the direct row
    assert row(report, "direct") == (0, 0, 1)
    assert report.rows["direct"].other_kind == 1
    assert row(report, "mixed") == (0, 0, 1)


def test_a_prediction_matching_no_gold_of_any_kind_is_a_false_alarm_in_every_row():
    gold = [art(PLAIN, [G(0, 10, "indirect")])]
    pred = {"a": [Q(0, 10, "direct"), Q(100, 110, "direct")]}
    report = score(gold, pred, kinds=["direct"])
    assert row(report, "direct") == (0, 1, 0)
    assert row(report, ALL) == (0, 1, 0)
    assert report.selection.other_kind == 1


def test_parse_kinds():
    assert parse_kinds("indirect, direct") == ("direct", "indirect")
    assert parse_kinds(None) == ev.KINDS
    with pytest.raises(QuotesError, match="quoted"):
        parse_kinds("direct,quoted")
    with pytest.raises(QuotesError):
        parse_kinds(",")
    with pytest.raises(QuotesError):
        score([], {}, kinds=["nope"])


# --------------------------------------------------------------------------- speakers


@pytest.mark.parametrize(
    "name, normal",
    [
        ("Mr. Quarles", "quarles"),
        ("Sen. Maris  Dunlevy", "maris dunlevy"),
        ("the Rev. Obed Wexford", "obed wexford"),
        ("President Ilse Varnum", "ilse varnum"),
        ("Gov. Petra Lindahl", "petra lindahl"),
        ("Rep. Ferdy Bellamy", "ferdy bellamy"),
        ("Dr Oona Tarrow", "oona tarrow"),
        ("Mrs. Ostrander", "ostrander"),
        ("Inés ZÚÑIGA", "ines zuniga"),
        ("T.J. Oakhurst", "tj oakhurst"),
        ("T. J.  Oakhurst", "tj oakhurst"),
        ("Elke Acker-Stovall", "elke acker stovall"),
        ("O’Dowd", "odowd"),
        ("The Kesterby Ledger", "kesterby ledger"),
        ("the president", "president"),  # a title alone is kept
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_speaker(name, normal):
    assert normalize_speaker(name) == normal


def test_last_name_ignores_suffixes():
    assert last_name("Abel Linus Pryce Jr.") == "pryce"
    assert last_name("Lars Ottley, Sr") == "ottley"
    assert last_name("Bram Tasker III") == "tasker"
    assert last_name("Mr. Quarles") == "quarles"
    assert last_name(None) == ""


def test_speaker_strict_and_lenient():
    assert speaker_right("Maris Dunlevy", [], "Sen. Maris Dunlevy") == (True, True)  # honorific
    assert speaker_right("Bertil Sato", ["the Liberal nominee"], "Liberal Nominee") == (False, True)  # alias
    assert speaker_right("Nora Ostrander", [], "Mrs. Ostrander") == (False, True)  # last name
    assert speaker_right("the senator", ["Lorens Nakata"], "Nakata") == (False, True)  # alias' last name
    assert speaker_right("Abel Linus Pryce Jr.", [], "Dr. Pryce") == (False, True)
    assert speaker_right("Nora Ostrander", ["she"], "Nora") == (False, False)
    assert speaker_right("Nora Ostrander", [], "Aksel Ostrande") == (False, False)


def test_lenient_speaker_accepts_the_mention_and_a_gold_name_without_its_description():
    # gold left the pronoun unresolved; we resolved it and kept the mention as written
    assert speaker_right("she", [], "Nora Ostrander", "she") == (False, True)
    assert speaker_right("she", [], "Nora Ostrander", "Mrs. Ostrander") == (False, False)
    # both left it unresolved: no speaker, the same mention (strict wants a speaker named alike)
    assert speaker_right("she", [], None, "she") == (False, True)
    assert speaker_right("Nora Ostrander", [], None, "she") == (False, False)
    assert speaker_right(None, [], None, "she") == (True, True)
    assert speaker_right("Rolf Emery, a boat builder in Kesterby", [], "Rolf Emery") == (False, True)
    assert speaker_right("Thea Calder (D-Kes.)", [], "Thea Calder") == (False, True)
    assert speaker_right("Rolf Emery, a builder", [], "Jane Roe") == (False, False)


def test_null_speakers():
    assert speaker_right(None, [], None) == (True, True)
    assert speaker_right(None, [], "") == (True, True)
    assert speaker_right(None, [], "Jane Doe") == (False, False)
    assert speaker_right("Jane Doe", ["Doe"], None) == (False, False)


def test_speaker_accuracy_counts_matched_quotes_only():
    gold = [
        art(
            PLAIN,
            [
                G(0, 10, speaker="Nora Ostrander"),
                G(100, 110, speaker="Bertil Sato", aliases=["he"]),
                G(200, 210, speaker=None),
                G(300, 310, speaker=None),
                G(400, 410, speaker="Jane Doe"),  # missed: not in the accuracy
            ],
        )
    ]
    pred = {
        "a": [
            Q(0, 10, speaker="Mrs. Nora  Ostrander"),  # strict
            Q(100, 110, speaker="He"),  # alias: lenient only
            Q(200, 210, speaker=None),  # strict
            Q(300, 310, speaker="Someone"),  # wrong
            Q(900, 910, speaker="Jane Doe"),  # false alarm
        ]
    }
    r = score(gold, pred).selection
    assert (r.matched, r.speaker_strict, r.speaker_lenient) == (4, 2, 3)
    assert r.speaker_acc_strict == 0.5 and r.speaker_acc_lenient == 0.75


# --------------------------------------------------------------------------- end to end


def test_end_to_end_figures():
    gold = [
        art(PLAIN, [G(0, 10, speaker="Ann Lee"), G(100, 110, speaker="Bob Ray"), G(200, 210, speaker="Cy Young")]),
        art(PLAIN, [G(0, 10, speaker="Dee Dee")], aid="b"),
    ]
    pred = {
        "a": [Q(0, 10, speaker="Ann Lee"), Q(100, 110, speaker="Mr. Ray"), Q(500, 510, speaker="Ann Lee")],
        "b": [Q(0, 10, speaker="Someone Else"), Q(300, 310)],
        "unknown": [Q(0, 10)],  # not in gold: ignored
    }
    r = score(gold, pred).selection
    assert (r.gold, r.predicted, r.tp, r.fp, r.fn) == (4, 5, 3, 2, 1)
    assert r.precision == pytest.approx(3 / 5) and r.recall == pytest.approx(3 / 4)
    assert r.f1 == pytest.approx(2 * 3 / 9)
    assert r.e2e(False) == pytest.approx((1 / 5, 1 / 4, 2 / 9))
    assert r.e2e(True) == pytest.approx((2 / 5, 2 / 4, 4 / 9))
    d = r.to_dict()
    assert d["e2e_strict"] == {"precision": 0.2, "recall": 0.25, "f1": round(2 / 9, 4)}
    assert d["e2e_lenient"]["f1"] == round(4 / 9, 4)


def test_undefined_ratios_are_none():
    r = score([art(PLAIN, [G(0, 10)])], {}).selection
    assert r.precision is None and r.speaker_acc_strict is None
    assert r.recall == 0.0 and r.f1 == 0.0 and r.e2e(True) == (None, 0.0, 0.0)
    r = score([art(PLAIN, [])], {}).selection
    assert (r.precision, r.recall, r.f1) == (None, None, None)


# --------------------------------------------------------------------------- errors


def _error_case():
    text = (
        "Intro line.\n"
        'First sentence here. "We will win this race," Jane Doe said. Then more.\n'
        "Nothing to see. " + "word " * 100 + "the end.\n"
        'Later, "Taxes are too high," said Bob Ray.\n'
    )
    win = text.index("We will")
    tax = text.index("Taxes")
    wordy = text.index("word word")
    gold = [
        art(text, [G(win, win + 22, speaker="Jane Doe", text=text), G(tax, tax + 19, speaker="Bob Ray", text=text)]),
        art(text, [G(win, win + 22, speaker="Jane Doe", text=text), G(tax, tax + 19, speaker="Bob Ray", text=text)], aid="b"),
    ]
    pred = {
        "a": [Q(win, win + 22, speaker="John Smith"), Q(wordy + 200, wordy + 250)],  # wrong speaker; false alarm
        "b": [Q(wordy, wordy + 30), Q(tax, tax + 19, speaker="Bill Rae")],  # false alarm; wrong speaker
    }
    return text, gold, pred


def test_errors_are_listed_with_their_details():
    text, gold, pred = _error_case()
    report = score(gold, pred, errors=10)
    assert report.error_totals == {"miss": 2, "false_alarm": 2, "wrong_speaker": 2}
    assert [(e.type, e.article_id) for e in report.errors] == [
        ("miss", "a"),
        ("false_alarm", "a"),
        ("wrong_speaker", "a"),
        ("miss", "b"),
        ("false_alarm", "b"),
        ("wrong_speaker", "b"),
    ]
    miss_a, fa_a, ws_a, miss_b, fa_b, ws_b = report.errors
    assert (miss_a.text, miss_a.kind, miss_a.gold_speaker, miss_a.predicted_speaker) == (
        "Taxes are too high",
        "direct",
        "Bob Ray",
        None,
    )
    assert miss_a.context == 'Later, "Taxes are too high," said Bob Ray.'
    assert (ws_a.text, ws_a.gold_speaker, ws_a.predicted_speaker) == ("We will win this race", "Jane Doe", "John Smith")
    assert ws_a.context == '"We will win this race," Jane Doe said.'
    assert fa_a.gold_speaker is None and fa_a.text == "word " * 9 + "word"
    # a long sentence is cut around the span, on one line
    assert "\n" not in fa_a.context and len(fa_a.context) <= 205
    assert fa_a.context.startswith("…") and fa_a.context.endswith("…") and fa_a.text in fa_a.context
    assert ws_b.predicted_speaker == "Bill Rae" and ws_b.kind == "direct"
    assert miss_b.text == "We will win this race"


def test_errors_are_limited_spread_and_deterministic():
    text, gold, pred = _error_case()
    picked = [(e.type, e.article_id) for e in score(gold, pred, errors=4).errors]
    assert picked == [("miss", "a"), ("false_alarm", "a"), ("wrong_speaker", "a"), ("miss", "b")]
    assert [e.to_dict() for e in score(gold, pred, errors=4).errors] == [
        e.to_dict() for e in score(gold, pred, errors=4).errors
    ]
    none = score(gold, pred, errors=0)
    assert none.errors == [] and none.error_totals == {"miss": 2, "false_alarm": 2, "wrong_speaker": 2}


def test_errors_round_robin_over_articles_within_a_type():
    gold = [art(PLAIN, [G(0, 10), G(100, 110), G(200, 210)]), art(PLAIN, [G(0, 10)], aid="b")]
    report = score(gold, {}, errors=3)
    assert [(e.article_id, e.start) for e in report.errors] == [("a", 0), ("b", 0), ("a", 100)]


def test_long_quote_text_is_shortened():
    text = "A" + " ".join(f"w{i}" for i in range(200)) + "."
    report = score([art(text, [G(0, len(text), text=text)])], {}, errors=1)
    [e] = report.errors
    assert len(e.text) <= ev.TEXT_WIDTH and " … " in e.text and e.text.startswith("Aw0 w1")
    assert e.text.endswith("w199") and len(e.context) <= 205


# --------------------------------------------------------------------------- output


def test_to_dict_is_json_with_stable_keys():
    text, gold, pred = _error_case()
    d = score(gold, pred, kinds="direct", errors=2).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert list(d) == ["kinds", "articles", "rows", "error_totals", "wrong_speaker_forms", "errors"]
    assert list(d["rows"]) == ["direct", ALL]
    assert d["rows"][ALL]["tp"] == 2 and d["rows"][ALL]["precision"] == 0.5
    assert set(d["errors"][0]) >= {"type", "article_id", "kind", "text", "gold_speaker", "predicted_speaker", "context"}


def test_format_table():
    text, gold, pred = _error_case()
    out = format_table(score(gold, pred, errors=3))
    lines = out.splitlines()
    assert any(line.split()[:6] == ["all", "4", "4", "2", "2", "2"] for line in lines)
    assert any(line.split()[:2] == ["mixed", "0"] and line.split()[6] == "-" for line in lines)
    assert "WRONG SPEAKER" in out and "John Smith" in out and "FALSE ALARM" in out
    assert "Jane Doe said." in out
    assert "Errors" not in format_table(score(gold, pred))


# --------------------------------------------------------------------------- gold file


def _write(tmp_path, lines):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return str(path)


GOOD = {
    "id": "n1",
    "text": '"Yes," she said.',
    "source": "test",
    "meta": {"title": "T", "date": "2016-01-01"},
    "quotes": [{"start": 1, "end": 5, "text": "Yes,", "kind": "direct", "speaker": "Ann", "speaker_aliases": ["she"], "cue": "said"}],
}


def test_load_gold_reads_articles_and_ignores_extra_keys(tmp_path):
    opt = dict(GOOD, id="n2", title="Own title", quotes=[dict(GOOD["quotes"][0], optional=True, speaker=None)])
    path = _write(tmp_path, [GOOD, "", opt])
    a, b = load_gold(path)
    assert (a.id, a.text, a.title, a.date) == ("n1", '"Yes," she said.', "T", "2016-01-01")
    assert a.quotes == [GoldQuote(1, 5, "Yes,", "direct", "Ann", ["she"], False)]
    assert b.title == "Own title" and b.quotes[0].optional is True and b.quotes[0].speaker is None


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "not a JSON object"),
        ({"id": "x", "text": "t"}, "'quotes'"),
        (dict(GOOD, id=""), "'id'"),
        (dict(GOOD, quotes=[{"start": 1, "end": 5, "kind": "direct"}, {"start": 0, "end": 99, "kind": "direct"}]), "quotes[1]"),
        (dict(GOOD, quotes=[{"start": 3, "end": 3, "kind": "direct"}]), "empty"),
        (dict(GOOD, quotes=[{"start": "1", "end": 5, "kind": "direct"}]), "integers"),
        (dict(GOOD, quotes=[{"start": 1, "end": 5, "kind": "quoted"}]), "kind"),
        (dict(GOOD, quotes=[{"start": 1, "end": 5, "kind": "direct"}]) | {"quotes": [{"end": 5, "kind": "direct"}]}, "'start'"),
        (dict(GOOD, quotes=[dict(GOOD["quotes"][0], text="No,")]), "text[1:5]"),
        (dict(GOOD, quotes=[dict(GOOD["quotes"][0], speaker_aliases="she")]), "speaker_aliases"),
        (dict(GOOD, quotes=[dict(GOOD["quotes"][0], optional="yes")]), "optional"),
        (dict(GOOD, quotes=[dict(GOOD["quotes"][0], speaker=3)]), "speaker"),
        (GOOD, "duplicate id 'n1' (first at line 1)"),
    ],
)
def test_load_gold_errors_name_file_and_line(tmp_path, bad, message):
    path = _write(tmp_path, [GOOD, bad])
    with pytest.raises(QuotesError) as info:
        load_gold(path)
    assert f"{path}:2:" in str(info.value)
    assert message in str(info.value)


def test_load_gold_missing_or_binary_file(tmp_path):
    with pytest.raises(QuotesError, match="nope.jsonl"):
        load_gold(str(tmp_path / "nope.jsonl"))
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"\xff\xfe\x00{")
    with pytest.raises(QuotesError, match="bin.jsonl"):
        load_gold(str(path))


# --------------------------------------------------------------------------- evaluate()


def test_evaluate_runs_the_extractor_over_the_gold_texts(tmp_path, monkeypatch):
    import importlib

    extract_module = importlib.import_module("quotes.extract")  # the package may re-export a function named extract
    path = _write(tmp_path, [GOOD, dict(GOOD, id="n2")])
    seen = {}

    def fake_extract_articles(articles, nlp=None, **kw):
        for a in articles:
            assert isinstance(a, Article)
            seen[a.id] = (a.text, nlp)
            speaker = "Ann" if a.id == "n1" else "Bob"
            yield a, [Q(0, 6, "direct", speaker, aid=a.id)]

    monkeypatch.setattr(extract_module, "extract_articles", fake_extract_articles)
    report = ev.evaluate(path, kinds="direct,mixed", errors=5, nlp="NLP")
    assert seen == {"n1": ('"Yes," she said.', "NLP"), "n2": ('"Yes," she said.', "NLP")}
    r = report.selection
    assert (r.tp, r.fp, r.fn, r.speaker_strict, r.speaker_lenient) == (2, 0, 0, 1, 1)
    assert report.kinds == ("direct", "mixed") and report.articles == 2
    assert [(e.type, e.article_id) for e in report.errors] == [("wrong_speaker", "n2")]


def test_evaluate_checks_kinds_before_loading(tmp_path):
    with pytest.raises(QuotesError, match="unknown quote kind"):
        ev.evaluate(str(tmp_path / "missing.jsonl"), kinds="speech")


def test_wrong_speakers_are_grouped_by_the_form_of_the_mention():
    from quotes.evaluate import mention_form

    assert mention_form("Ann Cole", None, None) == "none found"
    assert mention_form("Ann Cole", None, "she") == "pronoun"
    assert mention_form("Ann Cole", "Bob Hart", "she") == "pronoun"  # resolved to someone else
    assert mention_form("Ann Cole", "the farmer", "the farmer") == "role description"
    assert mention_form("Vale Foods", "the company", "the company") == "organisation"
    assert mention_form("Vale Foods", None, "It") == "organisation"
    assert mention_form("Ann Cole", "Ann", "Ann") == "first name"
    assert mention_form("Ann Cole", "Cole", "Ms Cole") == "surname"
    assert mention_form("Ann Cole", "Bob Hart", "Bob Hart") == "another person"
    text, gold, pred = _error_case()
    report = score(gold, pred, errors=10)
    assert report.wrong_speaker_forms == {"another person": 2}
    assert "Wrong speakers by mention: another person 2" in format_table(report)
