"""Inside a check-in or a guided conversation: the answer, or a command directed at the check-in itself.

What the partner asked says is their answer ("maybe stop rushing the end a little", "skip the phone in bed", "next
time more kissing", "help with the shopping", "say it again tomorrow"), whatever the classifier thinks of it. Only a
clearly directed command is not, typed or heard (no punctuation needed), in one of three shapes:

- a command phrase and nothing else, once wake and polite words are peeled off ("stop", "companion, stop", "stop the
  check-in", "skip me", "say that again"; a recogniser's short mishearing of a stop too, commands.heard_stop);
- a command phrase with asides: filler ("i'm done", "thanks"), the same command said again ("that's us done, no more
  tonight"), or, after an explicit stop, skip or help, a short reason about the two of them right now ("end the
  check-in, we're falling asleep"). An aside opens a clause of its own, so "enough sleep for once" stays an answer;
- nothing but talk about the talk (pronouns, auxiliaries, polite words, say/ask/answer, question, again) and one
  command word: "sorry i wasn't listening, what was it", "skip me this time", "how should i answer that". An answer
  always brings a word of its own ("stop at the bakery on sunday", "help getting the spare room sorted").

A command said not to be wanted is none ("i don't want it to stop", "no need to repeat it").
"""

from __future__ import annotations

import functools
import re
from typing import Any, Dict, List, Optional, Pattern

from assistant.dialogue.commands import (MEASURED_ENOUGH, heard_stop, is_stop_command, negated, normalise, peeled,
                                         polite_only, with_apostrophes)

# One command phrase each, the whole of a peeled clause.
_ASKING = r"(?:check ?-?ins?|questions?|quiz|survey)"
_CHECKIN = r"(?:the |this |our |tonight's )?" + _ASKING
_FOR_NOW = r"(?: for (?:tonight|today|now|the night|one night|this evening|the evening|the day|us))?"
_CONTROL_PATTERNS: Dict[str, str] = {
    "stop": r"stop asking(?: (?:us|me))?(?: (?:questions|things))?|(?:that's|that is) the end of (?:that|this|it|" + _CHECKIN + r")"
            r"|(?:time to |let's |we can |we'll |we will |can we |could we |shall we |(?:i|we)(?:'d| would) like to |(?:i|we) want to "
            r"|(?:we're|i'm|we are|i am) (?:going to|gonna) |(?:i|we) (?:need|have|ought) to |(?:i|we) should "
            r"|(?:i|we)(?:'d| would) (?:rather|prefer to|sooner) )?"
            r"(?:(?:maybe|just|please|perhaps|probably|now|all) )*"
            r"(?:end|finish|stop|halt|leave it|wrap(?: it| this| things)? up|finish up|call it|wind (?:it |this |things )?(?:up|down)"
            r"|pack it in)(?: (?:this|it|that|things|quits|" + _CHECKIN + r"))?"
            r"(?: (?:here|there|now|for tonight|for today|for the night|for one night|a night|a day|at that|early|a bit early"
            r"|a little early|tonight|on (?:these|those|them|the questions)))*"
            r"|(?:that's|that is) (?:the check ?-?in|the questions|it|this|us|me) (?:done|over|finished)" + _FOR_NOW
            + r"|(?:(?:that's|that is|that'll be|that will be) (?:all|it|enough|plenty)|that'll do|that will do)(?: (?:questions|of (?:this|that|the questions)))?"
            + _FOR_NOW + r"|(?:we'll (?:stop|leave it|end it)|i'll (?:stop|leave it|end it) (?:there|here))(?: (?:there|here))?"
            + _FOR_NOW + r"|(?:we've|i've) had (?:enough|our fill|plenty)(?: questions)?(?: of (?:this|questions|the questions|" + _CHECKIN + r"))?"
            + _FOR_NOW + r"|(?:we're|we are|i'm|i am|that's us|that's me) (?:done|finished)(?: (?:here|now))?" + _FOR_NOW
            + r"|that's (?:us|me)(?: (?:then|now|done|finished))?(?: for (?:tonight|today|now|the night|one night|this evening))"
            r"|that's (?:us|me) (?:then|now)|that's us|(?:let's |we'll |we can |i'll )?leave it (?:at that|there|here)" + _FOR_NOW
            + r"|(?:i'm |we're |i am |we are )(?:turning|switching|shutting) (?:(?:it|you|this|everything|" + _CHECKIN + r") )?(?:off|down)"
            + r"|(?:(?:can|could|would) you |please |you can |you could )?(?:turn|switch|shut) (?:(?:it|yourself|this|everything"
            r"|the whole thing|" + _CHECKIN + r") )?(?:off|down)(?: (?:entirely|completely|altogether))?"
            r"|(?:cancel|end|stop|finish|skip) the rest(?: of (?:this|it|them|the questions|" + _CHECKIN + r"))?"
            r"|(?:(?:can|could|would) you (?:please )?|please |let's )?close (?:this|it|" + _CHECKIN + r")(?: (?:down|off|now|here|for tonight))*"
            r"|(?:let's |can we |could we |we'll |(?:can|could) you |please )?(?:bring|draw) (?:this|it|things|the whole thing|"
            + _CHECKIN + r") to (?:a close|an end)(?: (?:now|here|please|for tonight))*"
            # any verb of ending with the check-in named: "terminate the check-in", "the check-in's over"
            r"|(?:(?:can|could) (?:you|we) |please |let's )?(?:terminate|abort|kill|scrap|drop|ditch|exit|leave|quit|end|stop|finish|cancel"
            r"|close) (?:the |this |our |tonight's )?(?:rest of (?:the |this )?)?(?:check ?-?ins?|questions|session|quiz|conversation|chat)"
            r"(?: (?:now|please|tonight|for tonight|here))*"
            r"|(?:the |this |our )?(?:check ?-?in|questions?|session|quiz)(?:'s| is| are) (?:over|done|finished|ended)" + _FOR_NOW
            + r"|(?:i'd|we'd|i would|we would) rather we (?:stopped|ended|finished|left it|called it a night)(?: (?:here|there|now))?"
            r"|time out|(?:we've|i've|we have|i have) (?:done|said|answered) (?:enough|plenty)" + _FOR_NOW
            + r"|that'll do (?:us|me)" + _FOR_NOW
            + r"|(?:let's|can we|could we|we'll|we should) (?:just )?not (?:go on|carry on|continue|keep going)"
            r"(?: with (?:this|it|the rest|" + _CHECKIN + r"))?(?: (?:tonight|now|any ?more))*"
            r"|no more(?: questions| of (?:this|these|the questions))?(?: (?:tonight|for tonight|for now|please))?"
            r"|(?:we're|we are|i'm|i am) (?:done|finished) with " + _CHECKIN + r"(?: for tonight| now)?"
            # the rest put off to another night: "let's leave the rest for tomorrow", "pick this up another time"
            r"|(?:let's |we'll |we can |can we |could we |we will |i'd like to |we'd like to )?(?:(?:maybe|just) )?"
            r"(?:(?:leave|do|finish) (?:the rest|the others|the other questions|" + _CHECKIN + r")|(?:leave|finish|do) this)"
            r"(?: (?:for|till|until))? (?:tomorrow(?: night)?|another (?:time|night|day|evening)|later|some other (?:time|night))"
            r"|(?:let's |we'll |we can |can we |could we )?(?:pick|take) (?:this|the rest|" + _CHECKIN + r") up"
            r" (?:again )?(?:tomorrow(?: night)?|another (?:time|night|day|evening)|later)"
            # the check-in itself not wanted tonight: "let's not do this tonight", "we don't want to carry on now"
            r"|(?:(?:we're|we are|i'm|i am) not|we aren't) (?:doing|continuing|carrying on with|going on with|finishing) (?:this|the rest|"
            + _CHECKIN + r")(?: (?:tonight|now|right now))*"
            r"|(?:let's|can we|could we) (?:just )?not (?:do|continue|carry on with|go on with|finish) (?:this|it|the rest|"
            + _CHECKIN + r")(?: (?:tonight|now|right now|any ?more))*"
            r"|(?:i|we) (?:don't|do not) (?:want|feel like|fancy)(?: to)? (?:(?:doing|do|continuing|continue|carrying on|carry on"
            r"|going on|go on|keep going|keeping going)(?: (?:this|it|the rest|" + _CHECKIN + r"))?|this|it|the rest|any more|more|"
            + _CHECKIN + r")(?: (?:any ?more|right now))* (?:tonight|now)|(?:i|we) (?:don't|do not) want to (?:do|continue|carry on with) (?:the rest|" + _CHECKIN + r")"
            r"(?: (?:any ?more|tonight|now))*"
            r"|(?:that's|that is) (?:it|all) (?:for|from) (?:us|the two of us|both of us)(?: (?:tonight|for tonight|now))?"
            r"|(?:i'm|we're|i am|we are) calling it(?: a night| quits| there| here)?"
            r"|(?:can|could) we (?:just |please )*be done(?: (?:now|here|for tonight|for now))?|let's (?:just )?be done(?: now)?"
            r"|(?:all )?done(?: (?:now|here|for tonight))?|all finished"
            r"|cut (?:it|this|things|" + _CHECKIN + r") short(?: (?:tonight|please|now))*"
            # off to sleep, said instead of an answer: the check-in is over
            r"|(?:(?:we're|i'm|we are|i am) (?:going|off|heading|gonna go|going to go) to (?:sleep|bed)|good ?night|night night)"
            r"(?: (?:now|then))?",
    "skip": r"(?:(?:can|could|may) (?:i|we) |i'd like to |let me |i'll |i will |i think i'll |i'd rather |we'll |just "
            r"|i (?:want|choose|prefer|decide|need) to |i'd prefer to |i'm (?:going to|gonna|just going to) |(?:i|we) )?"
            r"(?:pass|skip)(?: (?:on )?(?:this|that|it|me|mine|us|my (?:turn|go|answer|one|question))(?: one| question)?"
            r"(?: (?:this (?:time|round)|for (?:now|tonight)|please))?"
            r"| this (?:time|round)"
            r"| (?:the|this|that) question| for now| on (?:this|that)(?: one)?)?"
            r"|next(?: question| one| person| partner| turn)?(?: please)?|(?:i'd )?rather not (?:answer|say)(?: (?:that|this|it)(?: one)?)?"
            r"|(?:i'm |i am )?(?:passing|skipping)(?: (?:on )?(?:this|that|it|me|mine|my turn)(?: one| question)?)?"
            r"(?: (?:this (?:time|round)|for (?:now|tonight)))?"
            r"|(?:i'll |i will |i'm going to |i'm gonna |i |can i |could i )?(?:take|have|get) a (?:pass|skip|rain ?check)"
            r"(?: (?:on|for) (?:this|that|it|mine)(?: one| question)?)?(?: (?:this time|tonight|for now))?"
            r"|(?:(?:can|could) you )?(?:come back to me|ask me (?:later|last|after|another time|in a (?:bit|minute|sec|moment)))"
            r"(?: (?:later|after|in a (?:bit|minute|sec|moment)|please))*"
            r"|(?:i'll |i will |we'll |can you |could you |just )?let (?!(?:me|us|it|that|this|the|them|go|him|her|you)\b)\w+ (?:go|answer|have (?:it|a go|this one)|take (?:it|this one))"
            r"(?: (?:first|instead|this time|on this one))?"
            r"|(?:can we |could we |let's |just |please )?(?:skip|jump|move on|move|go|pass it|hand it|over) (?:straight )?to (?!(?:bed|sleep|work|school|the|a|my|your|our|his"
            r"|her|their|it|this|that|him|them|me)\b)\w+(?: (?:instead|now|first))?"
            r"|(?:i (?:don't|do not) have|i've got|i have|i've|i got) (?:an answer|anything|nothing|no answer)"
            r"(?: (?:for|to|on) (?:this|that|it|you)(?: one| question)?)?|i've got nothing|i got nothing"
            r"|(?:can|could|may) (?:i|we) not (?:answer|do|say) (?:this|that|it)(?: one| question)?|(?:i'll )?give (?:this|that|it)(?: one| question)? a miss"
            r"|no comment|(?:can we |could we |let's |just )?move on(?: to the next (?:one|question))?|not this one"
            r"|i'll sit this one out|(?:i'll |i will |let me |i'm going to |i'm gonna )?sit out (?:this|that)(?: one| question)?"
            r"|(?:i'm|i am) out (?:on|for) (?:this|that)(?: one| question)?(?: (?:tonight|this time))?"
            r"|my answer(?:'s| is| will be) (?:a )?(?:pass|skip)|(?:i'm |i am )?not (?:answering|doing|going to answer|gonna answer|going to do) (?:that|this|it)"
            r"(?: one| question)?(?: (?:tonight|now|this time))?"
            r"|(?:i )?(?:won't|wouldn't|can't|don't want to|do not want to|don't fancy|don't feel like|'d rather not"
            r"|would rather not|rather not|i'd prefer not to|i would prefer not to|prefer not to|i'd sooner not|would sooner not) (?:(?:answer|answering|say|saying)(?: (?:that|this|it)(?: one| question)?)?"
            r"|(?:do|doing) (?:that|this|it)(?: one| question)?)"
            r"|(?:i'll )?leave (?:that|this) one|(?:i'd like to |can i |let me |i'll )?sit (?:this|that) one out"
            r"|leave me out(?: of (?:this|that)(?: one)?)?(?: this time)?|(?:pass|skip)(?: (?:this|that|it|me|mine))?"
            r"(?: for (?:me|us|now|tonight|this one))+|(?:no answer(?: from me)?|nothing from me)(?: on (?:this|that|it)(?: one)?)?"
            r"(?: (?:this time|tonight|this round))?"
            r"|count me out(?: (?:of|on|for) (?:this|that)(?: one| question)?)?(?: (?:this time|tonight))?"
            r"|(?:i'll |i will |let me |i'm going to )?leave (?:this|that|it)(?: one| question)? (?:to|for) (?!(?:me|us|you|later|tomorrow)\b)\w+"
            r"|not me(?: (?:this time|tonight|on this one|for this one))?|(?:skip|jump|move) (?:ahead|forward|along)(?: please)?"
            r"|(?:i'll |i will |let me |i'm going to |i think i'll )?let (?:this|that) one (?:go|pass|slide)(?: (?:this time|tonight))?"
            r"|i (?:choose|decide|prefer|want|would like|'d like|would rather|'d rather) not to (?:answer|say|respond)"
            r"(?: (?:this|that|it)(?: one| question)?)?"
            r"|(?:carry|go|move) (?:on|along)(?: to the next (?:one|question|bit|part)| without (?:me|us))?(?: this time| tonight)?|not this (?:question|one|time)"
            r"|(?:i'm |i am |we're |we are )(?:going to|gonna) (?:sit (?:this|that) one out|pass|skip(?: (?:this|that|it))?)"
            r"|(?:i'll |i will |i'm going to |let me |can i |could i )?(?:give|hand|pass) (?:my turn|my go|this one|this|it|that one|mine"
            r"|this question) (?:over )?to \w+"
            r"(?: (?:instead|first|this time))?|(?:(?:can|could) you |just |please )?ask (?!(?:again|me|us|that|it|the|this)\b)\w+"
            r"(?: (?:instead|first|now|this one))?"
            r"|(?:please )?(?:don't|do not) ask me (?:this|that)(?: one| question)?(?: (?:tonight|now|please))?"
            r"|(?:can|could) you come back to me(?: later)?|(?:over to|your (?:go|turn)) \w+|\w+ your (?:go|turn)"
            r"|\w+ can (?:go|answer|have (?:it|a go))(?: (?:this|that) one| first| instead)?|(?:i've got |i have |i've )?nothing to (?:say|add)"
            r"(?: (?:on|about|to) (?:this|that|it))?",
    "help": r"(?:(?:can|could|would) you )?help(?: me| us)?(?: out)?(?: here| with (?:this|that)(?: one| question)?)?"
            r"|i need (?:some )?help (?:with|answering) (?:this|that)(?: one| question)?"
            r"|(?:what|how) (?:do|should|can|could|must|would) (?:i|we) (?:actually |even |really )?(?:say|answer|put (?:it|this|that)|reply"
            r"|respond|do)(?: back)?(?: to you)?(?: here| now| next| (?:to |with |for |about )?(?:this|that|it)(?: bit| part| one)?)?"
            r"|(?:is there|what's|what is) an? (?:right|wrong|correct|proper|best|good) way to (?:answer|do|say)(?: (?:this|that|it))?"
            r"(?: one| question)?"
            r"|(?:can|could|would) you walk (?:me|us) through(?: how to (?:do|answer) (?:this|that|it))?(?: one)?"
            r"|(?:what|how) (?:am i|are we) (?:supposed|meant|expected) to (?:say|answer|do)(?: here| now| to (?:this|that))?"
            r"(?: (?:this|that|it))?|how (?:does|is|do) (?:this|it|that|the check ?-?in)(?: bit| part| one)?"
            r"(?: (?:supposed|meant) to)? work"
            r"|i (?:don't|do not) (?:understand|get)(?: it| (?:the|this|that) question)?"
            r"|(?:(?:i )?(?:don't|do not) (?:understand|get|know|see)|(?:i'm |i am )?not sure) what (?:you're|you are|this is"
            r"|it's|the question is)"
            r" (?:asking|after|getting at|on about|looking for)(?: here)?|what do you mean"
            r"|what (?:are you|is this|is it|is the question) (?:after|asking|getting at|looking for)(?: here)?"
            r"|(?:(?:can|could|would) you )?(?:say|put|ask|word) (?:that|it|this|the question) (?:another|a different) way"
            r"|(?:(?:can|could|would) you )?(?:rephrase|reword) (?:that|it|this|the question)|what does (?:that|it|this) (?:even )?mean"
            r"|(?:i'm|i am|we're|we are) (?:a (?:bit|little) |slightly |quite |so |really |totally |completely )?(?:lost|confused"
            r"|puzzled|baffled|stuck|stumped|drawing a blank|not following|not with you)"
            r"(?: (?:by|about|with|on) (?:the question|this(?: one| question)?|that(?: one| question)?|it|what you mean))?(?: here| now)?"
            r"|i (?:don't|do not) follow"
            r"|(?:(?:can|could|would) you )?(?:tell|show) (?:me|us) how (?:this|it|the check ?-?in)(?: bit| part)? works"
            r"|what would you say(?: (?:here|to (?:this|that)))?|what (?:would|do) you (?:suggest|recommend)"
            r"|what(?:'s| is) the (?:idea|point|aim|goal|purpose)(?: (?:here|of (?:this|that|it)(?: one| question)?))?"
            r"|(?:how|what) (?:am i|are we|do i|should i|can i) (?:supposed to |meant to |expected to )?put (?:a number|a score|a rating)"
            r" on (?:that|this|it)"
            r"|what do you (?:need|want) (?:from|of) (?:me|us)|any (?:hints?|tips?|ideas?|clues?)|(?:my )?mind(?:'s| has| is)? gone blank"
            r"|(?:(?:can|could|would) you )?explain(?: (?:that|it|this|the question|this one|what you mean))?"
            r"|(?:(?:can|could) you )?give (?:me|us) an example|(?:an )?example(?: please)?|like what|such as"
            r"|what are (?:my|our|the) options|what (?:do|would) you (?:want|like) (?:me|us) to say"
            r"|what (?:kind|sort|type) of (?:answer|thing|things)(?: do you want| are you after| should i say| do i say)?"
            r"(?: from (?:me|us))?"
            r"|(?:i'm |i am )?not sure (?:what|how) to (?:say|answer|put (?:this|it|that)(?: into words)?)"
            r"(?: (?:this|that|it|here|to (?:this|that)))?"
            r"|i (?:don't|do not) know (?:what|how) to (?:say|answer) (?:here|to (?:this|that))"
            # asking for help in so many words: "i need a little help here", "can i get some help"
            r"|(?:i|we) (?:need|could use|could do with|want|would like|'d like) (?:some |a (?:little |bit of |little bit of )?)?"
            r"(?:help|guidance|direction|steer)"
            r"(?: (?:here|please|now|with (?:this|that|it)(?: one| question)?|answering(?: (?:this|that|it))?))*"
            r"|(?:(?:can|could|may) (?:i|we) (?:get|have)|(?:can|could) (?:i|we) ask for) (?:some |a (?:little |bit of )?)?help"
            r"(?: (?:here|please|with (?:this|that|it)(?: one| question)?))*"
            # a nudge: "any suggestions", "could you give me a hint", "i need an example"
            r"|(?:(?:can|could|would) you (?:please )?)?(?:give|offer|show) (?:me|us) (?:a |an |some |any |a few )?"
            r"(?:hints?|clues?|tips?|pointers?|ideas?|suggestions?|examples?|nudge|prompt|starter|starting point|place to start"
            r"|steer)(?: please| here)*"
            r"|(?:i|we) (?:need|could use|want|'d like|would like) (?:a |an |some |a few )?(?:hints?|clues?|tips?|pointers?|ideas?"
            r"|suggestions?|examples?|nudge|prompt)(?: please| here)*"
            r"|(?:(?:have you )?got |do you have )?any (?:hints?|tips?|ideas?|clues?|suggestions?|pointers?|examples?)"
            r"(?: (?:for (?:me|us|this|that)|here|please))*"
            # not knowing what to say or what is wanted: "i don't know what to say", "no idea what you mean"
            r"|(?:i (?:don't|do not|really don't|honestly don't) (?:know|understand|get)|(?:i'm |i am )?not (?:really |quite |too )?sure"
            r"|(?:i have |i've got |i've )?(?:no|not a) (?:idea|clue)|i can't think) (?:what|how) (?:to|i should|i'm (?:supposed|meant) to"
            r"|i am (?:supposed|meant) to|i (?:need|have) to) (?:say|answer|reply|respond|put it|talk about|do|start)"
            r"(?: (?:here|now|to (?:this|that|it)|this|that|it)(?: one| question)?)?"
            r"|(?:i (?:don't|do not|really don't) (?:know|understand|get)|(?:i'm |i am )?not (?:really |quite |too )?sure"
            r"|(?:i have |i've got |i've )?(?:no|not a) (?:idea|clue)) what (?:you(?:'re| are)?|it(?:'s| is)?|the question(?:'s| is)?|this(?:'s| is)?)"
            r" (?:want|wants|mean|means|need|needs|asking|after|looking for|getting at|on about)(?: (?:me|us) to (?:say|answer|tell you))?"
            r"(?: (?:here|by (?:that|this|it)|from (?:me|us)))?"
            # how it works: "how does this work again", "i'm not sure how this works"
            r"|(?:(?:i (?:don't|do not) (?:know|get|understand)|(?:i'm |i am )?not (?:really |quite )?sure) )?how (?:this|it|the check ?-?in)"
            r"(?: bit| part| thing)? works|how (?:does|do) (?:this|it|the check ?-?in)(?: bit| part| thing)? work(?: (?:again|exactly))?"
            r"|what counts as (?:an? |the )?(?:answer|good answer|right answer)"
            r"|how (?:does|do) (?:these|the|this|your) (?:questions?|check ?-?ins?)(?: (?:thing|bit|part))? work"
            r"|how (?:do|should|would|can) (?:i|we) (?:answer|reply to|respond to) (?:a|the) question like (?:that|this)"
            r"|what (?:are|were) the rules(?: (?:here|again))?|what happens (?:now|next)|what now"
            r"|is there a (?:right|wrong|correct|good|proper) (?:answer|thing to say)(?: (?:here|to (?:this|that)))?"
            r"|(?:do|should|can) (?:i|we) (?:just )?(?:say|give|pick) (?:a|the) (?:number|score|rating)"
            # what a word of the question means: "what do you mean by close", "what does appreciated mean here"
            r"|what (?:exactly )?do you (?:mean|want) by (?:that|this|it|[\w']+(?: [\w']+)?)(?: (?:here|exactly))?"
            r"|what does (?:that|it|this|[\w']+(?: [\w']+)?) (?:even |actually )?mean(?: (?:here|exactly|in this question))?"
            r"|(?:(?:can|could|would) you )?explain what you mean(?: by (?:that|this|it|[\w']+(?: [\w']+)?))?"
            r"|what (?:exactly |actually |even )?(?:are you|is this|is it|is the question) (?:after|asking|getting at|looking for)"
            r"(?: (?:me|here|exactly|for))*"
            r"|what (?:kind|sort|type) of (?:answer|thing|things|stuff) (?:are you looking for|are you expecting|are you hoping for"
            r"|can (?:i|we) say|should (?:i|we) (?:give|say)|do you mean|counts?)(?: (?:here|to (?:this|that)))?"
            r"|what (?:do|would|does) (?:you|it) (?:want|need|expect) (?:me|us) to (?:say|tell you|answer|talk about)(?: here)?"
            r"|what (?:should|do|can|shall|could) (?:i|we) (?:talk about|tell you|mention|say about (?:this|that|it))"
            r"|(?:(?:can|could|would) you (?:please )?)?give (?:me|us) (?:some |a (?:bit of |little )?)?(?:guidance|direction|help|steer)"
            r"(?: (?:here|please|with (?:this|that)(?: one)?))*"
            r"|what (?:is it|exactly is it|is it that) (?:you|this question|the question) (?:want|wants|need|needs|are asking"
            r"|'re asking|is asking)(?: (?:to know|me to say|from me))?"
            r"|what(?:'s| is) (?:the|this|that) question (?:getting at|after|asking|looking for|about|trying to (?:ask|get at|find out))"
            r"|what(?:'s| is| am i) expected (?:of|from) (?:me|us)(?: (?:here|now))?|what do you expect (?:of|from) (?:me|us)(?: here)?"
            r"|what(?:'s| is| would be| might be) (?:a |an |the )?(?:good|right|typical|normal|usual|example|sample|possible|best)"
            r" (?:answer|thing to say|reply)(?: (?:to|for) (?:this|that|it)(?: one| question)?)?",
    "repeat": r"(?:(?:can|could|would|will) you (?:please )?|(?:would|do) you mind )?(?:say (?:that|it|the question)"
              r"(?: bit| part| last bit)? again"
              r"|(?:say|read|ask|repeat) (?:that|it|the question)(?: (?:again|once more|one more time))?"
              r" (?:slower|more slowly|louder|more clearly|a (?:bit|little) (?:slower|louder|more slowly))"
              r"|what was (?:that|the) (?:last )?(?:bit|part)(?: (?:again|you said))?"
              r"|(?:(?:can|could|would) you (?:please )?)?(?:say|read|ask) (?:[\w']+ ){0,2}(?:a (?:bit|little) )?(?:slower|louder|more slowly"
              r"|more clearly)|(?:repeat|repeating)(?: that| it| the question)?(?: for (?:me|us))?|ask (?:that|it|me|us)(?: again| one more time)|read (?:that|it)(?: out)? again"
              r"|(?:run|go|read) (?:that|it|the question)(?: (?:by|past|over|through|for)(?: (?:me|us))?)? (?:again|once more"
              r"|one more time)|go over (?:that|it|the question) again|give (?:me|us) (?:that|the question) again)"
              r"|again|pardon(?: me)?|come again|sorry"
              r"|what|huh|what (?:was|is) (?:that|the (?:actual |last )?question)(?: again)?"
              r"|what (?:was|were) (?:i|we) (?:meant|supposed) to (?:be )?(?:answering|answer|saying)|what's the question|what (?:did|were) you (?:just )?(?:say|ask|asking|saying)(?: (?:me|us))?"
              r"|(?:i )?(?:didn't|did not|couldn't) (?:catch|hear)(?: that| it| the question| you)?|one more time",
}
ANSWER_CONTROLS: Dict[str, Pattern[str]] = {name: re.compile(f"^(?:{pattern})$") for name, pattern in
                                            _CONTROL_PATTERNS.items()}
# Quiet as a thing wished for ("what would help tomorrow?" - "peace and quiet"), not a hush.
_ANSWER_NOT_STOP = frozenset({"peace and quiet", "some quiet", "a bit of quiet", "some peace and quiet"})
# A clause said around a command that adds nothing to it ("stop please, i'm done", "huh? repeat").
_FILLER = re.compile(
    r"^(?:(?:i'm|we're|i am|we are|that's us|that's me|that's it) (?:done|finished)|thanks|thank you|(?:we're|i'm)"
    r" (?:going|off|heading) to (?:sleep|bed)|(?:and|then) (?:(?:go|get off|head) )?(?:to )?(?:sleep|bed)|good ?night|night night|that's all|huh|eh|hmm+|um+|sorry|please|okay|ok"
    r"|companion|i missed that|i didn't get that|no thanks|no thank you|not (?:tonight|now|right now)(?: thanks)?"
    r"|if (?:that's|that is|it's|it is) (?:ok|okay|alright|all right|fine|allowed)|if you don't mind|if i may|if i can"
    r"|honestly|to be honest|really|truly|cheers|ta|many thanks|(?:bye|goodbye|bye bye|see you)(?: (?:for now|then|now|both))?|thanks (?:so|very) much|thank you (?:so|very) much"
    r"|(?:sorry|thanks|thank you|cheers|over to you|your (?:turn|go)) [a-z]+|[a-z]+'s (?:turn|go)"
    r"|[a-z]+ (?:go |goes |can go |answers )?first)$")  # "pass, sorry Alex", "skip, Alex first"


def _filler(words: str) -> bool:
    """Whether a clause said around a command is filler, peeled or as said ("not tonight, stop")."""
    return bool(_FILLER.match(peeled(words)) or _FILLER.match(words))
# Bare words that are a command alone but lead answers too ("quiet, we had the house to ourselves"): they take only
# filler as asides.
_WEAK = frozenset({"quiet", "be quiet", "silence", "enough", "sorry", "what", "huh", "again", "next", "leave it", "done", "that's us",
                   "all done"})

# Words that talk about the talk. "time" only in "this time" / "one more time" (said as phrases below), so "next time"
# stays an answer.
_META = frozenset("""
a again all am an and answer answering any are as ask asked asking at be bit but by can can't catch caught could did
didn't do don't done down for from get give go going got have hear heard help here how i i'd i'll i'm i've if in is
isn't it it's just kind know let let's listen listening lost me mean meant meh missed more my need no not now of oh
ok okay on once one options or out over part pass pardon please question questions quite rather really repeat right
run said say saying see should skip skipping so sorry sort start stop stopping supposed sure tell than thanks that
that's the then there this to understand up us wait want was wasn't we we're were what what's when which why will
with won't would wouldn't yeah yes you your you're companion check-in checkin check in um uh er hmm huh eh well
actually again come next end ending finish finished quit cancel enough moment second sec mind asking expected
expecting leave mine by follow example examples
point exactly even something anything idea ideas hint hints clue clues tip tips suggestion suggestions about think
thinking talk word words means meaning reply last thing things type
way hand back round yourself gonna wanna gotta pick choose number score rating explain explaining these
oh ah gosh god jeez honestly basically literally kinda sorta
""".split())
# Words of a reason given with a command, about the two of them right now: wanting the evening over ("we're falling
# asleep"), not having heard ("i was miles away"), having nothing to say ("i'm drawing a blank"), keeping it to
# themselves ("it's too personal").
_REASON = frozenset("""
asleep sleep sleepy sleeping tired shattered knackered exhausted wiped beat late early bed bedtime night tonight good
fine falling nodding drifting dropping off calling day both eyes closing yawning it's that's already ready getting
heading past midnight half
nothing away miles distracted elsewhere daydreaming zoned drifted wandered somewhere else noisy loud blank stuck idea clue empty
private personal too much comfortable think
blanking stumped clueless comes coming springs mood energy headspace state later tomorrow another left
""".split())
# A reason opens a clause of its own: a subject and what it is or wants ("we're good", "it's late").
_REASON_OPENS = frozenset("we we're we've we'd we'll i i'm i've i'd i'll it it's that's both you're too so nothing".split())
REASON_MAX_WORDS = 6
# Words a clause cannot end on: what comes after them belongs to it ("i didn't want it to | end").
_DANGLING = frozenset("""a an the our my your to about of for with and or but so because if when it i we you they he
she did didn't do don't does doesn't want wanted can can't could couldn't would wouldn't will won't should shouldn't
is isn't was wasn't are aren't were weren't be never just""".split())
_OPINION = re.compile(r"^(?:i think|i guess|i reckon) | (?:i think|i guess|i reckon|i suppose)$")
_PHRASES = re.compile(r"\b(?:this time|one more time|next one|next question|the check ?-?in)\b")
# The command each word names, strongest first: a stop ends at once whatever else is said.
_KINDS = (
    ("stop", re.compile(r"\b(?:stop|stopping|quit|cancel)\b|\benough\b(?! about)|(?<!\bthe )(?<!\bstart to )(?<!\bbeginning to )(?<!\bfront to )\b(?:end|ending|finish)\b")),  # "the end bit", "start to end"
    ("skip", re.compile(r"\b(?:pass|skip|skipping)\b|(?<!\bthe )\bnext\b|\brather not\b|\b(?:don't|do not) want to answer\b"
                        r"|\bnot answering\b|\bwon't answer\b|\bnot (?:going to|gonna) answer\b")),
    ("repeat", re.compile(r"\bwhat (?:was|were) (?:i|we) (?:meant|supposed|expected) to\b")),  # the question gone by
    ("help", re.compile(r"\bhelp\b|\bexamples?\b|\b(?:what|how) (?:should|do|can|would|am|must) (?:i|we)(?: be)?"
                        r" (?:say|saying|answer|answering|reply|put)\b|\bhow (?:should|do|can|would) (?:i|we) answer\b|\bwhat do you want\b"
                        r"|\bwhat (?:do|does|did) (?:you|that|it|this|the question) mean\b|\b(?:meant|supposed|expected) to\b"
                        r"|\boptions\b|\b(?:don't|do not|didn't) (?:really |quite )?(?:understand|follow)\b|\bwhat you mean\b|\bconfused\b|\bi'm lost\b|\bwhat you're asking\b"
                        r"|\bwhat(?:'s| is| are) (?:this|it|the question|this question|that question|this one|that one|you) asking\b|\bwhat kind of (?:answer|thing)\b"
                        r"|\bwhat(?:'s| is) (?:the point of|(?:this|the|that) question (?:about|for|after))\b"
                        r"|\bwhat (?:exactly |actually )?(?:do|would|does) (?:you|it) (?:want|like|need)\b|\bwhat to (?:say|answer|talk about)\b"
                        r"|\b(?:my|an?|the) answer (?:be|sound like)\b"
                        r"|\b(?:any|some|a few|got any|have any) (?:ideas?|hints?|clues?|tips?|suggestions?|pointers?)\b"
                        r"|\b(?:a|an) (?:hint|clue|tip|suggestion|pointer)\b"
                        r"|\bthink of (?:something|anything|an answer)\b|\bexplain\b|\bway to (?:answer|say|reply|respond|do)\b"
                        r"|\b(?:not sure|unsure) (?:if |that )?i (?:understand|follow|get)\b|\b(?:pick|choose|decide on) (?:a|the) (?:number|score|rating)\b"
                        r"|\ba hand\b")),
    ("repeat", re.compile(r"\bagain\b|\brepeat\b|\bonce more\b|\bone more time\b|\bpardon(?! (?:the|my|our|his|her|their|me for)\b)"
                          r"|\b(?:i|we) (?:\w+ )?missed\b|\bmissed (?:that|it|the question|what)\b"
                          r"|\b(?:didn't|couldn't|can't|did not|could not|wasn't|not) (?:\w+ )?(?:hear|catch|listening)\b"
                          r"|\bwhat was (?:it|that)\b|\bcome again\b")),
)
_STOP_CUE = dict(_KINDS)["stop"]
MAX_WORDS = 10
_YES = re.compile(r"\b(?:yes|yeah|yep|definitely|absolutely|gladly)\b")
SHORT = 3
_SPEECH = re.compile(r"\b(?:say|said|ask|asked|repeat|question|hear|heard|catch|caught|missed|listening|pardon|what was|come"
                     r" again|tell|read|run)\b")
# What one of them said, told of ("you said it again, that you'd missed me", "he asked me that again"), not "what was it
# you said" nor "did you say".
_TOLD = re.compile(r"(?<!\bwhat )(?<!\bit )(?<!\bdid )(?<!\bwas that )(?<!\bwhat's that )(?<!\bis that )\b(?:you|he|she|they)(?:'ve| have| had)? (?:(?:just|kept|always|finally|even|then"
                   r"|actually|also|once) )?(?:said|told|asked|repeated|kept (?:saying|asking|telling))\b"
                   # words wished to be heard from the partner: "to hear you say again that it'll be fine"
                   r"|\bhear (?:you|them) say\b|\b(?:say|tell me|tell us) (?:it )?again that (?:it|you|we|i|they|everything)\b")
# Questions on a subject of theirs are not these questions: "no more questions about money at bedtime", "fewer
# questions over who forgot the bins" (but "questions about this", "the questions on the check-in" are).
_ON_A_SUBJECT = re.compile(r"\b(?:questions?|quiz|quizzing|session) (?:about|on|over|around|regarding|from) (?!(?:this|that|it|these"
                           r"|those|them|the check ?-?ins?|the questions|tonight|now|here|the rest)\b)")
# The question praised or weighed, said before an answer: "good question, probably the walk".
_APPRAISED = re.compile(r"\b(?:good|great|tough|hard|big|fair|interesting|lovely|nice|difficult|easy|deep|funny|tricky|silly"
                        r"|excellent|brilliant|loaded|sweet|cute|heavy|serious) (?:one|question)\b")
# Not a command for other reasons: a speaker's own stop ("i'll stop"), thanks, "if you want".
_OWN_SPEECH = re.compile(r"\b(?:i|i'd|i'll|we|we'd|we'll|i would|i will|i've|we've) (?:(?:just|kept|keep) )?(?:say|said|tell|told|read|reread"
                         r"|re-read|heard|listened|watched|played)\b|\b(?:again and again|over and over)\b")
# ... and asking of the partner's own ("quit asking if i'm sure"): the companion asks nothing of the kind.
_NOT_COMMAND = re.compile(r"\b(?:i'll|i will|we'll|we will) stop\b(?! (?:the |this )?(?:check ?-?ins?|questions?)\b)|^(?:thanks|thank you)\b|\b(?:if|when) (?:you|we) (?:want|need)\b"
                          r"|\basking (?:me |us )?(?:if|whether) (?:i'm|i am|i was|i'd|we're|we are|it's|it is|it was|it feels|that's)\b")
_MENTIONED = re.compile(r"\b(?:say|said|type|typed|just say|word) (?:stop|skip|pass|help|repeat|next|end)\b")
_COMMAND_WORDS = frozenset("stop stopping end finish quit cancel help repeat again enough skip pass next".split())
NEGATION_REACH = 4


# Not knowing or hearing is no refusal of what follows ("i don't know, can you help?").
_NOT_KNOWING = re.compile(r"\b(?:don't|do not|didn't|did not|can't|couldn't|not) (?=(?:really |quite )?(?:know|understand|follow"
                          r"|remember|hear|catch)\b)")


def _not_wanted(words: str, reach: int = NEGATION_REACH, kind: Optional[str] = None) -> bool:
    """Whether `words` say a command is not wanted ("i don't want it to stop", "i'll stop", "if you want"); not knowing
    or hearing comes before a help or a repeat without refusing it."""
    tokens = (_NOT_KNOWING.sub("", words) if kind in ("help", "repeat") else words).split()
    return bool(_NOT_COMMAND.search(words)) or any(t in _COMMAND_WORDS and negated(tokens, i, reach)
                                                    for i, t in enumerate(tokens))


# In talk about the talk a stop word is the end of what is asked: only "now", "here", "for tonight" and the like follow
# it ("can we stop now please", "i'd like to end it here"). Anything else makes it a word of the answer ("stop when i
# say", "stop at the end", "enough said"), and "enough" measured is a quantity ("just enough", "it was enough").
_AFTER_STOP = frozenset("""now here there please it this that then tonight for the check in check-in checkin questions
question asking thanks okay ok companion already altogether us things all of""".split())


def _asks_to_stop(words: str) -> bool:
    """Whether a stop word in normalised `words` (all talk about the talk) ends what is asked."""
    if MEASURED_ENOUGH.search(words):
        return False
    return any(all(w in _AFTER_STOP for w in words[m.end():].split()) for m in _STOP_CUE.finditer(words))


def meta_control(words: str) -> Optional[str]:
    """The command normalised `words` name when nothing but talk about the talk is said, or None (an answer)."""
    plain = _PHRASES.sub(" ", words)
    if _MENTIONED.search(words):
        return None  # "can i say skip?": the word asked about, not said
    if not words or len(words.split()) > MAX_WORDS or any(w not in _META for w in plain.split()):
        return None
    kind = next((kind for kind, cue in _KINDS if cue.search(words) and (kind != "stop" or _asks_to_stop(words))), None)
    if kind == "repeat" and (_OWN_SPEECH.search(words) or _TOLD.search(words)):
        return None  # "i'd say it again and again": the speaker's own words; "you said it again": the partner's
    if kind == "repeat" and not _SPEECH.search(words) and (len(words.split()) > SHORT or _YES.search(words)):
        return None  # "again? yes please" wishes for more  # "let's do it again" is an answer; "can you ask me that again" is not
    return None if _not_wanted(words, kind=kind) else kind


@functools.lru_cache(maxsize=4096)
def _explicit(words: str, whole: bool = False) -> Optional[str]:
    """The command a clause of normalised words says in one of the command phrases, or None; a recogniser's
    mishearing of a stop only when it is the `whole` utterance ("stop and talk more" is no stop)."""
    if heard_stop(words) if whole else is_stop_command(words):
        return "stop"
    # "no more questions" is a stop though "no" leads "no, stop"; "i think that's enough" is one too
    forms = (peeled(words), words, peeled(_OPINION.sub("", words)))
    return next((name for name, pattern in ANSWER_CONTROLS.items() if any(map(pattern.match, forms))), None)


@functools.lru_cache(maxsize=4096)
def _phrase(words: str, whole: bool = False) -> Optional[str]:
    """The command a clause of normalised words is on its own: a command phrase, or talk about the talk, or None."""
    return _explicit(words, whole) or meta_control(words)


# The check-in put off, said beside a stop ("Stop. We'll do this tomorrow."): alone it may be a plan of theirs.
_DEFERRED = re.compile(r"^(?:we'll|we will|let's|we can|can we|we could) (?:(?:do|finish|continue|carry on with|pick up) (?:this|it|the rest)"
                       r"(?: up)?|carry on|continue|go on|pick (?:this|it) up) (?:tomorrow(?: night)?|another (?:time|night|day|evening)|later|some other (?:time|night))$")


def _aside(words: List[str], kind: str, strong: bool) -> bool:
    """Whether a clause said around a `kind` command adds nothing of its own to it."""
    text = " ".join(words)
    if _filler(text) or _phrase(text) == kind or kind == "stop" and _DEFERRED.match(peeled(text)):
        return True
    words = peeled(re.sub(r"\bnext time\b", "later", text)).split()  # "sorry, i was distracted", "i'll go next time"
    # a reason says something of the two of them right now ("we're shattered"): "i want", "that's my go" say nothing
    return (strong and 2 <= len(words) <= REASON_MAX_WORDS and words[0] in _REASON_OPENS
            and all(w in _META or w in _REASON for w in words) and any(w in _REASON and w not in _REASON_OPENS for w in words)
            and not any(w in _COMMAND_WORDS for w in words))


def _with_asides(words: List[str]) -> Optional[str]:
    """The command in `words` said as a command phrase with asides before and after it, or None."""
    count = len(words)
    for start in range(count):
        for end in range(count, start, -1):
            if (start, end) == (0, count):
                continue
            said_not = negated(words, start, NEGATION_REACH) and not _filler(" ".join(words[:start]))
            kind = None if said_not else _phrase(" ".join(words[start:end]))
            if kind is None:
                continue
            said = peeled(" ".join(words[start:end]))
            # a reason stands beside a command phrase only, not beside talk about the talk ("i need an early night,
            # that's plenty for me" is the answer)
            strong = (said not in _WEAK and _explicit(" ".join(words[start:end])) == kind
                      and (kind != "repeat" or len(said.split()) > 1 and bool(_SPEECH.search(said))))
            before, after = words[:start], words[end:]
            if before and before[-1] in _DANGLING or after and after[0] == "to":
                continue  # "i didn't want it to end": what comes before leads into the command word
            if after and after[-1] in _DANGLING:
                continue  # "that's all i want": what comes after is no clause of its own
            if all(not part or _aside(part, kind, strong) for part in (before, after)):
                return kind
    return None


# Typed sentence and clause ends; a "?" on a bare "pardon" or "come again" makes it a question about the question.
_SENTENCE = re.compile(r"([^.?!;,]+)([.?!;,]*)")
_POINTED = re.compile(r"\b(?:this|that|it|here|now|answer|answering|say|question|do|work|example|explain|mean|options|hints?|tips?|ideas?|clues?)\b")
_CLOSER = re.compile(r"^(?:(?:that's|that is) (?:all|it|enough|plenty)(?: for me)?$|(?:that'll|that will) do(?: (?:me|us|nicely|fine))?$|(?:i've got |i have |i've )?nothing to (?:say|add)"
                     r"|(?:all )?(?:done|finished)\b|(?:i've got|i have|i got) nothing$"
                     r"|(?:i'm|i am|we're|we are) (?:done|finished)(?: in)?$|not me$"  # "I'm done, in the best way"
                     # lost for words, which closes an answer as often as it asks for help ("i don't know what to say, it
                     # was perfect")
                     r"|(?:i (?:really |honestly )?(?:don't|do not) know|(?:i'm |i am )?not (?:really |quite )?sure|(?:i have |i've got )?no idea"
                     r"|i can't think) (?:what|how) to (?:say|put))")
_ASKED_AGAIN = frozenset({"pardon", "pardon me", "come again", "sorry"})
SENTENCE_ASIDES_MAX = 12


def _own_sentence(words: str, asked: bool, bare: bool = False) -> Optional[str]:
    """The command a typed sentence is when it is a directed command by itself, strong enough to stand beside other
    sentences ("skip mine", "cancel this", "say that bit again", "pardon?"), or None. A help needs a pointer to the
    asking ("help with this", not "can you help"); words that only talk about the talk need a question or a word of
    question ("what was i meant to say?", not "the end bit", "enough said"). A `bare` one (one word, a closer: "pass", "that's all")
    stands only beside its own asides."""
    kind = _phrase(words)
    said = peeled(words)
    if kind is None or (said in _WEAK and not asked):
        return None
    if bare and not (asked and said in _ASKED_AGAIN) and (len(said.split()) == 1 or said in _WEAK or _CLOSER.match(said)):
        return None  # "Pass. I loved it, nothing to add" is an answer; "Pass. Ask Sam." is not
    if kind == "help" and not _POINTED.search(said):
        return None
    if not any(pattern.match(said) or pattern.match(words) for pattern in ANSWER_CONTROLS.values()) and not (
            is_stop_command(words) or asked):
        return None
    if kind == "repeat" and not (asked and said in _ASKED_AGAIN or len(said.split()) > 1 and _SPEECH.search(said)):
        return None
    return kind


# Wondering how to word it, or lost for words, said beside the words found ("how do i put it? cosy", "what can i say, it
# was perfect", "safe, how do i say it", "no words, just wow"): the answer with its lead-in. Said beside only talk about the talk ("what should i say? no
# idea") it asks for help.
_LEAD_IN = re.compile(r"^(?:(?:well|so|um|erm|hmm|oh|gosh|ah) )*(?:how (?:do|can|shall|should|could|would|to) (?:i |we )?(?:even |best )?"
                      r"(?:say|put|describe|phrase|word|explain)(?: (?:it|this|that))?(?: (?:exactly|really|even))?"
                      r"|what (?:else |more )?(?:can|could|shall) (?:i|we) (?:even |possibly |really )?say(?: (?:here|really|even))?"
                      r"|what(?:'s| is) the word"
                      # lost for words: "i don't know what to say, it was perfect"
                      r"|(?:i (?:really |honestly |just )?(?:don't|do not) know|(?:i'm |i am )?not (?:really |quite )?sure|(?:i have |i've got )?no idea"
                      r"|i can't think|i'm lost for|i'm struggling for) (?:what|how) to (?:say|put it)(?: (?:really|even|honestly))?"
                      r"|(?:i'm )?lost for words|(?:i'm )?speechless|no words)$")


def _worded(words: str, rest: str) -> bool:
    """Whether a sentence wondering how to word it (`words`) stands beside words of the answer's own (`rest`)."""
    return bool(_LEAD_IN.match(peeled(words))) and any(w not in _META and w not in _REASON and w not in _PLAIN
                                                       for w in rest.split())


# Words that bring nothing of an answer's own: "what do i say? i've never done this".
_PLAIN = frozenset("never ever before been had has did does much very too such always new first".split())


def _worded_answer(words: str) -> bool:
    """Whether normalised `words` open or close with wondering how to word it, beside words of the answer's own."""
    tokens = words.split()
    return any(_worded(" ".join(tokens[:k]), " ".join(tokens[k:])) or _worded(" ".join(tokens[k:]), " ".join(tokens[:k]))
               for k in range(1, len(tokens)))


_NAME = re.compile(r"^[A-Z][a-z]+$")
_CONTINUED = re.compile(r"^(?:so|and|but|because|or|then) ")  # "i'm out of ideas for dinner, so help with that"


def _sentence_command(text: str) -> Optional[str]:
    """A directed command typed as the first or last sentence of its own, whatever short sentences go with it: a
    reason or a word to the partner ("Pass. Ask Sam.", "Come again? The fan's too loud.", "Skip mine. I'll answer it
    tomorrow.")."""
    said = [m for m in _SENTENCE.finditer(text) if normalise(m.group(1)) and not polite_only(m.group(1))]
    parts = [(with_apostrophes(normalise(m.group(1))), "?" in m.group(2)) for m in said]
    if len(parts) < 2:
        return None
    for at in (0, len(parts) - 1):
        rest = " ".join(words for i, (words, _) in enumerate(parts) if i != at)
        kind = None if _CONTINUED.match(parts[at][0]) else _own_sentence(*parts[at])
        if kind is None or len(rest.split()) > SENTENCE_ASIDES_MAX or _not_wanted(rest) or kind == "help" and _worded(
                parts[at][0], rest):
            continue
        handed = kind == "skip" and len(parts) == 2 and _NAME.match(said[1 - at].group(1).strip())  # "Pass. Alex?"
        if _own_sentence(*parts[at], bare=True) or handed or _aside(rest.split(), kind, True):
            # a stop said beside another command ends it at once: "I can't do this one. Stop."
            stopped = any(_phrase(words) == "stop" for i, (words, _) in enumerate(parts) if i != at)
            return "stop" if stopped else kind
    return None


# The words claimed as the answer ("cuddles. that's my answer", "my honest answer is yes"): an answer given, whatever
# command words it holds, unless the answer claimed is a pass ("my answer's a pass").
CLAIMED = re.compile(r"\b(?:that's|that is|this is|here's|here is|it's|it is|that was|that'd be|that would be|there's) (?:my|our)"
                     r" (?:\w+ )?answer\b(?! (?:a )?(?:pass|skip)\b)|(?<!what )(?<!know )(?<!if )(?<!whether )\b(?:my|our) (?:\w+ )?"
                     r"answer(?:'s| is| would be| will be) (?!(?:a )?(?:pass|skip|no comment)\b)\w+")


def answer_control(text: str) -> Optional[str]:
    """A directed command said instead of an answer (stop, skip, help, repeat), or None: the words are the answer."""
    words = with_apostrophes(normalise(text))
    if not words or words in _ANSWER_NOT_STOP or CLAIMED.search(words):
        return None
    return (_phrase(words, whole=True) or (_with_asides(words.split()) if len(words.split()) <= MAX_WORDS + 4 else None)
            or _sentence_command(text))


# What the classifier hears as a command counts inside an answer only when it is said about the talk itself: the
# check-in, its questions, a turn, the companion, the asking and hearing ("can we stop the whole thing? not tonight",
# "skip mine, i'll answer it tomorrow", "what were you asking?"). An answer's command word is about the couple's life
# ("we couldn't stop laughing", "a little more kissing before we skip ahead") and names none of these.
# "switch off the phones" names a thing of theirs; "switch the check-in off" and "switch off, we're tired" do not.
_TALK_OFF = (r"(?:(?:it|yourself|this|everything|the whole thing|(?:the |this )?(?:check ?-?ins?|questions)) )?(?:off|down)"
             r"(?! (?:the|my|your|our|his|her|their|all|those|these|them|that|this)\b)")
_ABOUT_THE_TALK = re.compile(
    r"\b(?:check ?-?ins?|questions?|session|quiz|survey|companion|this one|that one|this bit|the whole thing"
    r"|the rest of (?:this|it|them)|(?:my|your|their|his|her) (?:turn|go)|mine|answer|answering|ask (?:me|us|it|that)"
    r"|(?:say|said|read) (?:that|it|this)|what (?:did|were|was) you|(?:hear|catch) (?:you|that|it|the)|pardon(?! (?:the|my|our|his|her|their|me for)\b)"
    r"|(?:should|can|could|must|do) (?:i|we) say|(?:say|said) to you|once more|one more time|explain"
    r"|how does (?:this|it|that)|options|commands|next (?:one|question|bit)"
    r"|(?:switch|shut|turn) " + _TALK_OFF + r"|call it a night|wrap (?:it|this|things) up|(?:what|how) to (?:say|answer|reply)"
    r"|(?:skip|move on|pass it|over)(?: straight)? to \w+$|(?:skip|pass on|pass|cancel|repeat|explain) (?:this|that|it)(?: one)?$)\b")
# Inside a check-in, the classifier's "start a check-in" with a word of ending is the check-in being ended.
_ENDING = re.compile(r"\b(?:end|ending|stop|finish|quit|cancel|close|kill|scrap|done|terminate|abort|exit|over|(?:switch|shut|turn) " + _TALK_OFF
                     + r"|no more|call it a night|wrap (?:[\w'-]+ )?up|done with|enough)\b")
CLASSIFIED_CONTROLS = frozenset({"stop", "skip", "help", "repeat"})
MIN_CLASSIFIED = 0.4


def classified_control(message: Dict[str, Any], text: str) -> Optional[str]:
    """The command the classifier heard in an answer (a parsed `message`) when the words are about the talk itself,
    or None."""
    intent = message.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    words = with_apostrophes(normalise(text))
    kind = "stop" if name == "start_checkin" and _ENDING.search(words) else name
    if CLAIMED.search(words):
        return None  # "can we do that again? that's my answer"
    # the talk named within one typed clause: "i'd rather skip this, honestly", not "enough said, it was fab"
    clauses = [with_apostrophes(said(m.group(1))) for m in _SENTENCE.finditer(text) for said in (normalise, peeled)]
    if kind in ("repeat", "help"):  # "good question, probably the walk": the question praised, not asked about
        clauses = [_APPRAISED.sub(" ", clause) for clause in clauses]
    clauses = [_ON_A_SUBJECT.sub(" ", clause) for clause in clauses]  # "no more questions about money at bedtime"
    if kind not in CLASSIFIED_CONTROLS or confidence < MIN_CLASSIFIED or not any(map(_ABOUT_THE_TALK.search, clauses)):
        return None
    if kind == "repeat" and (_OWN_SPEECH.search(words) or _TOLD.search(words)
                             or len(words.split()) > SHORT + 1 and not _SPEECH.search(words)):
        return None  # "i'd say it again and again", "you said it again", "once more, like that, next time"
    if kind == "help" and _worded_answer(words):
        return None  # "what can i say, it was perfect"
    # "i don't want the check in to stop": the negation further back, as these are whole sentences
    return None if _not_wanted(words, NEGATION_REACH + 2, kind) else str(kind)


def ends_the_talk(text: str) -> bool:
    """Whether `text` is a directed stop that ends a whole conversation, not one turn of it: "let's end it here", "end
    the conversation", "we'd like to stop"; a turn's closer ("i'm done", "that's it", "that's all") is no stop there."""
    said = peeled(f"{with_apostrophes(normalise(text))} x")[:-2]  # polite and wake words off the front only
    return answer_control(text) == "stop" and not (_CLOSER.match(said) or said in _WEAK)
