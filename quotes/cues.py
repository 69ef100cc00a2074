"""Speech cues, by word alone: which verbs report speech, their inflected forms, and the
coarse part-of-speech tags the rules read. Kept apart from the spaCy component so the word
lists can be read and extended in one place.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the word lists are read by the people of an index too, without spaCy)
    from spacy.tokens import Token

# Lemmas of verbs that report speech (matched on the lemma, so says/said/saying all count).
SPEECH_VERBS = frozenset("""
say tell add warn insist write tweet post state declare announce explain note argue claim
contend assert maintain acknowledge admit concede confirm deny reply respond answer ask
suggest propose urge call describe recall remark comment observe report reveal disclose
predict promise pledge vow threaten boast brag complain lament joke quip exclaim shout yell
scream whisper mutter cry continue conclude emphasize emphasise stress caution counter
retort interject testify allege charge accuse blame criticize criticise praise hail dismiss
reiterate repeat inform advise recommend demand proclaim mention read chant echo tout grumble
fume muse wonder speak characterize characterise label dub term recount concur affirm assure
opine quote summarize summarise point hint signal indicate reason
posit fret rage scoff sneer snap gush rave plead beg implore order instruct command forecast
estimate calculate project guarantee swear promise agree disagree object protest reject
""".split())
# The subset whose clause complement is a reported statement ("said that ...").
CLAUSE_VERBS = frozenset("""
say tell add warn insist write tweet post state declare announce explain note argue claim
contend assert maintain acknowledge admit concede confirm deny reply respond answer suggest
report reveal disclose predict promise pledge vow threaten boast brag complain lament joke
quip exclaim continue conclude emphasize emphasise stress caution counter retort testify
allege charge reiterate repeat inform advise recommend proclaim mention recount affirm assure
opine point hint indicate reason posit fret scoff swear guarantee agree object protest
ask urge order instruct call implore beg forecast estimate recall demand
show find learn imply question wonder remind demonstrate submit
""".split())
# Verbs that report findings, not speech ("a poll shows that ...", "the audit found that ..."):
# their clauses are reported, but they never say who spoke the words in quotation marks.
EVIDENCE_VERBS = frozenset("show find learn imply demonstrate".split())
# Cues whose noun-phrase object is what was said ("criticized the trade deals", "denied any
# involvement", "accused Clinton of lying"): mined from PolNeAR train, where the object is the
# reported content at least about half the time. Stances ("support", "oppose") are left out.
OBJECT_VERBS = frozenset("""
announce cite criticize criticise express reject mention praise question denounce propose
explain dismiss note blast tout acknowledge mock recall declare reveal slam repeat condemn
echo confirm decry emphasize emphasise reference voice detail reiterate disclose deny applaud
highlight accuse
""".split())
# Cues whose "about"/"on" phrase is the topic of what was said ("spoke about the shortage
# of nurses", "asked her about the overspend", "commented on the verdict").
TOPIC_VERBS = frozenset("speak talk ask comment write testify complain joke".split())
# Cues whose infinitive is what was said: "vowed to fight on".
COMMISSIVE_VERBS = frozenset("promise pledge vow threaten agree swear offer propose".split())
# Verbs whose infinitive is a plan, not yet speech: "was getting ready to announce new rules".
PLAN_VERBS = frozenset("plan prepare intend expect hope want aim seek refuse decline fail hesitate".split())
# Cues that name or characterise: "X called the talks effective".
NAMING_VERBS = frozenset("call describe label dub term characterize characterise brand".split())
# Cues that put the speaker after them ("said Jordan", "added the minister").
INVERTING_VERBS = frozenset("""
say add write explain continue conclude note insist warn reply respond argue recall tweet
""".split())
# Cues whose infinitive complement is reported speech too ("told them to leave").
ORDER_VERBS = frozenset("tell ask urge warn advise order instruct call implore beg".split())
# Cues whose object is whom they address ("told reporters", "assured the crowd").
ADDRESSED_VERBS = ORDER_VERBS | frozenset("inform assure reassure remind".split())
_IRREGULAR = {
    "say": "said", "tell": "told", "write": "wrote written", "speak": "spoke spoken",
    "swear": "swore sworn", "read": "read", "forecast": "forecast", "plead": "pled",
    "find": "found", "show": "shown", "learn": "learnt",
}


def _forms(lemma: str) -> set[str]:
    """Inflected forms of a regular English verb (and its irregular ones): says, said, saying."""
    forms = {lemma, *_IRREGULAR.get(lemma, "").split()}
    if lemma.endswith("e"):
        stem_ed, stem_ing = lemma[:-1], lemma[:-1]
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        stem_ed, stem_ing = lemma[:-1] + "i", lemma
    else:
        stem_ed = stem_ing = lemma
    forms |= {stem_ed + "ed", stem_ing + "ing", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    return forms


# Our own lemma table for the cue verbs (and the plan verbs above them), so the pipeline needs no lemmatizer.
_CUE_VERBS = SPEECH_VERBS | CLAUSE_VERBS | OBJECT_VERBS | TOPIC_VERBS | PLAN_VERBS
_LEMMAS = {form: lemma for lemma in sorted(_CUE_VERBS) for form in _forms(lemma)}
# Penn Treebank tag -> universal POS: what the attribute ruler would set, at a fraction of the cost.
TAG_POS = {
    "AFX": "ADJ", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "CC": "CCONJ", "CD": "NUM",
    "DT": "DET", "PDT": "DET", "EX": "PRON", "PRP": "PRON", "PRP$": "PRON", "WDT": "PRON",
    "WP": "PRON", "WP$": "PRON", "IN": "ADP", "RP": "ADP", "MD": "AUX", "NN": "NOUN",
    "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "POS": "PART", "TO": "PART", "RB": "ADV",
    "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "UH": "INTJ", "VB": "VERB", "VBD": "VERB",
    "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "_SP": "SPACE", "SP": "SPACE",
    "$": "SYM", "SYM": "SYM", "NFP": "PUNCT", "HYPH": "PUNCT", ",": "PUNCT", ".": "PUNCT",
    ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", '""': "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT",
}
AUX_LEMMAS = {"be", "is", "am", "are", "was", "were", "been", "being", "'s", "'re", "'m",
               "have", "has", "had", "having", "'ve", "'d", "do", "does", "did"}


# Common nouns for people and groups of them, who can be the source of a quote.
PEOPLE_NOUNS = frozenset("""
people person official source aide member resident expert advocate critic supporter voter
democrat republican lawmaker campaign group committee company government police agency
administration ministry department spokesman spokeswoman spokesperson union panel council
court prosecutor investigator organizer protester witness family relative friend neighbor
student teacher parent worker employee executive analyst economist researcher counsel
""".split())
# Things, not people: a cue whose subject is one of these yields to a person's cue.
DOCUMENT_NOUNS = frozenset("""
statement letter ad advertisement spot video report memo document complaint study poll survey
comment remark language book article piece tweet post headline release filing lawsuit suit
email message note footage clip speech interview website page platform election story spot
""".split())


def is_document(tok: Token) -> bool:
    """A thing that speaks only through people: "the statement said"."""
    word = tok.lower_
    return tok.pos_ == "NOUN" and (word in DOCUMENT_NOUNS or word.endswith("s") and word[:-1] in DOCUMENT_NOUNS)


def lemma(tok: Token) -> str:
    """The lemma of a cue verb from our table; other words as spaCy has them, else lower-cased."""
    return _LEMMAS.get(tok.lower_) or tok.lemma_.lower() or tok.lower_


def is_cue(tok: Token) -> bool:
    if tok.lower_ == "according" and any(c.lower_ == "to" for c in tok.children):
        return True
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "amod":
        return False
    verb = lemma(tok)
    if verb == "read":  # "the letter reads", not "she read a novel"
        return any(c.dep_ == "nsubj" and is_document(c) for c in tok.children)
    return verb in SPEECH_VERBS or verb in OBJECT_VERBS or verb in TOPIC_VERBS or (
        verb in CLAUSE_VERBS and verb not in EVIDENCE_VERBS)


def reports(tok: Token) -> bool:
    """A cue whose clause is reported: a speech cue, or a verb of findings ("the poll shows")."""
    return is_cue(tok) or tok.pos_ in ("VERB", "AUX") and tok.dep_ != "amod" and lemma(tok) in EVIDENCE_VERBS


def is_speech_form(word: str) -> bool:
    """Whether `word` is an inflected form of a cue verb ("Says", "warned"): the tail of a
    headline read as a name ("Obama Says")."""
    lower = word.lower()
    return _LEMMAS.get(lower, lower) != lower
