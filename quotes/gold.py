"""The gold format of `quotes evaluate`: annotated articles read and checked line by line.

One article per line (other keys are ignored):
    {"id": str, "text": str, "title"?: str, "date"?: str,
     "quotes": [{"start": int, "end": int, "text"?: str, "kind": "direct"|"mixed"|"indirect",
                 "speaker"?: str|null, "speaker_aliases"?: [str], "optional"?: bool}]}

Kept apart from the scoring so that a bad file is reported (file:line and what is wrong) before
any article is parsed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .errors import QuotesError
from .formats import shorten
from .model import KINDS

__all__ = ["GoldQuote", "GoldArticle", "load_gold"]


@dataclass
class GoldQuote:
    start: int
    end: int
    text: str
    kind: str
    speaker: str | None = None
    speaker_aliases: list[str] = field(default_factory=list)
    optional: bool = False


@dataclass
class GoldArticle:
    id: str
    text: str
    quotes: list[GoldQuote] = field(default_factory=list)
    title: str | None = None
    date: str | None = None


def _bad(where: str, message: str) -> QuotesError:
    return QuotesError(f"{where}: bad gold data: {message}")


def _gold_quote(raw: Any, text: str, where: str, n: int) -> GoldQuote:
    label = f"quotes[{n}]"
    if not isinstance(raw, dict):
        raise _bad(where, f"{label} is not an object")
    for key in ("start", "end", "kind"):
        if key not in raw:
            raise _bad(where, f"{label} has no {key!r}")
    start, end, kind = raw["start"], raw["end"], raw["kind"]
    if type(start) is not int or type(end) is not int:
        raise _bad(where, f"{label}: start and end must be integers")
    if not 0 <= start < end <= len(text):
        raise _bad(where, f"{label}: span {start}:{end} is empty or outside the text (length {len(text)})")
    if kind not in KINDS:
        raise _bad(where, f"{label}: kind {kind!r} is not one of {', '.join(KINDS)}")
    quote_text = raw.get("text", text[start:end])
    if quote_text != text[start:end]:
        raise _bad(where, f"{label}: text {shorten(str(quote_text), 40)!r} is not text[{start}:{end}]")
    speaker = raw.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        raise _bad(where, f"{label}: speaker must be a string or null")
    aliases = raw.get("speaker_aliases")
    if aliases is None:
        aliases = []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise _bad(where, f"{label}: speaker_aliases must be a list of strings")
    optional = raw.get("optional", False)
    if optional is None:
        optional = False
    if not isinstance(optional, bool):
        raise _bad(where, f"{label}: optional must be true or false")
    return GoldQuote(start, end, quote_text, kind, speaker, list(aliases), optional)


def _gold_article(raw: Any, where: str) -> GoldArticle:
    if not isinstance(raw, dict):
        raise _bad(where, "the line is not a JSON object")
    for key in ("id", "text", "quotes"):
        if key not in raw:
            raise _bad(where, f"no {key!r}")
    if not isinstance(raw["id"], str) or not raw["id"]:
        raise _bad(where, "'id' must be a non-empty string")
    if not isinstance(raw["text"], str):
        raise _bad(where, "'text' must be a string")
    if not isinstance(raw["quotes"], list):
        raise _bad(where, "'quotes' must be a list")
    meta = raw.get("meta") if isinstance(raw.get("meta"), dict) else {}
    title = raw.get("title", meta.get("title"))
    date = raw.get("date", meta.get("date"))
    return GoldArticle(
        id=raw["id"],
        text=raw["text"],
        quotes=[_gold_quote(q, raw["text"], where, n) for n, q in enumerate(raw["quotes"])],
        title=title if isinstance(title, str) else None,
        date=date if isinstance(date, str) else None,
    )


def load_gold(path: str) -> list[GoldArticle]:
    """Read a gold JSONL file; blank lines are skipped. Any problem -> QuotesError naming file:line."""
    articles: list[GoldArticle] = []
    seen: dict[str, int] = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise _bad(where, f"invalid JSON ({exc.msg} at column {exc.colno})") from None
                article = _gold_article(raw, where)
                if article.id in seen:
                    raise _bad(where, f"duplicate id {article.id!r} (first at line {seen[article.id]})")
                seen[article.id] = lineno
                articles.append(article)
    except OSError as exc:
        raise QuotesError(f"{path}: cannot read the gold file ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise QuotesError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return articles
