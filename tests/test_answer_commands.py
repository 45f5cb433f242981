"""Inside a check-in an answer is an answer: only a clearly directed command is one (assistant/meta_command.py, no Rasa)."""

from __future__ import annotations

from typing import Optional

import pytest

from assistant.dialogue.commands import heard_stop, is_stop_command, negated
from assistant.meta_command import answer_control, classified_control


@pytest.mark.parametrize("text, control", [
    ("help", "help"), ("could you help me out here", "help"), ("what am i supposed to answer", "help"),
    ("not sure how to answer this, help", "help"), ("what sort of thing are you after", "help"),
    ("how does this part work", "help"), ("help with the ironing would be nice", None),
    ("i'd love some help planning the party", None), ("i'm not answering this one, skip", "skip"),
    ("i'll sit that one out", "skip"), ("would you read the question through again", "repeat"),
    ("go over that again", "repeat"), ("ask us that again next month", None),
    ("stop", "stop"), ("companion, stop", "stop"), ("stop the check-in", "stop"),
    ("maybe stop rushing the end a little", None), ("say it again tomorrow", None),
    ("right, we're stopping this now", "stop"), ("i won't answer that, sorry", "skip"),
    ("leave me out this time, pass", "skip"), ("how would i answer that", "help"),
    ("what is this question asking me", "help"), ("sorry, i didn't hear you, what was that", "repeat"),
    ("i don't want it to stop", None), ("honestly i didn't want it to end", None), ("let's do that again sometime", None), ("thanks for asking", None),
    ("enough cuddles for once", None), ("no need to repeat it, i got it", None), ("next time, music on", None),
    ("can i say skip? or do i have to answer", None),  # the word asked about, not said: the classifier's to read
])
def test_a_directed_command_is_a_command_and_anything_else_an_answer(text: str, control: Optional[str]) -> None:
    """Stop, pass, help and repeat alone or addressed to the companion; the same words inside an answer are the answer."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text, control", [
    ("stop the questions, we're exhausted", "stop"), ("can we end it there, it's late", "stop"),
    ("wrap it up please, we're shattered", "stop"), ("we're tired, stop", "stop"),
    ("call it a night we're both yawning", "stop"), ("switch off, we're off to bed", "stop"),
    ("no more questions tonight, thanks", "stop"), ("that's me finished, stop the check-in", "stop"),
    ("finish the check in we are tired", "stop"), ("let's stop here we're sleepy", "stop"),
    ("pass on mine, thanks", "skip"), ("skip my turn please", "skip"), ("i'd rather not say, next question", "skip"),
    ("can't answer that one, move on", "skip"), ("won't answer that, let's move on", "skip"),
    ("i don't understand what you're asking, help", "help"), ("how do i reply to that", "help"),
    ("what should we say back", "help"), ("sorry, what? say it again", "repeat"),
    ("okay companion that's plenty, we're heading up", "stop"), ("we need to stop, it's past midnight", "stop"),
    ("we'll leave it there thanks", "stop"), ("skip please, i'm not ready", "skip"),
    ("skip this one, it's too personal", "skip"), ("help, i'm drawing a blank", "help"),
    ("i don't know what you're after, can you help", "help"), ("could you explain the question", "help"),
    ("could you repeat the question, i was half asleep", "repeat"), ("sorry i was distracted, repeat that", "repeat"),
])
def test_a_command_with_asides_is_still_the_command(text: str, control: str) -> None:
    """A reason, a filler or the same command said twice around a command, typed or heard without punctuation."""
    assert answer_control(text) == control
    assert answer_control(text.replace(",", "").replace("?", "")) == control


@pytest.mark.parametrize("text", [
    "stop leaving wet towels on the floor, it drives me mad", "skip dessert and go straight to the sofa",
    "enough takeaways, let's cook together", "end the night with a long bath", "help me with the garden this weekend",
    "next time, more slow dancing", "let's quit arguing about the dishes, we're good at most things",
    "can we stop rushing, we're never in a hurry otherwise", "quiet, we had the flat to ourselves",
    "we stopped for ice cream on the way home", "enough sleep for once, i'm good", "again, it was lovely",
    "i don't want it to end, we're good", "sorry, i was grumpy today", "leave the washing up, i'll do it tomorrow",
    "break out the board games more, we're good at those", "no more late nights for me",
    "the next bit, it was good", "finish early on friday, we're both wiped", "a break, we're exhausted",
    "honestly i didn't want it to end", "when you said you missed me", "turn in earlier, we're shattered",
])
def test_command_words_inside_an_answer_stay_the_answer(text: str) -> None:
    """An answer about the couple's life keeps its command words, with or without punctuation."""
    assert answer_control(text) is None
    assert answer_control(text.replace(",", "")) is None


@pytest.mark.parametrize("words, at, reach, expected", [
    ("i don't want it to stop", 5, 4, True), ("no need to repeat it", 3, 4, True), ("please stop", 1, 4, False),
    ("not so spicy", 2, 2, True), ("i never said stop", 3, 1, False),
])
def test_negated_looks_back_a_few_words(words: str, at: int, reach: int, expected: bool) -> None:
    assert negated(words.split(), at, reach) is expected


@pytest.mark.parametrize("intent, confidence, text, control", [
    ("stop", 0.62, "could we halt the questions, my eyes are closing", "stop"),
    ("start_checkin", 0.7, "please end the check-in for us, we're wiped", "stop"),
    ("skip", 0.9, "nothing from me on this one, ask them instead", "skip"),
    ("help", 0.95, "which bits am i meant to say, what options are there", "help"),
    ("repeat", 0.8, "hold on, what did you just ask, the kettle was going", "repeat"),
    ("stop", 0.95, "we just couldn't stop giggling at the film", None),  # about their evening: no talk named
    ("skip", 0.9, "a long bath before we skip off to bed", None),
    ("repeat", 0.97, "again, slower, with the candles lit", None),  # "again" wished for, not asked for
    ("start_checkin", 0.9, "can we do the after check-in tomorrow instead", None),  # no word of ending
    ("stop", 0.3, "stop the check-in i suppose", None),  # the classifier too unsure
    ("stop", 0.9, "i don't want the check-in to stop", None),
])
def test_the_classifiers_command_counts_only_about_the_talk(intent: str, confidence: float, text: str,
                                                             control: Optional[str]) -> None:
    """A command the classifier heard is one inside an answer only when its words name the check-in, a turn, the
    companion or the asking; the same command words about the couple's evening stay the answer."""
    assert classified_control({"intent": {"name": intent, "confidence": confidence}}, text) == control


@pytest.mark.parametrize("text, control", [
    ("We'd like to end this here. Big day tomorrow.", "stop"), ("Shut it down please, we're done.", "stop"),
    ("Could you close the check-in now? We're nodding off.", "stop"), ("Time to call it, companion.", "stop"),
    ("Skip. Alex, your go.", "skip"), ("Nothing from me on this one, over to Alex.", "skip"),
    ("Can I pass? Not feeling it tonight.", "skip"), ("Skip my go, I'll think about it.", "skip"),
    ("What's a good way to answer this one?", "help"), ("Help! What do I say?", "help"),
    ("I don't follow. What should I say?", "help"), ("How do I do this bit?", "help"),
    ("What was the question? I was in the kitchen.", "repeat"), ("Repeat the question please, the TV was on.", "repeat"),
    ("Pardon? The kettle was going.", "repeat"), ("I'll skip this round. Sam can answer.", "skip"),
    ("Skip! Too sleepy to think, sorry.", "skip"), ("We've had our fill of this. Night night.", "stop"),
    ("go on without us tonight", "skip"), ("could you give an example answer", "help"),
    ("nothing to add on this, skip", "skip"), ("Any tips? I'm stumped here.", "help"), ("Hmm? Ask it again, please.", "repeat"),
])
def test_a_command_typed_as_its_own_sentence_stands_beside_any_short_sentence(text: str, control: str) -> None:
    """A directed command that is a sentence of its own, first or last, with a reason or a word to the partner."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text", [
    "We should stop ordering takeaway every Friday.", "Pass me the remote less and talk to me more, ha.",
    "Pass. I loved every minute of it, nothing to add.", "I need a hand with the laundry, can you help?",
    "Switch off the phones earlier, that's all.", "The end was my favourite part.",
    "Cancel the gym tomorrow so we can sleep in.",
])
def test_a_bare_command_word_beside_an_answer_stays_the_answer(text: str) -> None:
    """A one-word command, a closer ("that's all"), a plain "can you help" or a command word mentioned ("can i say
    skip") beside an answer's own words is part of the answer."""
    assert answer_control(text) is None
    assert classified_control({"intent": {"name": "stop", "confidence": 0.9}}, text) is None


@pytest.mark.parametrize("intent, text, control", [
    ("stop", "right, we'll stop the questions there i think", "stop"),  # the speaker stopping the talk itself
    ("start_checkin", "okay that's the check-in done for tonight", "stop"),
    ("skip", "i'd sooner skip this, to be honest", "skip"), ("skip", "can we skip straight to alex", "skip"),
    ("help", "help, what is this question getting at", "help"), ("help", "tell me what to say, i'm blank", "help"),
    ("repeat", "i'd say that again any day, thank you", None),  # the speaker's own words
    ("stop", "enough said, a lovely night", None),  # "said" and "it" in two clauses name no talk
    ("repeat", "that you asked me twice if i was comfy meant a lot", None),
])
def test_the_talk_is_named_within_one_clause(intent: str, text: str, control: Optional[str]) -> None:
    """The classifier's command stands when one typed clause names the talk; narrated speech names none."""
    assert classified_control({"intent": {"name": intent, "confidence": 0.9}}, text) == control


@pytest.mark.parametrize("text", ["i'm not quite sure what you mean by this one",
                                  "i don't really follow the question, sorry", "could you word it a different way"])
def test_not_following_the_question_asks_for_help(text: str) -> None:
    """Not following the question, or asking for it in other words, is a request for help."""
    assert answer_control(text) == "help"


@pytest.mark.parametrize("text, control", [
    # stop: put off to another night, not wanted tonight, off to bed, "that's us", a reason or a thanks beside it;
    # skip: taken, rain-checked, handed to the partner by name, a promise to answer later; help: in so many words, a
    # hint or a hand, what a word of the question means, how it works, lost for words alone; repeat: slower, yourself
    ("let's leave the rest for tomorrow", "stop"), ("can we not do this tonight", "stop"),
    ("that's it for us", "stop"), ("we'll stop there for tonight I think", "stop"), ("not tonight, stop", "stop"),
    ("um, can we maybe just stop there? I'm knackered", "stop"), ("let's leave it at that", "stop"),
    ("we'd rather stop now if that's okay", "stop"), ("I reckon that's us for the night", "stop"),
    ("we don't want to continue tonight", "stop"), ("I'm shutting this down, goodnight", "stop"),
    ("stop, we're not in the mood", "stop"), ("ok that's the check-in done, thanks", "stop"),
    ("we'll call it a night, thank you", "stop"), ("aye that's us, stop there", "stop"),
    ("Stop. We'll finish this another night.", "stop"), ("Could we stop early tonight?", "stop"),
    ("that's enough, cheers", "stop"), ("I've had enough questions for tonight", "stop"),
    ("goodnight companion", "stop"), ("ok we're going to bed now", "stop"), ("can we do this another time?", "stop"),
    ("I'm done, I've got nothing left", "stop"), ("I'll take a rain check on this one", "skip"),
    ("nah, pass", "skip"), ("like, pass", "skip"), ("I choose to pass.", "skip"), ("come back to me", "skip"),
    ("let Alex go", "skip"), ("I'd prefer not to answer that one", "skip"),
    ("I'm not going to answer that one", "skip"), ("pass, nothing comes to mind", "skip"),
    ("I'm gonna skip this one if that's ok", "skip"), ("skip, I'll go next time", "skip"), ("Pass. Sam?", "skip"),
    ("next person please", "skip"), ("don't ask me this one", "skip"), ("can you ask Sam first", "skip"),
    ("I'll sit out this one", "skip"), ("my answer's pass", "skip"), ("I'm out on this one", "skip"),
    ("can I skip and come back?", "skip"), ("skip me this time round", "skip"), ("gonna pass", "skip"),
    ("I'll pass this one to Sam", "skip"), ("pass, sorry Sam", "skip"), ("i need some help", "help"),
    ("any suggestions?", "help"), ("can you give me a hint?", "help"), ("I don't know what to say.", "help"),
    ("I'm not sure how this works.", "help"), ("what do you mean by appreciated?", "help"),
    ("what does close mean here?", "help"), ("is there a right answer?", "help"), ("help, I'm blanking", "help"),
    ("what should my answer be?", "help"), ("what exactly do you want to know?", "help"),
    ("I don't know what you want me to say", "help"), ("what would you say?", "help"),
    ("I need some guidance here", "help"), ("how am I supposed to put a number on that?", "help"),
    ("I'm a bit confused by the question", "help"), ("can you give me a starting point?", "help"),
    ("what's the idea here?", "help"), ("can you tell me how this works?", "help"),
    ("what counts as an answer?", "help"), ("how does this thing work", "help"),
    ("What's a good way to answer?", "help"), ("oh gosh, um, I honestly don't know, can you help?", "help"),
    ("could you explain that a bit?", "help"), ("I'm not sure I understand the question", "help"),
    ("how do I pick a number?", "help"), ("I need a hand with this one", "help"),
    ("how do these questions work?", "help"), ("what's this one asking?", "help"),
    ("what was that last bit?", "repeat"), ("could you say it slower?", "repeat"),
    ("can you repeat yourself?", "repeat"), ("could you say it a bit slower", "repeat"),
    ("right, the check-in's over", "stop"), ("terminate the check-in", "stop"),
    ("let's bring this to an end", "stop"), ("I'd rather we stopped here", "stop"),
    ("let's not go on, we're exhausted", "stop"), ("time out, we're done", "stop"),
    ("we've done enough for one night", "stop"), ("count me out of this one", "skip"), ("skip, Sam's turn", "skip"),
    ("no answer from me this time", "skip"), ("I'll leave this to Sam", "skip"), ("not me this time", "skip"),
    ("I choose not to answer", "skip"), ("I'll let this one go", "skip"), ("can you give me some guidance?", "help"),
    ("what is it you want to know?", "help"), ("what's the question getting at?", "help"),
    ("what's expected of me here?", "help"),
    ("stop, we'll carry on another day", "stop"), ("skip ahead please", "skip"),
])
def test_commands_in_everyday_words(text: str, control: str) -> None:
    """Directed commands in the words people use: the check-in put off or not wanted tonight, a pass handed to the
    partner by name, a plea for a hint, being lost for words on its own, hesitations and thanks around them."""
    assert answer_control(text) == control


AGAIN = frozenset({
    "Again? Yes please.", "Pardon my French, it was amazing.", "We'll do this again tomorrow, I hope.",
    "again, like that", "let's do this again another night", "the note in my lunchbox, I read it again and again",
})


@pytest.mark.parametrize("text", [
    "I don't know what to say, it was perfect.", "I don't know how to say it, but it felt really close.",
    "that it was my idea for once", "pick it up from the station tomorrow", "let's do this again another night",
    "Finished the whole box set together, a five.", "the note in my lunchbox, I read it again and again",
    "Let Sam go first next time.", "I'm lost without you, honestly.", "pass the salt more often, Sam",
    "what's the point of arguing about bins", "the end bit, honestly", "I don't want tonight to end",
    "that's us, always laughing", "I'm out of ideas for dinner, so help with that",
    "we'll finish the puzzle another night", "Again? Yes please.", "Pardon my French, it was amazing.",
    "We'll do this again tomorrow, I hope.", "i don't think we should stop", "i didn't hear you stop",
    "again, like that", "help with work", "I'd pick a four", "we're going to bed early tomorrow",
    "goodnight kisses, more of those", "enough about me, what about you", "I'm done, in the best way",
    "leave it to me, I'll cook tomorrow", "the session at the gym was over quickly",
    "not me, them, they were lovely",
    "we'll carry on another day",
])
def test_the_same_words_in_an_answer_stay_the_answer(text: str) -> None:
    """Lost for words beside praise, "the end" as a part of the evening, a command word led on by "so", a plan of
    theirs put off, a name in an answer, not knowing before a stop, more wished for, a pardon of manners."""
    assert answer_control(text) is None
    if text in AGAIN:
        assert classified_control({"intent": {"name": "repeat", "confidence": 0.9}}, text) is None


@pytest.mark.parametrize("text, control", [
    ("How should I put it? Warm, mostly.", None), ("what else could i say, you were wonderful", None),
    ("the picnic, how do i describe it, golden", None), ("Relaxed. What's the word... unhurried.", None),
    ("How do I put this? I'm stuck.", "help"), ("what should i say? no idea", "help"),
    ("how do i put that", "help"),
])
def test_wondering_how_to_word_it_beside_the_words_is_the_answer(text: str, control: Optional[str]) -> None:
    """A lead-in about wording said beside words of the answer's own is the answer; beside talk about the talk, or
    alone, it asks for help."""
    assert answer_control(text) == control
    assert classified_control({"intent": {"name": "help", "confidence": 0.9}}, text) in (control, None)


@pytest.mark.parametrize("intent, text", [
    ("repeat", "she told me again how proud she is"), ("repeat", "you asked again whether i was warm enough, sweet"),
    ("repeat", "tricky question, but the dancing"), ("help", "big question, i'd say the quiet morning"),
])
def test_told_of_speech_and_a_praised_question_stay_the_answer(intent: str, text: str) -> None:
    """What the partner said, told of, and the question weighed before an answer name no asking of the companion."""
    assert classified_control({"intent": {"name": intent, "confidence": 0.9}}, text) is None
    assert answer_control(text) is None


@pytest.mark.parametrize("intent, text, control", [
    ("repeat", "what was it you said", "repeat"), ("repeat", "sorry, i missed what you just said", "repeat"),
    ("skip", "tough question, skip", "skip"), ("repeat", "good question, can you say it again", "repeat"),
])
def test_asking_again_still_asks(intent: str, text: str, control: str) -> None:
    """Speech of the companion's asked about again, and a command after a weighed question, stay commands."""
    assert (answer_control(text) or classified_control({"intent": {"name": intent, "confidence": 0.9}}, text)) == control


@pytest.mark.parametrize("text, control", [
    ("fewer questions over the bills at dinner", None), ("stop the quizzing about my exes", None),
    ("no more questions about this", "stop"), ("stop the questions for tonight", "stop"),
])
def test_questions_on_a_subject_of_theirs_are_not_the_check_in(text: str, control: Optional[str]) -> None:
    """Questions about a subject of the couple's name no talk of the companion's; questions about this one do."""
    assert classified_control({"intent": {"name": "stop", "confidence": 0.9}}, text) == control


@pytest.mark.parametrize("text, control", [("right, that's us", "stop"), ("that's us, cheers", "stop"),
                                           ("that's us in the photo, on the beach", None)])
def test_thats_us_alone_ends_it(text: str, control: Optional[str]) -> None:
    """"That's us" with nothing but filler is the two of them done."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text, control", [
    ("the whole trip, start to finish", None), ("that film from beginning to end", None),
    ("goodbye for now, we're finished", "stop"), ("bye then, stop", "stop"), ("waving bye to your mum at the station", None),
])
def test_a_span_is_no_end_and_a_goodbye_beside_a_stop_is_filler(text: str, control: Optional[str]) -> None:
    """"Start to finish" spans an answer; a goodbye beside a stop adds nothing to it (alone it is left to the
    classifier: a domain decoder's "goodbye" must not end an answer)."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text, control", [
    ("we aren't doing this tonight, stop", "stop"), ("stop please, we're not finishing this now", "stop"),
    ("I can't answer this one. Stop, please.", "stop"),
    ("i'm not doing this any more", None), ("we're not doing it any more, the late shifts", None),
    ("pass, you first", "skip"), ("skip it, Sam goes first", "skip"),
])
def test_not_going_on_with_this_and_handing_the_turn_over(text: str, control: Optional[str]) -> None:
    """Not going on with the check-in tonight is a stop; not doing "it any more" is an answer's; a turn handed over is
    an aside to a skip."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text, control", [
    ("what was that you asked me?", "repeat"), ("what do we say? we've never done one of these", "help"),
])
def test_asking_back_and_new_to_it_stay_commands(text: str, control: str) -> None:
    """"What was that you asked" asks again; being new to it is no answer beside a request for help."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text, control", [
    ("lost for words, the whole night was magic", None), ("i honestly don't know what to say, you were so sweet", None),
    ("i don't know what to say", "help"), ("not sure what to say, what do you mean", "help"),
])
def test_lost_for_words_beside_the_words_is_the_answer(text: str, control: Optional[str]) -> None:
    """Lost for words beside words of the answer's own is the answer, however the classifier reads it; alone or beside
    talk about the talk it asks for help."""
    got = answer_control(text) or classified_control({"intent": {"name": "help", "confidence": 0.9}}, text)
    assert got == control


@pytest.mark.parametrize("text, control", [
    ("stop asking whether it's alright, i'll say if it isn't", None), ("quit asking if i'm comfy", None),
    ("stop asking me questions", "stop"), ("can you stop asking", "stop"),
])
def test_asking_of_the_partners_own_is_no_stop(text: str, control: Optional[str]) -> None:
    """Asking whether someone is alright is the partner's habit, not the companion's questions."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text", ["for you to tell me again that we'll manage", "to hear them say it'll all work out"])
def test_words_wished_to_be_heard_again_are_no_repeat(text: str) -> None:
    """Words wished to be heard from the partner again are an answer, not the question asked again."""
    assert classified_control({"intent": {"name": "repeat", "confidence": 0.9}}, text) is None
    assert answer_control(text) is None


@pytest.mark.parametrize("text, control", [("we'll call it a night on those", "stop"), ("call it a night on the sofa", None)])
def test_ending_on_these_questions_is_a_stop(text: str, control: Optional[str]) -> None:
    """Ending "on these" names the questions; ending on a thing of theirs does not."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text", [
    "a long soak in the bath, that's plenty for me", "i need a lie in, that's enough for me",
    "sunshine and a walk, that'll do me", "that'll do me, a bacon sandwich", "enough for me, honestly",
    "more than enough love today", "it was enough, we talked properly", "enough said, it was gorgeous",
    "just enough to feel close", "we had just enough time", "stop when i ask, that's all", "stop at the lights, maybe",
    "stop and hold me a bit longer", "stop sooner, before we're both tired", "cancel less often on friday nights",
    "the stop start bit was fun", "never mind the rota, the day was sweet", "never mind money worries, a five",
    "that's all i'm after, a kiss", "a back rub, that's all i need",
])
def test_enough_measured_and_a_stop_word_inside_a_sentence_stay_the_answer(text: str) -> None:
    """"Enough" measured ("more than enough", "enough said"), a stop word with what follows it ("stop when i ask"), a
    thing let go of ("never mind the rota") and "that's all" closing an answer are the answer, typed or heard."""
    assert answer_control(text) is None
    assert answer_control(text.replace(",", "")) is None


@pytest.mark.parametrize("text", [
    "would you say it again? that's my answer", "my honest answer is stop worrying so much",
    "skip the small talk, that's my whole answer", "here's my answer: help each other more",
])
def test_an_answer_claimed_as_the_answer_stays_the_answer(text: str) -> None:
    """Words claimed as the answer ("that's my answer") are the answer, whatever command words they hold."""
    assert answer_control(text) is None
    assert classified_control({"intent": {"name": "skip", "confidence": 0.9}}, text) is None


@pytest.mark.parametrize("text, control", [
    ("that's enough", "stop"), ("okay that's enough for tonight", "stop"), ("enough now, thanks", "stop"),
    ("we've had enough of the questions", "stop"), ("never mind", "stop"), ("never mind then", "stop"),
    ("never mind, let's not bother", "stop"), ("i'd like to end it here", "stop"), ("can we stop now please", "stop"),
    ("we're knackered, can we stop", "stop"), ("end it there please, we're yawning", "stop"),
    ("stop it now, it's late", "stop"), ("my answer's a pass", "skip"), ("pass, i'm blanking", "skip"),
    ("i think that's plenty for tonight", "stop"), ("that'll do for tonight, night night", "stop"),
    ("can we stop here actually", "stop"), ("i'd like to end it at this point", "stop"),
    ("okay that's the end of that", "stop"), ("let's stop there and go to sleep", "stop"),
    ("we argued, but that's the end of that", None), ("more sleep", None), ("enough sleep", None),
])
def test_real_stops_in_natural_words_still_stop(text: str, control: str) -> None:
    """A stop said alone, with asides, or with a reason still ends the check-in at once."""
    assert answer_control(text) == control


@pytest.mark.parametrize("text, stop", [
    ("just enough", False), ("more than enough", False), ("close enough", False), ("enough said", False),
    ("never mind work", False), ("never mind supper, it was lovely", False), ("enough", True), ("just stop", True),
    ("that's enough now", True), ("never mind then", True), ("never mind", True), ("okay never mind it", True),
])
def test_a_plain_stop_is_no_quantity_and_no_thing_let_go_of(text: str, stop: bool) -> None:
    """is_stop_command, which take-turns floors and the guided conversation also use: "just enough" is no stop."""
    assert is_stop_command(text) is stop


@pytest.mark.parametrize("text, heard", [
    ("stop sooner", ""), ("stop and cuddle", ""), ("stop earlier next time", ""), ("cancel less", ""),
    ("stop that you do", "stop"), ("a stop now", "stop"), ("cancel learned", "cancel"),
])
def test_a_stop_word_leading_a_sentence_is_no_misheard_stop(text: str, heard: str) -> None:
    """A recogniser's short mishearing of a stop is noise after the word, not a comparison or a joined verb."""
    assert heard_stop(text) == heard


@pytest.mark.parametrize("text, control", [
    ("let's finish it here", "stop"), ("could we end the chat", "stop"), ("we'd rather stop now", "stop"),
    ("okay let's leave it there for tonight", "stop"), ("we're done for tonight", "stop"), ("stop", "stop"),
    ("i'm done", None), ("that's all", None), ("okay that's it", None), ("just enough, we're good", None),
    ("end the conversation with a hug", None), ("i wish you'd stop rushing off in the mornings", None),
])
def test_a_take_turns_conversation_stops_on_a_directed_stop_not_on_a_turns_end(text: str,
                                                                                control: Optional[str]) -> None:
    """Take turns and the guided conversation: a stop in everyday words ends it; a turn's closer ends only the turn."""
    from assistant import taketurns

    assert taketurns.control(text) == control
