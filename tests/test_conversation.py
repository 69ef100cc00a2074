"""Attribution across sentences and paragraphs: cues after a quote, conversations, running
speakers, pronouns with two people of one gender in view.

Small hand-written articles (never eval text); the session `nlp` fixture loads the pipeline once.
"""
from __future__ import annotations

import pytest

from quotes.extract import extract


def quote(text, nlp, beginning):
    found = [q for q in extract(text, nlp=nlp) if q.text.startswith(beginning)]
    assert len(found) == 1, [(q.kind, q.speaker, q.text) for q in extract(text, nlp=nlp)]
    return found[0]


def test_a_cue_opening_a_long_sentence_after_a_question_attributes_it(nlp):
    text = (
        "The village shop reopened on Saturday after the flood.\n\n"
        "Ottoline Quennell, 58, has run the shop for thirty years.\n\n"
        "“Can you credit it?” Quennell said, wiping the shelves one more time on a grey Saturday "
        "morning in March.\n\n"
        "Her neighbour, Dermot Ashe, 71, was among the first customers."
    )
    assert quote(text, nlp, "Can you").speaker == "Ottoline Quennell"


# -- conversations -------------------------------------------------------------------------------


def test_a_quote_after_a_sentence_naming_who_acts_is_theirs(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "“This contract was never put out to tender,” Cllr Wendell Oakes said.\n\n"
        "Cllr Sunniva Hallworth interrupted. “It was tendered twice, and nobody else bid.”"
    )
    assert quote(text, nlp, "It was tendered").speaker == "Sunniva Hallworth"


def test_untagged_turns_of_an_exchange_alternate(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "“This contract was never put out to tender,” Cllr Wendell Oakes said.\n\n"
        "“It was tendered twice, and nobody else bid,” Cllr Sunniva Hallworth replied.\n\n"
        "“Then the tender was written for one firm.”\n\n"
        "“That is simply not true, and you know it.”"
    )
    assert quote(text, nlp, "Then the tender").speaker == "Wendell Oakes"
    assert quote(text, nlp, "That is simply").speaker == "Sunniva Hallworth"


def test_a_quote_paragraph_after_one_speaker_continues_them(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "Cllr Wendell Oakes, who chairs the audit panel, said the paperwork was incomplete.\n\n"
        "“This contract was never put out to tender,” he said.\n\n"
        "“I have asked for the minutes of every meeting since March.”"
    )
    assert quote(text, nlp, "I have asked").speaker == "Wendell Oakes"


def test_a_turn_after_an_answer_goes_back_to_who_asked(nlp):
    text = (
        "The inquiry into the bridge collapse heard from its designer on Monday.\n\n"
        "Questioned by counsel Fenella Brightcombe, Augustin Morrow said the steel had been "
        "tested.\n\n"
        "“You were told about the cracks in 2019, were you not?” Ms Brightcombe asked.\n\n"
        "“I was.”\n\n"
        "“And you signed the certificate anyway.”\n\n"
        "“I signed it on the advice of the inspectors.”"
    )
    assert quote(text, nlp, "I was").speaker == "Augustin Morrow"
    assert quote(text, nlp, "And you signed").speaker == "Fenella Brightcombe"
    assert quote(text, nlp, "I signed it").speaker == "Augustin Morrow"


def test_a_quote_whose_speaker_the_next_paragraph_names_with_that_was(nlp):
    text = (
        "Queues at the ferry port stretched for miles on Friday.\n\n"
        "“We have been sitting here since six and nobody has told us anything at all.”\n\n"
        "That was Imelda Strandquist, 64, who was trying to reach her sister's funeral."
    )
    assert quote(text, nlp, "We have been").speaker == "Imelda Strandquist"


def test_a_colon_after_a_sentence_with_no_speech_verb_gives_its_subject(nlp):
    text = (
        "The two founders still argue about the name.\n\n"
        "Maelle Corbin went quiet. Tamsin Reyes completed the thought: “We never stop.”"
    )
    assert quote(text, nlp, "We never").speaker == "Tamsin Reyes"


@pytest.mark.parametrize("reply", ["Beale replied, to cheers", "Beale said, to cheers", "Beale shot back"])
def test_the_turn_after_a_reply_goes_back_to_who_was_answered(nlp, reply):
    text = (
        "The planning committee heard objections to the quarry on Thursday.\n\n"
        "Committee chair Osgood Trevelyan banged the gavel as the clock ran out. “That is four "
        "minutes, I am afraid,” he told Lorcan Beale, who kept reading.\n\n"
        f"“Then I will post the rest to every councillor,” {reply}.\n\n"
        "“Noted. Can we have the next objector?”"
    )
    assert quote(text, nlp, "Noted").speaker == "Osgood Trevelyan"


def test_after_an_exchange_the_witness_is_who_answered_last(nlp):
    text = (
        "A lorry driver told an employment tribunal on Thursday why he walked out of the depot.\n\n"
        "Questioned by Fenella Brightcombe, for the haulier, Mr Rufus Kettleby said his shifts had "
        "doubled in a year.\n\n"
        "“When did you last take a full weekend off?” Ms Brightcombe asked.\n\n"
        "“Easter. Before that, I could not tell you.”\n\n"
        "“And you never complained in writing?”\n\n"
        "“Twice. Both letters went in the bin.”\n\n"
        "The claimant said the depot manager had laughed at the second letter. “I drove home and "
        "cried in the cab,” he told the panel."
    )
    assert quote(text, nlp, "I drove").speaker == "Rufus Kettleby"


# -- pronouns ------------------------------------------------------------------------------------


def test_he_after_a_sentence_about_an_unnamed_man_is_that_man(nlp):
    text = (
        "Parents filled the library for the road safety evening on Wednesday.\n\n"
        "“The crossing is in next year's plan,” said Lucan Farrant, the county's highways "
        "engineer.\n\n"
        "A retired teacher, who would not be named, walked to the front and pointed at Mr Farrant. "
        "“Three winters we have waited for that crossing,” he said."
    )
    assert quote(text, nlp, "Three winters").speaker == "A retired teacher"


def test_the_age_said_that_the_tagger_reads_as_a_noun_is_a_cue(nlp):
    text = (
        "The village shop reopened on Saturday after the flood.\n\n"
        "Ottoline Quennell, 58, has run the shop for thirty years.\n\n"
        "“Can you credit it?” the 58-year-old said, wiping the shelves."
    )
    q = quote(text, nlp, "Can you")
    assert (q.speaker, q.cue) == ("Ottoline Quennell", "said")


def test_she_after_a_sentence_about_her_goal_is_the_scorer(nlp):
    text = (
        "Ashcombe Ladies took the hockey league title on Saturday.\n\n"
        "Oonagh Mulvenna scored both goals for the champions.\n\n"
        "Defender Nora Quigg limped off before the break. Quigg’s ankle is only bruised.\n\n"
        "Mulvenna’s late winner, a reverse-stick flick, had the crowd on its feet. Asked if it "
        "was planned, she only shrugged. “Put that down to luck,” she said."
    )
    assert quote(text, nlp, "Put that").speaker == "Oonagh Mulvenna"


def test_he_after_a_sentence_about_someone_who_is_unnamed_is_that_person(nlp):
    text = (
        "Parents filled the library for the road safety evening on Wednesday.\n\n"
        "“The crossing is in next year's plan,” said Lucan Farrant, the county's highways "
        "engineer.\n\n"
        "A local plumber, who asked not to be named, got up from the back row and waved a petition. "
        "“Four hundred names, and not one reply from the county,” he said."
    )
    assert quote(text, nlp, "Four hundred").speaker == "A local plumber"


def test_she_prefers_the_woman_over_a_person_whose_gender_is_not_given(nlp):
    text = (
        "Mrs Maura Ormsby conducted the town choir for three decades.\n\n"
        "“She never let a flat note pass,” said her former accompanist, Mrs Edel Farrelly.\n\n"
        "Mrs Ormsby gave no ground to anyone. During one rehearsal a churchwarden objected to "
        "the noise from the hall. “Then buy some earplugs,” she replied."
    )
    assert quote(text, nlp, "Then buy").speaker == "Maura Ormsby"


def test_he_after_a_sentence_with_no_subject_is_the_man_it_names(nlp):
    text = (
        "A warehouse fire sent smoke across the estate overnight.\n\n"
        "“Keep your windows shut until the smoke clears,” said Lorna Tewkes, who speaks for the fire service.\n\n"
        "Next, an update from Inspector Edmund Quarles, who has been talking to residents at the cordon. "
        "“The ring road stays closed until lunchtime,” he said."
    )
    assert quote(text, nlp, "The ring road").speaker == "Edmund Quarles"


def test_one_of_them_with_a_name_is_that_person_for_a_later_he(nlp):
    text = (
        "Hundreds of fans are locked outside the stadium after the gates jammed.\n\n"
        "“Engineers are on their way,” said Fiachra Dunlevy, who speaks for the club.\n\n"
        "One of them, Fergal Wilkens, messaged us to say the queue had not moved since the anthem. "
        "“The stewards are lovely but they know as little as we do,” he wrote."
    )
    assert quote(text, nlp, "The stewards").speaker == "Fergal Wilkens"


# -- the name beside a description ----------------------------------------------------------------


def test_the_name_after_a_description_with_a_firm_is_the_speaker(nlp):
    text = (
        "A family brewery has sold a minority stake to investors.\n\n"
        "An analyst at Kestrelmoor Partners, Ms Ottilie Abara-Lowe, said the bank had watched the "
        "brewer since 2021. “They paid every supplier on time,” she said."
    )
    assert quote(text, nlp, "the bank had").speaker == "Ottilie Abara-Lowe"
    assert quote(text, nlp, "They paid").speaker == "Ottilie Abara-Lowe"


def test_a_colon_after_a_name_with_no_verb_gives_that_name(nlp):
    text = (
        "The coastal bike ride set off under grey skies.\n\n"
        "08:45 Event director Ciara Molloy said every marshal was in place.\n\n"
        "16:30 Ciara Molloy again, summing up the day: “Not one crash and only two punctures. "
        "Somebody get me a sandwich.”"
    )
    assert quote(text, nlp, "Not one").speaker == "Ciara Molloy"


def test_a_live_blog_reader_named_after_a_dash_is_the_speaker(nlp):
    text = (
        "The coastal bike ride set off under grey skies.\n\n"
        "15:10 Your messages keep coming. “Did the whole loop on a borrowed bike and my legs have "
        "gone on strike.” — Róisín, Kilbrack\n\n"
        "16:30 Ciara Molloy, summing up the day: “Not one crash and only two punctures. "
        "Somebody get me a sandwich.”"
    )
    assert quote(text, nlp, "Did the whole").speaker == "Róisín"
    q = quote(text, nlp, "Not one")
    assert (q.speaker, q.speaker_mention) == ("Ciara Molloy", "Ciara Molloy")


def test_a_live_blog_reader_with_a_name_the_ner_misses_is_still_the_speaker(nlp):
    text = (
        "The coastal bike ride set off under grey skies.\n\n"
        "15:10 Your messages keep coming. “Did the whole loop on a borrowed bike and my legs have "
        "gone on strike.” — Caoimhín, Ballymorrow"
    )
    assert quote(text, nlp, "Did the whole").speaker == "Caoimhín"
