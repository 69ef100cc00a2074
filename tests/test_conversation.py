"""Attribution across sentences and paragraphs: cues after a quote, conversations, running
speakers, pronouns with two people of one gender in view.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

from quotes.extract import extract


def quote(text, nlp, beginning):
    found = [q for q in extract(text, nlp=nlp) if q.text.startswith(beginning)]
    assert len(found) == 1, [(q.kind, q.speaker, q.text) for q in extract(text, nlp=nlp)]
    return found[0]


def test_a_cue_opening_a_long_sentence_after_a_question_attributes_it(nlp):
    text = (
        "The village shop reopened on Saturday after the flood.\n\n"
        "Orla Quennell, 58, has run the shop for thirty years.\n\n"
        "“Who would have believed it?” Quennell said, smiling broadly behind the counter on a wet "
        "Saturday morning in March.\n\n"
        "Her neighbour, Dermot Ashe, 71, was among the first customers."
    )
    assert quote(text, nlp, "Who would").speaker == "Orla Quennell"
