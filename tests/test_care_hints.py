"""care10: disclosures told by a hint, and everyday lines with the same words (plain rules, no Rasa)."""

from __future__ import annotations

import pytest

from assistant import care


@pytest.mark.parametrize("text", [
    "she phones constantly asking where i've been",
    "i'm made to send a selfie to show who i'm with",
    "i had to keep my location on or else",
    "i wear a polo neck even when it's boiling so nobody asks",
    "i told the nurse i slipped in the shower",
    "the bruises on my leg weren't actually from football",
    "there's a chest of drawers pushed against the door every night",
    "i sob into a towel so he can't hear me",
    "i agreed just to avoid another blow-up",
    "it isn't worth the sulking when i say no",
    "i held my tongue all night so it stayed peaceful",
    "we had a good evening, i didn't get yelled at once",
    "four, that's what i'm expected to say",
    "i doubt i'll still be around next month",
    "i sat on the cliff edge thinking for ages",
    "someone who'll believe me",
    "i have to hand over my wages every friday",
    "she's cut me off from all my friends",
    "there's a voice that keeps telling me to jump",
    "the kids would manage fine without me",
    "what's the point of getting up",
    "my stomach knots up when i hear his car",
    "the split lip was from the row on sunday, he didn't mean it",
])
def test_a_hint_is_a_distress_cue(text: str) -> None:
    assert care.has_distress_cue(text)


@pytest.mark.parametrize("text", [
    "my mum asks where i am every time i'm late, she worries",
    "i wear long sleeves in the office, the air con is brutal",
    "i told my mum i tripped on the stairs at the party, so embarrassing",
    "we stood on the bridge for ages watching the fireworks",
    "i kept quiet so the baby stayed asleep",
    "i'm not sure i'll make it to the gym by the weekend",
    "my boss pushed me into chairing the meeting",
])
def test_everyday_lines_with_a_hint_s_words_are_no_cue(text: str) -> None:
    assert not care.has_distress_cue(text)


@pytest.mark.parametrize("text", [
    "i'm ratty because the baby was teething all night",
    "the team roped me into organising the raffle",
    "i never say no to cheese, it's a weakness",
    "i don't see the point of ironing sheets",
    "we gave the old sofa to the charity shop",
    "i stayed in the car to hear the end of the match",
    "feeling a bit glum, it's the dark evenings",
    "i'll go round the bend if the builders start drilling again",
    "this commute is killing me",
    "i could murder a curry",
    "we need permission from the landlord for a cat",
])
def test_a_mood_or_pressure_with_an_everyday_cause_is_ordinary(text: str) -> None:
    assert care.is_ordinary(text) and not care.has_distress_cue(text)


def test_pressure_about_intimacy_is_still_a_cue_beside_everyday_words() -> None:
    """Only pressure toward everyday things is set aside: "pressured me into it" stays a cue whoever else is home."""
    assert care.has_distress_cue("he pressured me into it while the kids were asleep")
    assert not care.has_distress_cue("he pressured me into buying a new car")


@pytest.mark.parametrize("text", [
    "the storm is threatening to knock the fence down again",
    "the council threatened to shut the swimming pool",
    "our bank keeps threatening charges if we go overdrawn",
])
def test_a_threat_from_the_weather_or_an_institution_is_no_cue(text: str) -> None:
    from assistant.care_cues import has_distress_cue

    assert not has_distress_cue(text)


@pytest.mark.parametrize("text", [
    "he threatened me when i said i was leaving",
    "she keeps threatening to take the kids",
    "the storm was loud but he threatened to hit me",
])
def test_a_threat_from_a_person_is_still_a_cue(text: str) -> None:
    from assistant.care_cues import has_distress_cue

    assert has_distress_cue(text)
