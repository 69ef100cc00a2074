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


# -- conversations -------------------------------------------------------------------------------


def test_a_quote_after_a_sentence_naming_who_acts_is_theirs(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "“This contract was never put out to tender,” Cllr Wendell Oakes said.\n\n"
        "Cllr Priya Hallworth interrupted. “It was tendered twice, and nobody else bid.”"
    )
    assert quote(text, nlp, "It was tendered").speaker == "Priya Hallworth"


def test_untagged_turns_of_an_exchange_alternate(nlp):
    text = (
        "The harbour board met on Thursday to discuss the dredging contract.\n\n"
        "“This contract was never put out to tender,” Cllr Wendell Oakes said.\n\n"
        "“It was tendered twice, and nobody else bid,” Cllr Priya Hallworth replied.\n\n"
        "“Then the tender was written for one firm.”\n\n"
        "“That is simply not true, and you know it.”"
    )
    assert quote(text, nlp, "Then the tender").speaker == "Wendell Oakes"
    assert quote(text, nlp, "That is simply").speaker == "Priya Hallworth"


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
        "Questioned by counsel Fenella Brightwater, Augustin Morrow said the steel had been "
        "tested.\n\n"
        "“You were told about the cracks in 2019, were you not?” Ms Brightwater asked.\n\n"
        "“I was.”\n\n"
        "“And you signed the certificate anyway.”\n\n"
        "“I signed it on the advice of the inspectors.”"
    )
    assert quote(text, nlp, "I was").speaker == "Augustin Morrow"
    assert quote(text, nlp, "And you signed").speaker == "Fenella Brightwater"
    assert quote(text, nlp, "I signed it").speaker == "Augustin Morrow"


def test_a_quote_whose_speaker_the_next_paragraph_names_with_that_was(nlp):
    text = (
        "Queues at the ferry port stretched for miles on Friday.\n\n"
        "“We have been sitting here since six and nobody has told us anything at all.”\n\n"
        "That was Imelda Strand, 64, who was trying to reach her sister's funeral."
    )
    assert quote(text, nlp, "We have been").speaker == "Imelda Strand"


def test_a_colon_after_a_sentence_with_no_speech_verb_gives_its_subject(nlp):
    text = (
        "The two founders still argue about the name.\n\n"
        "Maelle Corbin ran out of words. Tamsin Reyes finished it for her: “We keep going.”"
    )
    assert quote(text, nlp, "We keep").speaker == "Tamsin Reyes"


def test_the_turn_after_a_reply_goes_back_to_who_was_answered(nlp):
    text = (
        "Parents filled the hall for the school board meeting on Monday.\n\n"
        "Board chair Osgood Trevelyan reminded speakers of the time limit. “Sir, your time is up,” "
        "he told Lorcan Beale when he went on past three minutes.\n\n"
        "“Then take the minutes from my son's bus,” Beale replied, to applause.\n\n"
        "“Thank you. Next speaker, please.”"
    )
    assert quote(text, nlp, "Thank you").speaker == "Osgood Trevelyan"


def test_after_an_exchange_the_witness_is_who_answered_last(nlp):
    text = (
        "A pensioner told a jury on Tuesday how her savings disappeared.\n\n"
        "Questioned by Fenella Brightwater KC, prosecuting, Mrs Agnes Morrow said the defendant had "
        "visited her every week.\n\n"
        "“How often did he call on you?” Ms Brightwater asked.\n\n"
        "“Every Friday. He said he would do my shopping.”\n\n"
        "“Did you give him your bank card?”\n\n"
        "“Yes. I trusted him.”\n\n"
        "The witness said she had known the family for years. “He was like a grandson to me,” she "
        "told the court."
    )
    assert quote(text, nlp, "He was like").speaker == "Agnes Morrow"


# -- pronouns ------------------------------------------------------------------------------------


def test_he_after_a_sentence_about_an_unnamed_man_is_that_man(nlp):
    text = (
        "Parents filled the library for the road safety evening on Wednesday.\n\n"
        "“The crossing is in next year's plan,” said Gideon Farrant, the county's highways "
        "engineer.\n\n"
        "A retired teacher, who declined to give his name, stood and faced Mr Farrant. “You "
        "promised us that crossing three years ago,” he said."
    )
    assert quote(text, nlp, "You promised").speaker == "A retired teacher"


def test_the_age_said_that_the_tagger_reads_as_a_noun_is_a_cue(nlp):
    text = (
        "The village shop reopened on Saturday after the flood.\n\n"
        "Orla Quennell, 58, has run the shop for thirty years.\n\n"
        "“Who would have believed it?” the 58-year-old said, smiling behind the counter."
    )
    q = quote(text, nlp, "Who would")
    assert (q.speaker, q.cue) == ("Orla Quennell", "said")


def test_she_after_a_sentence_about_her_goal_is_the_scorer(nlp):
    text = (
        "Annaghmore won the county final on Sunday.\n\n"
        "Ava Mulcahy scored twice for the winners.\n\n"
        "Full-back Nora Quigg was booked in the first half. Quigg’s injury is not serious.\n\n"
        "Mulcahy’s second goal, a chip from the wing, will be remembered for years. Asked "
        "whether she had meant it, she laughed. “Ask the goalkeeper,” she said."
    )
    assert quote(text, nlp, "Ask the").speaker == "Ava Mulcahy"


def test_he_after_a_sentence_about_someone_who_is_unnamed_is_that_person(nlp):
    text = (
        "Parents filled the library for the road safety evening on Wednesday.\n\n"
        "“The crossing is in next year's plan,” said Gideon Farrant, the county's highways "
        "engineer.\n\n"
        "A local plumber, who declined to give his name, stood and faced Mr Farrant. “You "
        "promised us that crossing three years ago,” he said."
    )
    assert quote(text, nlp, "You promised").speaker == "A local plumber"


def test_she_prefers_the_woman_over_a_person_whose_gender_is_not_given(nlp):
    text = (
        "Mrs Maura Kinsella ran the village school for thirty years.\n\n"
        "“She never let anyone off,” said her former deputy, Mrs Edel Farrelly.\n\n"
        "Mrs Kinsella was never one to back down. At one meeting, a councillor complained about "
        "the cost of the new roof. “Then cut your own expenses,” she replied."
    )
    assert quote(text, nlp, "Then cut").speaker == "Maura Kinsella"


def test_he_after_a_sentence_with_no_subject_is_the_man_it_names(nlp):
    text = (
        "Storm Ilse brought down power lines across the county overnight.\n\n"
        "“Stay away from fallen cables,” said Lorna Pike, who speaks for the power company.\n\n"
        "More now from Inspector Gavin Roe, who has been briefing reporters at the station. "
        "“Only travel if you really must,” he said."
    )
    assert quote(text, nlp, "Only travel").speaker == "Gavin Roe"


def test_one_of_them_with_a_name_is_that_person_for_a_later_he(nlp):
    text = (
        "A train has been stuck outside the station since nine o'clock.\n\n"
        "“We are working to move it,” said Colm Berry, who speaks for the rail company.\n\n"
        "One of them, Tomasz Wilk, posted on Facebook that they had not moved for hours. “The "
        "driver keeps saying sorry, but nobody tells him anything either,” he wrote."
    )
    assert quote(text, nlp, "The driver").speaker == "Tomasz Wilk"


# -- the name beside a description ----------------------------------------------------------------


def test_the_name_after_a_description_with_a_firm_is_the_speaker(nlp):
    text = (
        "A Lagos start-up has raised $9 million.\n\n"
        "A partner at Kestrel Ridge Capital, Ms Joan Abara-Lowe, said the firm had tracked the "
        "company for two years. “They never wasted money,” she said."
    )
    assert quote(text, nlp, "the firm had").speaker == "Joan Abara-Lowe"
    assert quote(text, nlp, "They never").speaker == "Joan Abara-Lowe"


def test_a_colon_after_a_name_with_no_verb_gives_that_name(nlp):
    text = (
        "The marathon went ahead in sunshine.\n\n"
        "09:10 Race director Ciara Molloy said the course was ready.\n\n"
        "14:02 Ciara Molloy again, looking back on the day: “No injuries, a record and dry "
        "weather. I am going to bed.”"
    )
    assert quote(text, nlp, "No injuries").speaker == "Ciara Molloy"


def test_a_live_blog_reader_named_after_a_dash_is_the_speaker(nlp):
    text = (
        "The marathon went ahead in sunshine.\n\n"
        "12:34 Lovely messages from the crowd. “Ran my first half marathon at 70 and loved every "
        "step.” — Sadhbh, Drumcondra\n\n"
        "14:02 Ciara Molloy, looking back on the day: “No injuries, a record and dry weather. I am "
        "going to bed.”"
    )
    assert quote(text, nlp, "Ran my first").speaker == "Sadhbh"
    q = quote(text, nlp, "No injuries")
    assert (q.speaker, q.speaker_mention) == ("Ciara Molloy", "Ciara Molloy")
