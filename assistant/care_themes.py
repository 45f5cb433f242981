"""The themes a disclosure is told in, as word classes the second opinion (assistant/dialogue/care_opinion.py) reads
beside the words: a line that says "watched" where training said "checked", or "the car" where it said "the
bathroom", still carries the theme its words belong to. The opinion learns from the training data how much each
theme weighs, and against which ordinary words (a theme alone decides nothing: "i cried at the film" has one).

Each theme is a class of wording written by meaning, not from any evaluation line: being watched or checked on;
hiding, secrecy and keeping up appearances; crying; no say or choice; fear, bracing and flinching; the partner
as the one who acts; a night or a body that was not one's own; hopelessness and dark thoughts; a hedge before
something hard ("i don't know if this matters"); harm to the body. Two more tell an ordinary answer: an
everyday cause named, and a softening beside the hard words.
"""

from __future__ import annotations

import re
from typing import List, Pattern, Tuple

_THEMES: Tuple[Tuple[str, str], ...] = (
    ("watched", r"\b(?:watch(?:es|ed|ing)?|monitor\w*|track\w*|follow(?:s|ed|ing)?|spy\w*|spies|stalk\w*|camera\w*"
                r"|location|whereabouts|check(?:s|ed|ing)? (?:on|up on|in on) me|checks? my|checked my|goes through my"
                r"|went through my|listen(?:s|ed|ing)? in|eyes on me|keeps? tabs|account for|report back|timed|times me"
                r"|ask(?:ed)? permission|permission|password\w*|my phone|my messages|my texts)\b"),
    ("hiding", r"\b(?:hide|hides|hid|hidden|hiding|secret\w*|nobody (?:knows|would|can|could|saw|sees|hears|heard)"
               r"|no one (?:knows|would|can|could|saw|sees|hears|heard)|(?:can't|couldn't|cannot|won't|don't) tell"
               r"|pretend\w*|cover(?:ed|ing)? (?:it|up|for)|put on a (?:face|brave face|smile)|behind closed doors"
               r"|so (?:he|she|they|nobody|no one) (?:wouldn't|won't|doesn't|didn't|can't|couldn't) (?:hear|see|know"
               r"|notice)|(?:locked|lock) (?:myself|the door)|in the (?:car|bathroom|shower|toilet|loo)|quietly"
               r"|on my own|by myself|alone)\b"),
    ("crying", r"\b(?:cry|cries|cried|crying|sob\w*|tears|teary|weep\w*|wept|bawl\w*)\b"),
    ("no_say", r"\b(?:no (?:choice|say|option|way out)|(?:have|had|has) to (?:do|say|go|ask|agree|let|give|be)"
               r"|made me|makes me|make me|forc\w+|pressur\w+|push(?:ed|es|ing)? me|not allowed|(?:isn't|wasn't|aren't)"
               r" allowed|allowed to|(?:can't|couldn't|cannot|can never|never) (?:say no|refuse|object|argue|leave|get out)"
               r"|said no|say no|saying no|took no|take no|gave in|give in|giving in|went along|go along|going along"
               r"|obey\w*|orders?|told to|or else|punish\w*|pay for it|owe|owed|obliged|expected to|my duty"
               r"|(?:doesn't|didn't|don't|never) (?:ask|listen|stop|wait|care what i)|whether i (?:want|wanted|like))\b"),
    ("fear", r"\b(?:scared|afraid|frightened|terrified|petrified|fear\w*|dread\w*|panic\w*|on edge|eggshells|tiptoe\w*"
             r"|flinch\w*|brace|bracing|braced|jump(?:y|ed) when|shaking|trembl\w*|nervous (?:around|of|when)|tense up"
             r"|freeze|froze|frozen|anxious (?:around|when|about what))\b"),
    ("partner_acts", r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|spouse))(?:'s| is| was| were"
                     r"| keeps| kept| gets| got| goes| went| always| never| just| won't| wouldn't| doesn't| didn't)?"
                     r" (?:shout\w*|scream\w*|yell\w*|grab\w*|push\w*|shov\w*|hit\w*|slap\w*|throw\w*|threw|smash\w*"
                     r"|snap\w*|rage\w*|sulk\w*|punish\w*|blam\w*|insult\w*|mock\w*|belittl\w*|control\w*|decid\w*"
                     r"|check\w*|watch\w*|track\w*|read\w*|take\w*|took|kept|keeps|won't let|doesn't let|didn't let"
                     r"|makes|made|forc\w*|mad|angry|furious|cold|nasty|mean|cruel|rough|drunk)\b"),
    ("not_mine", r"\b(?:my body|not mine|done to me|used|an object|a thing|numb|went numb|switched off|zoned out"
                 r"|somewhere else|counted|count(?:ing)? the|until it was over|till it was over|until it ended"
                 r"|get it over|over with|wasn't there|out of my body|ceiling)\b"),
    ("dark", r"\b(?:no point|pointless|hopeless\w*|give up|given up|giving up|can't go on|can't do this|can't cope"
             r"|disappear\w*|vanish\w*|not (?:be )?here any ?more|not wake up|never wake|burden|worthless|better off"
             r"|end it|ending it|ended it|dark thoughts|dark place|darkness|nothing matters|don't matter|empty"
             r"|exist\w*|tired of everything|done with (?:it all|everything|life)|goodbye|pills|edge of|bridge"
             r"|kill\w*|die|dying|dead|death)\b"),
    ("hedge", r"\b(?:(?:don't|do not) know if (?:this|it|that)|not sure if (?:this|it|that|i should)|probably nothing"
              r"|(?:maybe|might be|it's probably) nothing|this (?:might|may|will) sound|(?:i|we) shouldn't say"
              r"|is (?:it|that) normal|don't know how to (?:say|put)|never told anyone|haven't told anyone"
              r"|not supposed to (?:say|tell)|can i (?:tell|say) (?:you )?something|it's silly but|(?:i|it) (?:might|may)"
              r" be overreacting|overreacting|i don't know what to do|doesn't matter but|if (?:that|this) (?:counts|makes"
              r" sense|matters))\b"),
    # care9: one's own things held by another (keys, money, card, phone); getting out (a bag packed, somewhere to
    # stay); watching the partner's moods and the door; harm long ago that comes back
    ("own_things", r"\bmy (?:own )?(?:keys|car keys|car|wallet|purse|money|cash|bank ?card|cards|wages|salary|pay|phone"
                   r"|passport|documents|papers|allowance)\b"),
    ("leaving", r"\b(?:pack(?:ed|ing)? (?:a|my) (?:bag|case|suitcase)|get me out|come and (?:get|fetch) me"
                r"|(?:somewhere|a place|anywhere) to (?:stay|go|sleep)|leav(?:e|ing) (?:him|her|them|for good|for real)"
                r"|(?:get|run|getting|running) away|escap\w*|refuge|shelter|a sofa|(?:stay|staying) (?:with|at) (?:my|a)"
                r" (?:friend|friend's|sister|sister's|brother|mum|mum's|parents)|just in case|in case i need)\b"),
    ("vigilance", r"\b(?:listen(?:ing)? for|watch(?:ing)? for|(?:kept|keep|keeping) (?:looking|glancing|an eye) (?:at|on)"
                  r"|read(?:ing)? (?:his|her|their) (?:face|mood)|what mood|which mood|the door|(?:how|if) (?:they|he|she)"
                  r"(?:'ll| will| would|'d)? react|careful (?:what|how) i|walk(?:ing)? on|(?:stomach|heart) (?:drops|sinks))\b"),
    ("past", r"\b(?:when i was (?:a kid|little|young|a child|a teenager|younger)|years ago|my (?:old|former|first)"
             r" (?:partner|boyfriend|girlfriend|husband|wife)|my ex|step-?(?:dad|father|mum|mother)|uncle|flashbacks?"
             r"|nightmares?|brought (?:back|up)|took me (?:straight )?back|back then|as a child|growing up)\b"),
    # ... and two that tell an ordinary answer: an everyday cause named (work, health, chores, errands, weather,
    # pets, time), and a softening said beside the hard words ("nothing to do with them", "happy tears")
    ("everyday", r"\b(?:work|job|office|boss|manager|colleagues?|meeting|meetings|deadline|emails?|shift|slides"
                 r"|exam|exams|school|homework|uni|gym|run|running|match|training|traffic|train|bus|commute|weather|rain"
                 r"|cold|flu|migraine|headache|back|knee|legs|cough|dentist|appointment|bank|card|bills?|tax|shopping"
                 r"|groceries|dishes|laundry|washing|bins|hoover\w*|cleaning|cooking|dinner|lunch|breakfast|dog|cat|vet"
                 r"|kids|baby|mum|dad|parents|sister|brother|neighbours?|parking|car|garage|boiler|plumber|builders"
                 r"|printer|laptop|internet|wifi|telly|tv|film|show|game|phone call|the time|the clock|sleep|tired"
                 r"|shattered|knackered|exhausted)\b"),
    ("mild", r"\b(?:nothing to do with (?:them|him|her|you)|no big deal|nothing (?:serious|major"
             r"|bad)|happy (?:tears|emotional|crying)|in a good way|but (?:lovely|nice|good|great|fine|okay|we're (?:okay"
             r"|fine|good))|it's fine really|all good|for a laugh|only joking|i'm (?:fine|okay|good) (?:now|really)"
             r"|we (?:sorted|laughed|made up)|silly (?:me|really)|not the end of the world)\b"),
    ("body_harm", r"\b(?:bruis\w*|marks? on|mark on|welts?|bleed\w*|blood|bled|cuts? on|scar\w*|burn\w* (?:on|my)"
                  r"|grab\w*|choke\w*|chok\w*|strangl\w*|wrists?|throat|neck|black eye|split lip|sore (?:wrist|arm|neck"
                  r"|throat))\b"),
)
THEMES: Tuple[Tuple[str, Pattern[str]], ...] = tuple((name, re.compile(p)) for name, p in _THEMES)


def themes(words: str) -> List[str]:
    """The themes `words` (lower case, as `care_cues.words_of` gives them) carry, as terms of their own."""
    return [f"#{name}" for name, pattern in THEMES if pattern.search(words)]
