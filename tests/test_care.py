"""Unit tests of the care path's plain logic: hard answers, acknowledgements, word ratings, missing topics (no Rasa)."""

from __future__ import annotations

from typing import Optional

import pytest

from assistant import care, ratings, taketurns, topics
from assistant.care_cues import is_activity_request


@pytest.mark.parametrize("text, rating, heavy", [
    ("kind of a two, I felt a bit alone this afternoon", "2", True),
    ("not great honestly", None, True),
    ("tired and stressed from work", None, True),
    ("a four, it was lovely", "4", False),
    ("not lonely at all, you were wonderful", None, False),
    ("the tea you made me", None, False),
    ("one", "1", True),
    ("not much, we're all fine thanks", None, False),  # the plain no to "anything you need?"
    ("not really, all sorted here", None, False),
    ("not really to be honest", None, True),
    ("not great but i'm okay", None, True),
])
def test_heavy_answers(text: str, rating: Optional[str], heavy: bool) -> None:
    assert care.is_heavy(text, rating) is heavy


def test_acknowledgement_is_soft_after_a_hard_answer_and_never_twice() -> None:
    said: tuple = ()
    for answered in range(1, 5):
        line = care.acknowledgement(True, said, 0, answered)
        assert line in care.SOFT_LINES and line not in said
        said += (line,)
    assert care.acknowledgement(True, said, 0, 5) is None  # all soft lines used: quiet rather than a repeat
    assert care.acknowledgement(False, (), 0, 1) is None  # an ordinary answer needs no word: never a tic


@pytest.mark.parametrize("text, rating", [
    ("really close, best day in ages", "5"),
    ("pretty close", "4"),
    ("somewhere in between", "3"),
    ("a bit distant today", "2"),
    ("not very close", "2"),
    ("miles apart", "1"),
    ("the tea you made", None),
])
def test_word_ratings(text: str, rating: Optional[str]) -> None:
    assert ratings.word_rating(text) == rating


def test_a_disclosure_inside_an_answer_must_be_sure() -> None:
    unsure = {"intent": {"name": "disclose_distress", "confidence": 0.6}}
    assert care.is_disclosure(unsure)
    assert not care.is_disclosure(unsure, in_answer=True)
    assert care.is_disclosure({"text": "i feel so alone and scared", "intent": {"name": "disclose_distress",
                                                                                "confidence": 0.9}}, in_answer=True)


@pytest.mark.parametrize("text, cue", [
    ("he hit me", True), ("hit me up tomorrow", False), ("i don't feel safe at home", True),
    ("it's not safe to drive in this", False), ("i'm scared of spiders", False), ("they threatened me", True),
    ("i nearly killed myself laughing", False), ("i've been cutting myself", True),
    ("they kicked me out of bed last night and i'm frightened", True), ("you'd never hurt me", False),
    ("i'm scared of what they'll say when they get home", True), ("that ghost story scared me silly", False),
    ("i tiptoe around their moods, i'm frightened", True), ("i'm frightened of heights", False),
    ("they read all my texts and won't let me see my sister", True), ("i read all my texts in the morning", False),
    ("they get nasty until i agree", True), ("i agree until we get to the pudding", False),
    ("i don't think i can keep going", True), ("the deadline pressure is brutal", False),
    ("i couldn't say no to another slice of cake", False), ("i can't ever say no to them", True),
    ("a poor day, a one i'm afraid", False), ("i feel trapped in this marriage", True),
    ("i feel trapped in this job", False), ("that was so awkward i wanted to disappear", False),
    ("we'd like to talk about feeling pressured into things", False), ("i want to talk about how they hit me", True),
    ("im not safe here", True), ("i dont think i can go on", True), ("she wont let me out of the flat", True),
    ("i scratched my wrists raw on purpose last night", True), ("i cut my hair really short on purpose", False),
    ("i keep hitting my legs on purpose when it gets bad", True), ("i burnt the toast on purpose so you'd cook", False),
    ("some nights i just want to die", True), ("i wanted to die of embarrassment at the party", False),
    ("i wished i could simply die, it was that bad", True), ("i'm dying to know what you said", False),
    ("i've been cutting again and hiding it", True), ("i started cutting back on sugar", False),
    ("we keep cutting corners on the decorating", False),
    ("he causes me so much pain", True), ("the pain she caused me", True), ("my back gives me pain", False),
    ("can we talk about living with chronic pain", False), ("she gave me painkillers for my head", False),
    ("she makes it hurt on purpose", True), ("he made it hurt and didn't stop", True),
    ("she makes it hurt less when she goes slow", False), ("my knee makes it hurt to walk", False),
])
def test_distress_cues(text: str, cue: bool) -> None:
    assert care.has_distress_cue(text) is cue


@pytest.mark.parametrize("text, intimate, cue", [
    ("honestly i didn't want to", True, True), ("i didn't want it to finish", True, False),
    ("i just gave in so they'd be happy", True, True), ("i gave in and had the dessert", False, False),
    ("i kind of zoned out and waited for it to be over", True, True), ("i felt used", True, True),
    ("it hurt and i wanted to stop", True, True), ("is it normal that it hurts during sex", False, False),
    ("sometimes in bed i just go along with it", False, True), ("we went along with the plan", False, False),
    ("i was scared the whole time", True, True), ("i'm scared to ask for what i like in bed", False, False),
    ("i didnt want to", True, True), ("amazing, i didnt want to stop", True, False),
    ("i flinched every time", True, True), ("i shut my eyes and waited", True, True), ("no should mean no", True, False),
    ("next time maybe no meant no", True, True), ("we both froze when the dog barked", True, False),
    ("sorry i zoned out, what was the question", True, False), ("my calf cramped and it hurt", True, False),
])
def test_consent_cues_tell_only_about_intimacy(text: str, intimate: bool, cue: bool) -> None:
    """Not wanting it, giving in, freezing: a disclosure after intimacy or where intimacy is named, never otherwise."""
    assert (care.has_distress_cue(text) or care.has_consent_cue(text, intimate)) is cue


def test_the_question_makes_a_disclosure() -> None:
    """The same words answer "how was that for you?" as a disclosure and a bedtime question as an answer."""
    said = {"text": "i didn't really want to, honestly", "intent": {"name": "inform", "confidence": 0.9}}
    assert care.is_disclosure(said, in_answer=True, intimate=True)
    assert not care.is_disclosure(said, in_answer=True, intimate=False)


def test_an_answer_needs_the_second_opinion_when_the_classifier_alone_tells() -> None:
    """A sure classifier is not enough inside an answer if the words-only opinion is against it; a cue is."""
    sure = {"name": "disclose_distress", "confidence": 0.97}
    assert not care.is_disclosure({"text": "he aced his exam", "intent": sure, "care_opinion": 0.2}, in_answer=True)
    assert care.is_disclosure({"text": "he aced his exam", "intent": sure, "care_opinion": 0.5})  # addressed
    assert not care.is_disclosure({"text": "he aced his exam", "intent": sure, "care_opinion": 0.2})  # clearly not
    assert care.is_disclosure({"text": "he threatened me", "intent": sure, "care_opinion": 0.2}, in_answer=True)
    assert care.is_disclosure({"text": "i feel so small", "intent": sure, "care_opinion": 0.9}, in_answer=True)


def test_an_answer_believes_a_sure_classifier_without_any_particular_word() -> None:
    sure = {"intent": {"name": "disclose_distress", "confidence": 0.95}}
    unsure = {"intent": {"name": "disclose_distress", "confidence": 0.4}}
    assert care.is_disclosure({**sure, "text": "i kind of felt i owed them, so i went quiet"}, in_answer=True)
    assert not care.is_disclosure({**unsure, "text": "i kind of felt i owed them, so i went quiet"}, in_answer=True)
    assert care.is_disclosure({**unsure, "text": "i kind of felt i owed them, so i went quiet"})  # addressed


@pytest.mark.parametrize("text, cue", [
    ("they didn't lose their temper all week", True), ("she didn't shout at the referee for once", False),
    ("he tracked my phone all weekend", True), ("they handed me my own wages back for once", True),
    ("my no never counts for much with them", True), ("it's quicker to give in than face the sulking", True),
    ("they give me the silent treatment whenever i say not tonight", True), ("i'm scared of robin lately", True),
    ("i'm scared of heights lately", False), ("i've written a letter tonight, for my family", True),
    ("my knees are still shaking, what a night", False), ("i do whatever she says so she stays calm", True),
    ("i'm too scared to say anything with him listening", True), ("i felt more afraid than loved", True),
    ("please stop squeezing my wrist", True), ("i keep thinking about stepping in front of a train", True),
    ("she says i'd lose my residency the day i left her", True), ("i'll lose my visa if i switch employers", False),
    ("he said i would never see our daughter again", True), ("i read up on how many tablets it would take", True),
    ("i need them to hand back my passport", True), ("i got everything right so he didn't kick off", True),
    ("i'm terrified of that wasp, ha", False), ("a wasp landed on me and i was terrified", False),
    ("she noticed i was tired and didn't push me to talk", False), ("he didn't shout at me tonight", True),
])
def test_distress_told_sideways(text: str, cue: bool) -> None:
    """Harm that didn't happen as good news, one's own things as a favour, a no that counts for nothing."""
    assert care.has_distress_cue(text) is cue


@pytest.mark.parametrize("text, asked, cue", [
    ("the afternoon she went to work, i could finally breathe", "appreciated", True),
    ("the afternoon she went to work, i could finally breathe", "connected", False),
    ("a night away from him", "enjoyable", True), ("that you made me laugh", "appreciated", False),
    ("honestly, an escape", "tomorrow", True), ("somewhere to hide", "tomorrow", True),
    ("to escape the office for an hour", "tomorrow", False), ("a lie in and a long walk", "tomorrow", False),
])
def test_what_was_asked_changes_what_an_answer_tells(text: str, asked: str, cue: bool) -> None:
    """Relief at a partner's absence, asked what they enjoyed; a way out, asked what they need."""
    said = {"text": text, "intent": {"name": "inform", "confidence": 0.9}}
    assert care.is_disclosure(said, in_answer=True, asked=asked) is cue


@pytest.mark.parametrize("text", [
    "i'd kill for a bath after today", "i'm bricking it about the dentist", "my hangover is killing me",
    "you nearly gave me a heart attack", "i'm dreading that a bit", "can i do mine now, she's asleep",
])
def test_hyperbole_and_plain_asks_are_ordinary(text: str) -> None:
    """A sure classifier gives way on everyday hyperbole and an ask: nothing there tells of distress."""
    assert care.is_ordinary(text)
    assert not care.is_disclosure({"text": text, "intent": {"name": "disclose_distress", "confidence": 0.99}})


@pytest.mark.parametrize("text, ask", [
    ("my cold is awful so keep it brief", True), ("start the check-in anyway", True),
    ("i can't see any way through this", False), ("i've got nobody to tell", False),
])
def test_ordinary_asks(text: str, ask: bool) -> None:
    assert is_activity_request(text) is ask


@pytest.mark.parametrize("text, missing", [
    ("give us a question about money", "money"),
    ("can we do one on the in-laws please", "in-laws"),
    ("a question about us", None),
    ("something about desire", None),
    ("give us a conversation starter", None),
])
def test_missing_subject(text: str, missing: Optional[str]) -> None:
    assert topics.missing_subject(text) == missing


def test_a_missing_topic_is_named_with_what_there_is_and_the_nearest() -> None:
    assert topics.nearest_to(topics.lacking("money") or "") == "mutuality" and topics.lacking("kissing") is None
    line = topics.not_in_library("money", "mutuality")
    assert "money" in line and "appreciation" in line and "mutuality" in line


@pytest.mark.parametrize("text, control", [
    ("pause", "pause"), ("companion wait a moment", "pause"), ("go on please", "resume"), ("more time", "more_time"),
    ("stop", "stop"), ("i'd like us to wait a moment before we kiss", None), ("keep going with the kissing", None),
    ("maybe we could continue this tomorrow", None),
])
def test_take_turns_controls_are_whole_utterances(text: str, control: Optional[str]) -> None:
    assert taketurns.control(text) == control


def test_the_helpline_setting_is_checked(tmp_path) -> None:
    from assistant import settings
    from assistant.errors import ConfigError

    config = tmp_path / "config.yml"
    config.write_text('care:\n  helpline: "Call 0800 111 222, any time."\n', encoding="utf-8")
    assert settings.load(config).care.helpline == "Call 0800 111 222, any time."
    assert settings.load(tmp_path / "none.yml").care.helpline == settings.DEFAULT_HELPLINE
    config.write_text('care:\n  helpline: ""\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="care.helpline"):
        settings.load(config)


def test_the_second_opinion_reads_words_of_content_and_themes() -> None:
    """"i", "i'm" and "to" are no evidence alone (the training data tells disclosures in the first person far more
    than anything else); they count in a pair beside a word of content. The themes a line is told in are terms of
    their own, alone and two by two."""
    from assistant.dialogue.care_opinion import terms

    said = terms("I'm not sure, I cried in the car so nobody would see")
    assert "i'm" not in said and "i" not in said and "so" not in said
    assert "i cried" in said and "cried" in said and "in the" not in said
    assert "#crying" in said and "#hiding" in said and "#hiding#crying" in said
    assert not [t for t in terms("I need to get it done or I'm late") if t.startswith("#")]


@pytest.mark.parametrize("text, cue", [
    # harm in other words, and the everyday lines that share them
    ("last night the row turned physical and my wrist is swollen", True), ("we got physical at the climbing wall", False),
    ("she laid a hand on me in the kitchen", True), ("his hands were round my throat", True),
    ("if i get it wrong there'll be hell to pay tonight", True), ("there'll be trouble at work if the order is late", False),
    ("i'll be in trouble with my manager if i'm late", False), ("saying no would cost me, it isn't worth what follows later", True),
    ("if i turn them down i pay for it for days", True), ("we'll pay for it tomorrow after all that wine", False),
    ("whenever i refused they'd go cold for a week", True), ("i refuse to watch that film again", False),
    # watching moods; harm from long ago; sex without a yes; a crisis as a plan or a means
    ("i sat there working out which mood he'd walk in with", True), ("i'm bracing myself around her temper", True),
    ("i was bracing myself for the exam results", False), ("tonight brought back what my uncle did to me", True),
    ("i keep having flashbacks since the party", True), ("i was passed out when it began", True),
    ("i was asleep when the film started", False), ("i can't remember saying yes to any of it", True),
    ("he filmed us and won't delete the video", True), ("we filmed it for grandma's birthday", False),
    ("i've been planning how i'd do it", True), ("i've been thinking about how i'd do it differently", False),
    ("i took the whole packet of tablets last week", True), ("i just want to not wake up", True),
    ("i need to not wake up at five again", False), ("could you find me a crisis line", True),
    ("i hid the knives from myself last night", True), ("i'm in a frightening place mentally", True),
    # relief that nothing was slammed; one's own things held back; a stop carried on past; marks; home not okay
    ("grateful nothing got thrown this evening", True), ("relieved the kids weren't screaming for once", False),
    ("she kept my wallet again so i can't go out", True), ("he took my phone to fix the screen", False),
    ("every time i ask him to stop he just carries on", True), ("when i ask them to stop teasing me they laugh", False),
    ("the way she holds my arms leaves bruises", True), ("these boots leave marks on my heels", False),
    ("things aren't safe at home right now", True), ("things aren't okay at home, the boiler died", False),
])
def test_care9_distress_told_in_other_words(text: str, cue: bool) -> None:
    """care9: kinds of disclosure the answer path missed (physical harm not named, a cost of saying no, watching moods,
    harm long ago, sex without a yes, a crisis as a plan), each beside the everyday line that shares its words."""
    assert care.has_distress_cue(text) is cue


@pytest.mark.parametrize("text, intimate, cue", [
    ("i said i was exhausted and they did it anyway", True, True), ("i said i'd cook and they did it anyway", False, False),
    ("i just lay there till he was finished", True, True), ("i wish i was allowed to not be in the mood", True, True),
    ("i wanted it to be okay when i say not tonight", True, True), ("i didn't even get a say", True, True),
    ("it's never up to me", True, True), ("i was fighting back tears", True, True),
    ("we laughed so much i was fighting back tears", False, False),
])
def test_care9_consent_told_in_other_words(text: str, intimate: bool, cue: bool) -> None:
    """care9: after intimacy, a no overridden, lying still until it ended, no room to refuse, tears held back."""
    assert (care.has_distress_cue(text) or care.has_consent_cue(text, intimate)) is cue


@pytest.mark.parametrize("text", [
    "i teared up at the old dog rescue advert", "i was panicking before the interview all morning",
    "i got through the flight without freaking out", "they were fine when i said no to the cinema",
])
def test_care9_everyday_tears_panic_and_a_kind_no_are_ordinary(text: str) -> None:
    assert not care.has_distress_cue(text)
    assert care.is_ordinary(text) or "said no" in text


@pytest.mark.parametrize("text, cue", [
    ("i won't answer properly with him sitting right there", True), ("i can't say with them here, it's a surprise", False),
    ("i'm too shy to say with her listening", False), ("i'll give the score that keeps things calm", True),
    ("i'm not allowed to give anything lower than a four", True), ("i drove round the block so i wouldn't have to go home", True),
    ("avoiding going home in the rush hour traffic", False),
])
def test_care9_an_answer_held_back_or_home_avoided(text: str, cue: bool) -> None:
    assert care.has_distress_cue(text) is cue


@pytest.mark.parametrize("text, ordinary", [
    ("i was a bit tense at first but it felt really good", True), ("shy, it's been ages, but it was lovely", True),
    ("it was fine i guess", False), ("i felt small all evening but it is what it is", False),
])
def test_care9_a_good_close_settles_a_worry(text: str, ordinary: bool) -> None:
    """A classifier-only disclosure gives way when the answer ends well; a shrug ("it was fine i guess") does not."""
    assert care.is_ordinary(text) is ordinary


@pytest.mark.parametrize("text, ordinary", [
    ("the bit where she couldn't stop grinning at the cake", True), ("we danced till late and never wanted it to stop", True),
    ("i felt properly cherished tonight", True), ("the massage, it was over far too fast", True),
    ("he wouldn't stop laughing at me in front of them", False), ("i haven't felt wanted in a long time", False),
    ("we were fine but then he didn't want to stop", False), ("i felt so loved until the shouting started", False),
    ("it was over too quickly and it hurt", False),
])
def test_gladness_with_a_word_of_stopping_is_ordinary(text: str, ordinary: bool) -> None:
    """A sure classifier leaning on "stop" or "over" gives way to gladness said outright, not to gladness turned or
    denied."""
    assert care.is_ordinary(text) is ordinary


@pytest.mark.parametrize("text, ordinary", [
    ("you kept whispering please don't stop", True), ("i was saying keep going the whole time", True),
    ("i wanted tonight to last for hours", True), ("wobbly legs after, good wobbly", True),
    ("we were laughing so much, it was perfect", True), ("honestly i didn't want to stop", True),
    ("being told to stop apologising for once", True), ("so tired, i'd love to pause for a weekend", True),
    ("he said don't stop even though i was crying", False), ("he says it was perfect and i should be grateful", False),
    ("i didn't want it to go on", False), ("he tells me to stop overreacting", False),
    ("it was perfect until he grabbed my wrist", False),
])
def test_wanting_more_or_eased_is_ordinary(text: str, ordinary: bool) -> None:
    """A classifier-only disclosure gives way to wanting it to go on, praise said outright, or being eased, said by or
    to the partners themselves; not to words of a third person's, turned, denied or reported."""
    assert care.is_ordinary(text) is ordinary


@pytest.mark.parametrize("text, ordinary", [
    ("snowed under with marking all week", True), ("i'd like one evening where no one wants anything from me", True),
    ("just getting through the appraisal without going red", True), ("help moving the sofa, my knee is bad", True),
    ("you always checking what i liked", False), ("you checked in on what i wanted, which was lovely", True),
    ("not having to rush off to work after", True), ("you never make me feel daft for crying at adverts", True),
    ("i do all of it without being thanked", False), ("the washing up done without being asked", True),
    ("shout stop if anything feels off", True), ("finishing the day with a cuddle on the sofa", True),
    ("help getting away from him", False), ("not having to pretend for her sake", False),
    ("that you didn't rush me when i got shy", True), ("at least you didn't push me when i said no", False),
    ("nervous at the start but the rest of it was lovely", True),
])
def test_everyday_loads_kindnesses_and_wishes_are_ordinary(text: str, ordinary: bool) -> None:
    """Everyday loads, help with a chore, kindnesses and wishes in a disclosure's words are ordinary; help to get away
    or pretending for someone is not."""
    assert care.is_ordinary(text) is ordinary


@pytest.mark.parametrize("text, cue", [
    ("i want it all to stop", True), ("i just want everything to stop for a day, work is mad", False),
])
def test_a_pause_for_a_day_is_no_wish_for_it_all_to_end(text: str, cue: bool) -> None:
    """Wanting everything to stop is a cue; wanting it to stop for a day is a break."""
    assert care.has_distress_cue(text) is cue
