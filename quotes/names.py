"""The words of people in news text: honorifics, titles, roles, family and organisation nouns,
first names, and the helpers that read a name as written (`fold`, `written`, `name_words`).
Shared by the speakers of one article (`speakers`), attribution and the people of an index."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the people of an index read these word lists without loading spaCy)
    from spacy.tokens import Doc, Span, Token

from .cues import PEOPLE_NOUNS

HONORIFICS = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "king": "m", "prince": "m",
    "mrs": "f", "ms": "f", "miss": "f", "madam": "f", "madame": "f", "dame": "f", "lady": "f",
    "queen": "f", "princess": "f",
    "dr": None, "prof": None, "professor": None, "president": None, "vice": None,
    "sen": None, "senator": None, "rep": None, "representative": None, "gov": None,
    "governor": None, "gen": None, "general": None, "col": None, "capt": None, "lt": None,
    "sgt": None, "adm": None, "judge": None, "justice": None, "rev": None, "father": None,
    "mayor": None, "minister": None, "secretary": None, "chancellor": None, "premier": None,
    "sheikh": "m", "ambassador": None, "commissioner": None, "chairman": "m",
    "chairwoman": "f", "speaker": None, "leader": None, "chief": None, "former": None,
    "prime": None, "foreign": None, "attorney": None, "first": None, "deputy": None,
    # ranks and titles of local news: "Cllr Ann Cole", "Supt Moira Gallacher", "Comrade Emeka"
    "cllr": None, "councillor": None, "councilman": "m", "councilwoman": "f", "alderman": None,
    "comrade": None, "superintendent": None, "supt": None, "inspector": None, "insp": None,
    "detective": None, "det": None, "constable": None, "sergeant": None,
    "officer": None, "coach": None, "pastor": None, "bishop": None, "archbishop": None,
    "imam": None, "rabbi": None, "cardinal": None, "canon": None, "fr": "m", "alhaji": "m",
    "alhaja": "f", "engr": None, "barrister": None, "baroness": "f", "baron": "m",
    "master": None, "captain": None, "commander": None, "major": None, "colonel": None,
    "lieutenant": None, "private": None, "corporal": None, "brigadier": None, "marshal": None,
    "magistrate": None, "coroner": None, "director": None, "executive": None, "manager": None,
    "cr": None, "haji": "m", "hajia": "f", "del": None, "rival": None, "crooked": None, "candidate": None, "nominee": None,
    "uncle": "m", "auntie": "f", "aunty": "f",
}
# Letters after a name, not part of it: "Ruth Abernethy KC", "Sir Peter Venning MP".
POST_NOMINALS = frozenset("kc qc sc mp msp mla mpp td obe mbe cbe kbe dbe phd md jp".split())
# Family and household roles, with the gender they imply: "her son, Per" is a man.
FAMILY_NOUNS = {
    "son": "m", "daughter": "f", "father": "m", "mother": "f", "wife": "f", "husband": "m",
    "brother": "m", "sister": "f", "grandfather": "m", "grandmother": "f", "grandson": "m",
    "granddaughter": "f", "uncle": "m", "aunt": "f", "nephew": "m", "niece": "f",
    "widow": "f", "widower": "m", "fiancé": "m", "fiancée": "f", "girlfriend": "f",
    "boyfriend": "m", "mum": "f", "mom": "f", "dad": "m", "gran": "f", "grandad": "m",
    "granddad": "m", "grandma": "f", "grandpa": "m", "stepfather": "m", "stepmother": "f",
    "partner": None, "cousin": None, "friend": None, "neighbour": None, "neighbor": None,
    "colleague": None, "child": None, "parent": None, "sibling": None, "spouse": None,
    "granddaughter-in-law": "f", "daughter-in-law": "f", "son-in-law": "m", "co-author": None,
}
# Kinship as a relation between two people: the class of each word, and the class the other
# person then is to them ("his daughter, Thuy," makes him her parent: "her father").
KIN_CLASS = {
    **dict.fromkeys("father mother dad mum mom parent stepfather stepmother".split(), "parent"),
    **dict.fromkeys("son daughter child".split(), "child"),
    **dict.fromkeys("wife husband spouse widow widower".split(), "spouse"),
    **dict.fromkeys("brother sister sibling".split(), "sibling"),
    **dict.fromkeys("grandfather grandmother gran grandad granddad grandma grandpa".split(), "grandparent"),
    **dict.fromkeys("grandson granddaughter".split(), "grandchild"),
}
KIN_INVERSE = {"parent": "child", "child": "parent", "spouse": "spouse", "sibling": "sibling",
               "grandparent": "grandchild", "grandchild": "grandparent"}
# Nouns that describe a person's role: "the Russian leader", "the spokeswoman".
ROLE_NOUNS = {
    "leader", "president", "minister", "premier", "chancellor", "senator", "governor",
    "mayor", "secretary", "spokesman", "spokeswoman", "spokesperson", "candidate", "nominee",
    "chairman", "chairwoman", "chair", "director", "chief", "official", "ambassador",
    "general", "commander", "king", "queen", "prince", "emperor", "judge", "lawmaker",
    "congressman", "congresswoman", "representative", "businessman", "businesswoman",
    "billionaire", "mogul", "founder", "ceo", "executive", "head", "envoy", "diplomat",
    "counterpart", "host", "manager", "adviser", "advisor", "aide", "strategist", "democrat",
    "republican", "politician", "star", "actor", "actress", "author", "writer", "lawyer",
    "attorney", "prosecutor", "sheriff", "officer", "commissioner", "economist", "analyst",
    "professor", "researcher", "scientist", "doctor", "coach", "player", "pope", "cleric",
    "activist", "campaigner", "incumbent", "challenger", "frontrunner", "front-runner",
    "speaker", "whip", "deputy", "vice", "monarch", "dictator", "strongman", "mogul",
}
LEADER_ROLES = {"president", "premier", "chancellor", "king", "queen", "emperor", "monarch",
                "dictator", "strongman", "minister", "prime", "head", "chief", "chairman"}
MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
FIRST_NAMES_M = set("""
james john robert michael william david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan
henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger terry gerald
harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan
albert willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip
louis bernie bill mike jim tom ted chris newt rudy reince mitch marco rand jeb barack vladimir
recep tayyip sergey sergei dmitry boris emmanuel xi narendra benjamin bashar hassan ali mohammed
muhammad ahmed omar abdullah hamid shinzo justin francois jean pierre jacques nicolas
giuseppe matteo silvio pedro carlos luis jair andres manuel mahmoud recep yair naftali
tony gordon david nigel keir rishi ed jeremy dominic liam lindsey ben ivan igor oleg alexei
volodymyr petro viktor andrzej mateusz abiy cyril uhuru chuck jeff greg doug tim steve dan
don jim bob rob matt nick sam ken ron josh jon jake tom ben ray rick dick hank herb fred
marty mitt newt ryan jared eric hal harry lou mel sid stan ted walt wes zach cory
lamar elijah keith kerr
""".split())
FIRST_NAMES_F = set("""
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria
heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith
megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice
jean alice madison doris abigail julia judy grace denise amber marilyn beverly danielle theresa
sophia marie diana brittany natalie isabella charlotte rose alexis kayla hillary chelsea
melania ivanka kellyanne huma nikki kamala michele condoleezza
jacinda ursula marine giorgia nicola liz kemi yvette priti suella benazir
indira golda sanna mette greta malala oprah tulsi debbie loretta jill angela nancy lindsey
jane joan anne ann annie kate katie beth liz lizzy meg peg sue jen jenny becky cathy kathy patty pat tammy tina
ava ella mia zoe chloe lily amelia harper aria layla nora riley hazel violet aurora
keisha latoya tasha shonda rakeyia tyresha kamala ayanna ilhan rashida alexandria
""".split())
FIRST_NAMES_M, FIRST_NAMES_F = FIRST_NAMES_M - FIRST_NAMES_F, FIRST_NAMES_F - FIRST_NAMES_M
# Entity labels under which the small NER files people's names it does not know.
MISLABELLED = ("", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART")
# Words that make a proper-noun chain an organisation or a place, not a person.
ORG_WORDS = frozenset("""
council company group trust bank university college school hospital agency police service
ministry department committee union association club party society foundation network
institute church court board authority commission energy mobility foods ltd plc inc llc corp
street road lane park hall house centre center square bridge river county city state
""".split())
# Heads of descriptions of an organisation: "the company said" is the company named before.
ORG_NOUNS = frozenset("""
company firm group business retailer developer operator union council trust charity agency
authority network airline bank insurer manufacturer maker supplier club team board department
ministry service government startup start-up brand chain carrier lender owner organisation
organization party hospital school university college museum gallery
""".split())
PLACE_PREPS = frozenset("at in from near outside inside to into across around on through".split())
COPULAS = frozenset("is was 's are were".split())
PRONOUNS = MALE | FEMALE | {"i", "we", "they", "it", "you", "one", "me", "us", "them"}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, strip accents and possessives, collapse spaces: the key two mentions share."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’]s\b", "", text)
    return " ".join(re.findall(r"[\w-]+", text))


def is_honorific(word: str) -> bool:
    """"Mr.", "Dr", "Foreign", "Mayor": a word of HONORIFICS, whatever its case, accents or full stop."""
    return fold(word).rstrip(".") in HONORIFICS


def is_person_noun(tok: Token) -> bool:
    """A common noun for a person: a role ("the director"), a relation ("her son") or one of
    the people nouns of `cues` ("a resident")."""
    if tok.tag_ == "NNS" or tok.pos_ != "NOUN" and not (
            tok.pos_ == "PROPN" and tok.is_sent_start and tok.ent_type_ == "" and tok.is_title):
        return False  # (a sentence's first word, capitalised, may be tagged a proper noun: "Counsel for ...")
    word = fold(tok.text)
    return (
        word in ROLE_NOUNS or word in FAMILY_NOUNS or word in PEOPLE_NOUNS or word.endswith(_PERSON_ENDINGS))


_PERSON_ENDINGS = ("keeper", "maker", "man", "woman", "person", "ist", "ian", "ologist", "holder", "owner",
                   "or", "eer", "ant", "ent", "worker", "teacher", "farmer", "driver", "player", "singer",
                   "writer", "member", "nurse", "captain", "skipper", "trader", "leader", "officer")


def word_span(doc: Doc, i: int) -> tuple[int, int]:
    """The tokens [lo, hi) of the word as written (between spaces) that holds token i, without
    the punctuation at its edges: "64-year-old", "co-author", "O'Neill"."""
    lo = hi = i
    while lo > 0 and not doc[lo - 1].whitespace_ and not doc[lo - 1].is_space and doc[lo - 1].text not in _EDGES:
        lo -= 1
    while hi + 1 < len(doc) and not doc[hi].whitespace_ and not doc[hi + 1].is_space and doc[hi + 1].text not in _EDGES:
        hi += 1
    while lo < i and doc[lo].is_punct:
        lo += 1
    while hi > i and doc[hi].is_punct:
        hi -= 1
    return lo, hi + 1


_EDGES = frozenset('"“”‘’,;:()[]—–…!?')


def name_words(tokens: list[Token]) -> tuple[list[Token], str | None]:
    """Drop leading honorifics, titles and job words and trailing letters ("KC") from a name;
    report the gender an honorific implies."""
    gender = None
    titles = [k for k, t in enumerate(tokens[:-1]) if is_title_word(t)]
    if titles and all(t.pos_ in ("PROPN", "NOUN", "ADJ", "PUNCT", "ADP", "DET") for t in tokens[: titles[-1]]):
        tokens = tokens[titles[-1]:]  # "State Energy Minister Ann Cole", "member for housing Cllr Ann Cole"
    while len(tokens) > 1 and (is_title_word(tokens[0]) or tokens[0].is_punct or tokens[0].is_lower and tokens[0].is_alpha):
        gender = gender or HONORIFICS.get(fold(tokens[0].text).rstrip("."))
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct or tokens[-1].text in ("'s", "’s")
                      or len(tokens) > 2 and fold(tokens[-1].text).replace(".", "") in POST_NOMINALS):
        tokens = tokens[:-1]
    return tokens, gender


def is_title_word(tok: Token) -> bool:
    """A title, rank, role or job word ("Cllr", "Superintendent", "chief", "goaltender")."""
    word = fold(tok.text).rstrip(".")
    return word in HONORIFICS or word in ROLE_NOUNS or word in POST_NOMINALS or word in _SPORTS_ROLES


_SPORTS_ROLES = frozenset("""
catcher pitcher closer shortstop goalkeeper keeper striker midfielder defender winger forward
captain skipper netminder goaltender goalie batsman batter bowler jockey trainer driver rider
""".split())


def written(tokens: list[Token]) -> str:
    """Tokens as the text writes them (hyphens and apostrophes unspaced: "Ban Ki-moon")."""
    if not tokens:
        return ""
    return " ".join(tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text.split())


# Lower-case particles inside a name: "Owain ap Rhys", "Ana ní Bhriain", "Kees van der Berg".
PARTICLES = frozenset("ap ab ní nic bin binti ibn van von der den ter de da dos di du della".split())


def is_particle(doc: Doc, j: int) -> bool:
    """Token j is a particle between two capitalised words of one name."""
    return (doc[j].lower_ in PARTICLES and doc[j].is_lower and 0 < j < len(doc) - 1
            and doc[j - 1].is_title and doc[j + 1].is_title and doc[j + 1].pos_ == "PROPN"
            and doc[j + 1].ent_type_ not in ("GPE", "LOC", "FAC"))


# Last words that make a name a firm's, never a surname: "Brightwell Mobility", "Redgum Energy".
FIRM_WORDS = frozenset("""
company group trust agency ministry department committee union association society foundation
network institute authority commission energy mobility foods ltd plc inc llc corp
holdings partners capital industries logistics systems solutions technologies motors airlines
airways properties pharmaceuticals insurance telecom construction engineering aggregates
minerals mining resources ventures brewery
""".split())


def is_firm_name(ent: Span) -> bool:
    """A PERSON entity of the NER's that is an organisation's name by its last word."""
    return ent.label_ == "PERSON" and len(ent) >= 2 and fold(ent[-1].text) in FIRM_WORDS


def dateline_tokens(doc: Doc) -> set[int]:
    """Tokens of a dateline opening a paragraph ("KINGSTON, Ont. — ..."): a place in capitals,
    up to the dash; never a person."""
    out: set[int] = set()
    if not len(doc):
        return out
    spaces = doc.to_array("IS_SPACE")[:-1]  # (a Token object per token cost more than the rule)
    for p in [0] + [i + 1 for i in spaces.nonzero()[0].tolist() if "\n" in doc[i].text]:
        if doc[p].is_upper and len(doc[p].text) >= 2:
            for q in range(p + 1, min(len(doc), p + 8)):
                if doc[q].text in ("—", "–", "--"):
                    out.update(range(p, q))
                    break
    return out
