"""Disclosures told by a hint, and the everyday lines that share their words (care10, issue 27).

A hint names no harm, yet says it plainly to anyone who listens: being watched or asked to account for every hour;
marks kept covered or explained away; a door held shut at night; crying where nobody hears; agreeing or keeping quiet
so nothing starts; a day counted good because nothing happened; the answer one is meant to give; doubting one will
still be here; standing at a height; giving one's things away. HINTS are read wherever DISTRESS_CUES are.

EVERYDAY_CAUSE is the other side: a low or cranky mood with a plain cause (no sleep, the train, work), work that
pressured someone into more of it, a no to cake, the point of an app, clothes given to charity, a podcast finished
in the car. With no cue beside it, such a line is ordinary, however the classifier leans.
"""

from __future__ import annotations

import re
from typing import Sequence

_THEY = r"(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|spouse))"
# Others whose watching, asking or rows are ordinary: work, family, school.
_OTHERS = (r"(?:boss|manager|work|office|colleagues?|team|client|customers?|teacher|school|mum|dad|mother|father"
           r"|parents|sister|brother|nan|gran|grandma|grandad|kids?|son|daughter|baby|toddler|dog|coach|landlord)")
_LAUGH = r"(?:lol|haha\w*|joking|kidding|embarrass\w*|cringe\w*|mortif\w*)"


def _join(parts: Sequence[str]) -> "re.Pattern[str]":
    return re.compile("|".join(f"(?:{p})" for p in parts))


HINTS = _join((
    # watched, asked to account for oneself, every hour
    rf"^(?!.*\b{_OTHERS}\b)(?=.*\b(?:every|all the time|all day|constantly|always|again|the second|the minute"
    r"|or (?:else|there's)|non-?stop|\w+ times)\b).*\b(?:asks?|asking|asked|wants? to know|demands? to know|has to know"
    r"|texts?|texting|rings?|ringing|calls?|calling|phones?|phoning|messages?) (?:me )?(?:who i'm|who i am|who i was"
    r"|who i've been|where i am|where i was|where i've been|what i'm doing)(?: \w+)?\b",
    r"\b(?:every|each) (?:\w+ )?(?:minutes?|hour|half hour)\b(?=.*\b(?:where i am|who i'm with|who i was with"
    r"|what i'm doing|a (?:photo|picture|selfie))\b)(?!.*\b" + _OTHERS + r"\b)",
    r"\b(?:send|sends|sent|sending) (?:a |them |him |her )?(?:photo|picture|pic|selfie|video)s? (?:of |to (?:prove|show) )"
    r"(?:where i am|who i'm with|who i was with|the room)\b",
    r"\b(?:have to|had to|must|made to) (?:share|keep|leave) my location\b|\b(?:times|timed|timing) (?:me|how long i)\b"
    r"(?=.*\b(?:shop|out|gone|back|home|toilet|bath|shower)\b)",
    # harm covered up or explained away: marks hidden under clothes, a fall that wasn't
    r"^(?!.*\b(?:air ?con|office|cold|freezing|chilly|sun ?burn\w*|tan|mosquito\w*|midges|fashion|style|tattoos?)\b)"
    r".*\b(?:long sleeves|a scarf|scarves|polo necks?|turtle ?necks?|high necks?|concealer)\b.*\b(?:even (?:in|when|on)"
    r"|in (?:summer|the heat|july|august)|when it's (?:hot|boiling|warm)|to cover|so (?:nobody|no one|people|they)"
    r" (?:can't|don't|won't|wouldn't))\b",
    rf"^(?!.*\b{_LAUGH}\b).*\b(?:told|tell|telling|said to|say to) (?:my |the |our )?(?:friends?|mum|dad|family|work"
    r"|boss|colleagues|doctor|nurse|gp|everyone|people|them|my sister|my brother|the school)\b(?: \w+){0,2}"
    r" (?:that )?i (?:fell|walked into|tripped|slipped|bumped into|banged (?:it|my \w+) on|caught (?:it|my \w+) on)\b",
    r"\b(?:marks?|bruises?|cuts?|scars?|burns?) (?:on my \w+ )?(?:aren't|weren't|isn't|wasn't|are not|were not)"
    r" (?:really |actually )?from\b",
    # a door held shut at night, a bag by it
    r"\b(?:chair|wardrobe|drawers|something|a chest|bedside table|table) (?:wedged |pushed |propped |shoved |jammed )?"
    r"(?:against|under|behind|in front of) the (?:door|handle)\b"
    r"|\bbarricad\w*\b|\b(?:sleep|sleeping|slept) with (?:the door locked|a knife|my shoes on|my keys)\b",
    # tears kept where nobody hears or sees
    r"\b(?:cry|cries|cried|crying|sob|sobbing|sobbed)\b[^.;!?]{0,50}\b(?:so (?:nobody|no one|they|he|she|the kids)"
    r" (?:can't|couldn't|won't|wouldn't|doesn't|don't|didn't) (?:hear|see|notice|know)|where (?:nobody|no one|they|he"
    r"|she) (?:can't |couldn't )?(?:hear|see)|(?:when|while|before|after) (?:they're|he's|she's) (?:asleep|out|gone))\b"
    r"|\bcr(?:y|ied|ying) myself to sleep\b",
    # yes, silence or agreement so that nothing starts
    rf"^(?!.*\b{_OTHERS}\b).*\b(?:say|said|saying|agree|agreed|agreeing|go along|went along|do|did) (?:yes )?(?:with it"
    r" |to everything |to it )?(?:just )?(?:to avoid|so (?:there's|there isn't|there won't be|we don't have|i don't have"
    r" to (?:face|deal with)|it doesn't (?:turn|start|kick))|because (?:saying no|no) (?:starts|means|turns into|leads))"
    r"(?: \w+){0,2}? ?(?:a |the |another |whole )?(?:row|fight|argument|scene|thing|blow-?up|shouting|sulk\w*|mood|fallout"
    r"|trouble|explosion)\b",
    rf"^(?!.*\b{_OTHERS}\b).*\b(?:not worth|isn't worth) (?:the |what happens|what comes|the row|the fight|the fallout"
    r"|the sulk\w*|the trouble|the grief)\b(?=.*\b(?:if i|when i|to say no|saying no|to argue|arguing|to refuse)\b)",
    rf"^(?!.*\b{_OTHERS}\b).*\bi (?:kept|keep|stayed|stay|bit|bite|held|hold) (?:quiet|silent|my tongue|my mouth shut"
    r"|my head down)\b.*\b(?:calm|peace|peaceful|nothing (?:kicked|kicks|blew|blows) (?:off|up)|no row|no fight"
    r"|no shouting|(?:stay|stayed|stays|kept|keep) (?:nice|happy|quiet|okay))\b",
    r"\b(?:less hassle|less trouble|easier|quicker|safer) than (?:the )?(?:sulk\w*|silent treatment|row|fight|shouting"
    r"|mood|fallout|arguing|the cold shoulder)\b",
    # a day counted good because nothing happened to one
    rf"^(?!.*\b{_OTHERS}\b)(?=.*\b(?:good|win|lucky|something|result|nice change|progress|better)\b).*\b(?:didn't"
    r"|did not|never|wasn't|weren't) (?:get |got |been )?(?:shouted|yelled|screamed|sworn|snapped) at\b",
    r"\b(?:have|had|didn't have|don't have|always) to watch (?:every|each) (?:word|step|move)\b(?!.*\b(?:work|client"
    r"|boss|meeting|interview|customers?)\b)",
    # the answer one is meant to give
    r"\b(?:that's|it's|is|was) (?:the answer|the number|the score|what) (?:i'm|i am|i was) (?:supposed|meant|expected"
    r"|told|allowed) to (?:give|say)\b",
    # doubting one will still be here; standing at a height; things given away for good
    r"\b(?:not sure|don't know if|don't think|doubt|wonder if) i(?:'ll| will| can| could)? (?:still )?(?:be (?:alive|here"
    r" much longer|around much longer)|still be (?:here|around)|make it (?:to|through|past|until|till) (?:tomorrow|the"
    r" morning|morning|tonight|the night|the weekend|next week))\b(?!'s)(?!.*\b(?:meeting|party|shift|gym|class"
    r"|dinner|pub|match|deadline|train|flight|bus|work|drinks|wedding|quiz|show)\b)",
    r"^(?!.*\b(?:view|sunset|sunrise|fireworks|photos?|pictures?|selfie|tourists?|lovely|gorgeous|beautiful)\b).*\b(?:stood"
    r"|standing|stand|sat|sitting) (?:on|at|by) (?:the |a )?(?:edge of |top of )?(?:the |a )?(?:bridge|cliff|cliff edge"
    r"|platform edge|ledge|roof|multi-?storey)\b[^.;!?]*\b(?:for (?:a long time|ages|a while|an hour)|thinking|looking down"
    r"|a long time|wondering)\b",
    r"\b(?:giving|gave|give|given) (?:my|all my|away my) (?:things|stuff|belongings|jewellery|books|clothes)\b"
    r"[^.;!?]{0,40}\b(?:won't need|not going to need|don't need (?:them|it) any ?more|where i'm going|after i'm gone)\b"
    r"|\bi won't need (?:them|it|these|any of it) (?:any ?more|much longer|where i'm going)\b",
    # a need one hides from the partner: someone who'll believe them, someone who isn't them
    r"\bsomeone (?:to talk to )?who (?:isn't|is not) (?:him|her|them)\b|\bsomeone (?:who'll|who will|to) believe me\b",
    # control of money and people: wages handed over, an allowance, friends and family cut off
    r"\b(?:hand|hands|handed|handing|give|gives|gave) over (?:all )?my (?:wages|pay|salary|bank ?card|pin|earnings)\b"
    rf"|\b(?:an allowance|pocket money) from {_THEY}\b|\b(?:cut|cuts|cutting) me off from (?:my |all my |everyone"
    r"|everybody)(?:friends|family|mates|people)?\b|\b(?:stops?|stopped|stopping) me (?:from )?(?:seeing|working"
    r"|going out|talking to|calling|visiting) (?:my |anyone|anybody|friends|family|people)\b",
    # a voice or a thought that tells one to do harm; the world better without one; goodbyes said
    r"\b(?:voices?|thoughts?|something) (?:in my head )?(?:that |which )?(?:keeps? |kept )?(?:telling|tell|tells|saying|say|says|told)"
    r" me to (?:hurt|end|kill|cut|jump|die|do it|stop eating|walk into)\b"
    r"|\b(?:everyone|everybody|they|the kids|people|my family)(?:'d| would| will|'ll) (?:be |all be )?(?:fine|happier"
    r"|better|okay|cope|manage|get on) (?:\w+ )?without me\b"
    r"|\b(?:what's|what is) the point (?:of|in) (?:anything|any of it|trying|me|going on|carrying on|it all|getting up"
    r"|being here|living)\b|\b(?:said|saying|say) my goodbyes\b|\bwon't be (?:a problem|a burden|around|in the way)"
    r" (?:much longer|for (?:much )?longer|for long)\b",
    # fear at the sound of the partner coming home; an injury from a row
    r"\b(?:heart|stomach|chest) (?:starts? |goes |went )?(?:pounds?|pounding|races?|racing|drops?|sinks?|lurches?"
    r"|tightens?|knots?)\b[^.;!?]{0,20}\bwhen (?:i hear )?(?:his|her|their|the) (?:key|keys|car|footsteps|voice"
    r"|front door)\b|\b(?:black eye|split lip|fat lip|sprained wrist|cracked rib)\b[^.;!?]{0,30}\b(?:from|after|during)"
    r" (?:him|her|them|the (?:row|argument|fight)|our (?:row|argument|fight))\b",
    # a self of no account: made small, a ghost in one's own life
    r"\bmak(?:e|es|ing) myself (?:small|smaller|invisible)\b|\b(?:ghost|stranger|prisoner) in my own (?:life|home|house)\b",
))

# Pressure to do more of an everyday thing (shifts, hosting, dessert), or from work or family: not coercion.
PRESSED_TO_MORE = _join((
    r"\b(?:pressured|pushed|roped|talked|guilted) (?:me )?into (?:\w+ ){0,3}?(?:shifts?|overtime|working|work|a project"
    r"|leading|running|organi[sz]ing|hosting|volunteer\w*|chairing|presenting|the (?:quiz|raffle|bake sale|committee"
    r"|rota|review|report|presentation)|joining|signing up|buying|karaoke|a marathon|dessert|another drink|a second)\b",
    rf"\b{_OTHERS}\b(?: \w+){{0,2}} (?:pressured|pushed|roped|talked) me into\b",
))

# A threat from the weather or an institution ("the rain is threatening to ruin the barbecue", "the council threatened
# to shut the library"): no one threatens the speaker (bench/care.py: two such ordinary lines took the care path).
IMPERSONAL_THREAT = re.compile(
    r"\b(?:rain|storm|weather|clouds?|sky|wind|snow|frost|flood|river|sea|landlord|landlord's|letting agent|agency|council"
    r"|bank|government|school|airline|company|firm|management|gym|club|league|insurance)\b(?: [a-z']+){0,2}?"
    r" threat(?:en|ens|ened|ening)\b")

# A mood with a plain cause, work that asked for more, and everyday things that share the words of a hint.
EVERYDAY_CAUSE = _join((
    PRESSED_TO_MORE.pattern,
    r"\b(?:cranky|grumpy|grouchy|irritable|snappy|ratty|moody|tetchy|crabby|short-tempered|tired|knackered|shattered"
    r"|wiped|drained|exhausted|flat|low|teary|emotional|stressed|frazzled|fed up)\b[^.;!?]{0,20}\b(?:because|cos|'cause"
    r"|since|after|from)\b[^.;!?]{0,40}\b(?:sleep|slept|insomnia|work|shift|meeting|deadline|train|bus|commute|traffic"
    r"|kids?|baby|toddler|teething|weather|heat|cold|flu|hangover|period|cramps|exams?|move|moving|builders|neighbours?"
    r"|dog|boss|manager|emails?|inbox|week|day)\b(?!.*\b(?:scared|afraid|hurt\w*|hit|shout\w*|yell\w*|threat\w*"
    r"|forced|grab\w*)\b)",
    r"\b(?:can't|cannot|never) say no to (?!(?:him|her|them|my (?:partner|husband|wife|boyfriend|girlfriend)|sex|it\b"
    r"|that\b|anything|whatever))(?:a |an |some |the |free |good |fresh )?(?:cake|biscuits?|chocolate|pizza|crisps"
    r"|wine|food|dessert|pudding|puppies|cheese|chips|a bargain|a sale|shoes|coffee|doughnuts?|sweets|seconds|a takeaway)\b",
    r"\b(?:don't|can't|didn't) see the point (?:of|in) (?:that|this|the|a|an|those|these|his|her|their|paying|buying"
    r"|ironing|making the bed)\b(?! (?:life|living|anything|trying|going on|carrying on|getting up|it all|me)\b)",
    r"\b(?:giv\w+|gave|donat\w+|sell\w*|sold|tak\w+|took)\b[^.;!?]{0,30}\b(?:to|at|on) (?:the |a )?(?:charity|charity shop"
    r"|food ?bank|jumble sale|car boot|tip|recycling|school fair|vinted|ebay|oxfam)\b",
    # a low or grey mood the season, the body or a cold explains ("winter always does this", "coming down with something")
    r"\b(?:grey|gray|meh|blah|flat|low|down|teary|weepy|mopey|sluggish|glum|gloomy)\b[^.;!?]{0,60}\b(?:winter|the weather"
    r"|dark evenings|dark by|the clocks|time of year|january|mondays?|hormon\w*|my period|pms|coming down with|a cold"
    r"|jet ?lag|hangover|hungover|sunday scaries)\b(?!.*\b(?:scared|afraid|hurt\w*|hit|threat\w*|forced|no point"
    r"|end it|disappear\w*)\b)",
    # hyperbole of everyday strain: going mad over a list, heat that is killing, a takeaway one could murder
    r"^(?!.*\b(?:scared|afraid|hurt\w*|hit|threat\w*|no point|end it|makes? me|made me|him|her|them|he|she|they"
    r"|my (?:partner|husband|wife|boyfriend|girlfriend)|memory|trust)\b).*\b(?:without|before i|or i'll|i'll|i'm going"
    r" to|gonna|i'm|i am) (?:lose|losing|go|going|lost) (?:my mind|mad|crazy|insane|round the bend|up the wall)\b"
    r"|\b(?:heat|humidity|cold|weather|commute|job|traffic|cough|flu|hay ?fever|migraine|suspense|waiting|queue|noise"
    r"|builders|stairs|hike|walk|run|workout|class|spin|shift|week|day|meeting|emails?|inbox|deadline|exams?|revision"
    r"|teething)\b[^.;!?]{0,25}\b(?:killing|murdering|destroying|finishing) me(?: off)?\b"
    r"|\b(?:could|would) (?:murder|kill) (?:a|an|for a|for an|some) \w+",
    # permission or leave asked of an authority or a workplace
    r"\b(?:permission|the okay|approval|sign-?off) (?:from|of) (?:the |my |our )?(?:council|landlord|school|bank|boss"
    r"|manager|work|planning|management|head|teacher|doctor|gp|neighbours?|building|freeholder|committee)\b",
    r"\b(?:to|so i could) (?:finish|hear the end of|listen to|catch the end of) (?:the |my |a |an |this )?(?:podcast|song"
    r"|album|audiobook|call|chapter|episode|match|programme|show|radio)\b",
))
