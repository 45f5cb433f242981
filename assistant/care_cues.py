"""Words that make a disclosure unmistakable, and the words of one that only tell after intimacy.

Four kinds, each a general rule rather than a list of sentences:
- DISTRESS_CUES, anywhere: harm from another person (or its absence taken as good news), threats, fear of a partner,
  not feeling safe, control, coercion, self-harm and crisis. The NLU's DistressCueGate makes a message with one
  `disclose_distress`.
- ANSWER_CUES, only in answer to one check-in question: asked what they enjoyed or appreciated, relief at the
  partner's absence; asked what they need tomorrow, a way out or safety.
- CONSENT_CUES, only where the talk is about intimacy (an after-intimacy check-in's answer, or a sentence naming sex
  or bed): not wanting it, going along, giving in, freezing, feeling used or pressured, it hurting, asking to stop.
  "I didn't want to" after "how was that for you?" is a disclosure; after "did you go to the gym?" it is not.
- ACTIVITY_REQUEST: an ordinary ask of the companion; with no cue beside it, the line is that ask.
Hard negatives are kept out by the rules' own words: work pressure, scary films, spiders, "killing me", "dead tired".
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Pattern, Sequence

from assistant.care_hints import EVERYDAY_CAUSE, HINTS, IMPERSONAL_THREAT, PRESSED_TO_MORE
from assistant.dialogue.commands import with_apostrophes

_PARTNER = r"(?:him|her|them|my (?:partner|husband|wife|boyfriend|girlfriend|fianc\w*|spouse|other half|ex))"
_THEY = r"(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|spouse))"
_FEAR = r"(?:scared|afraid|frightened|terrified|petrified|fearful)"
_A_WHILE = r"for (?:a|one|an) (?:day|night|morning|afternoon|evening|hour|weekend|minute|bit)\b"  # "stop for a day"
# Words of harm or fear beside enjoyment or a wish for more: the gladness is turned, or was never free.
_HARM = rf"{_FEAR}|hurt|hurts|hit|forced|made me|pushed|pressured|didn't want to|wanted to stop"
# Everyday things to be scared of: the dark, heights, the dentist, a film, an exam.
_THINGS = (r"(?:dark|heights?|spiders?|dogs?|flying|flights?|needles?|dentists?|snakes?|clowns?|wasps?|bees|mice|rats?"
           r"|deep water|water|lifts?|thunder|storms?|lightning|films?|movies?|horror|trailer|ghosts?|exams?|tests?"
           r"|driving|driving test|interviews?|presentation|results|speech|surgery|operation|scan|doctor|vets?|neighbours?|noise"
           r"|news|wedding|mortgage|bills?|boss|deadline|traffic|birds?|cats?|horses?|cows?|geese|crowds?|change|the sea)")
# A laugh beside the words: what they say was a joke.
_LAUGH = r"(?:lol|lmao|ha|haha\w*|ha ha|hehe|cracked up|in stitches|(?:still|was|were|i'm|we're|both) laughing)"
_END = r"(?= ?(?:$|[,.;!?]| and\b| but\b| so\b| right now\b| all the time\b| the whole time\b| tonight\b))"


def _join(parts: Sequence[str]) -> Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts))


DISTRESS_CUES = _join((
    # harm from another person
    r"\b(?:hit|hits) me\b(?! (?:up|at|to|in|on|with|like|hard with)\b)|\b(?:slapped|slaps|punched|punches|kicked|kicks"
    r"|choked|chokes|strangled|shoved|shoves|pinned|beats|beat|dragged|drags|spat at|spits at) me\b(?! (?:up|at)\b)",
    r"\b(?:leave|hurt|punish|kick|dump) me (?:out )?if i (?:don't|didn't|won't|wouldn't|say no|refuse|tell|ever)\b"
    r"|\bif i (?:ever )?(?:leave|tell anyone)\b.*\b(?:he|she|they)(?:'ll|'d| will| would)\b|\bmake sure i regret\b"
    r"|\b(?:angry|cross|mad|nasty|sulks?|sulking|sulky) (?:until|unless|if|when) i (?:agree|say no|don't|refuse|do)\b"
    r"|\buntil (?:he|she|they) calms? down\b|\bcalls? me (?:worthless|useless|names|stupid|pathetic|frigid|disgusting)\b"
    r"|\bmakes? me feel (?:like )?i owe\b|\blet it happen (?:even though|because|when|so)\b",
    r"\b(?:didn't|did not|never) (?:scream|yell|shout|lash out|lose it|go off)(?:ed)? (?:at|with) me\b.*\b(?:for once"
    r"|today|tonight|this time)\b|\bonly (?:yelled|screamed|shouted|lost it|hit me|pushed me)\b"
    r"|\b(?:he|she|they) (?:didn't|did not|never|hasn't|haven't) (?:scream|yell|shout|lose (?:his|her|their) temper"
    r"|kick off|blow up|explode|lash out)(?:ed)?(?= ?(?:$|[,.;!?]| (?:today|tonight|for once|this (?:time|week)|all (?:day"
    r"|week)|once|lately)\b))"
    r"|\bstop (?:grabbing|hitting|hurting|pushing|shoving|choking|threatening|tracking|following|controlling|pinching"
    r"|squeezing|twisting) (?:me|my (?:arm|arms|wrist|wrists|neck|throat|hair|face|jaw|hand|hands))\b",
    r"(?<!won't )(?<!wouldn't )(?<!never )(?<!not )\b(?:hurt|hurts|hurting) me\b(?! (?:to (?:say|see|hear|think|admit))\b)(?! (?:laughing|with (?:laughter|that)))",
    # pain someone causes ("he causes me so much pain"), not pain that is a health matter ("my back gives me pain")
    rf"\b{_THEY}(?: \w+){{0,2}} (?:causes?|caused|causing|gives?|gave|giving|puts?|putting|inflicts?|inflicted)"
    r" (?:me|my body) (?:through )?(?:so much |such |a lot of |real |physical )?(?:pain|agony)\b"
    rf"|\b(?:pain|agony) {_THEY} (?:causes?|caused|puts? me through|inflicts?|inflicted)\b"
    rf"|\b{_THEY}(?: \w+){{0,2}} (?:makes?|made|making) (?:it|sex|me) hurt\b(?! (?:less|a bit less)\b)"
    r"|\b(?:hurts?|hurting|hurt me|painful) on purpose\b",
    rf"\b{_THEY}(?: \w+){{0,2}} (?:bit|bites|scratched|burned|burnt|struck|strikes|elbowed|headbutted|restrained|strangled"
    rf"|choked|punched|slapped|kicked|shoved|hit|hits|dragged|spat (?:at|on)|smacked|whacked|thumped|battered|clipped"
    rf"|headlocked|throttled)(?: \w+){{0,2}} (?:me|my (?:wrist|wrists|arm"
    rf"|arms|neck|throat|hair|face|jaw|head|chest|leg|legs|shoulder|shoulders|back|stomach|hand|hands))\b"
    r"(?! (?:up|with (?:a|the) (?:pillow|cushion)|under the table|in the feels)\b)",
    rf"\b{_THEY} (?:didn't|did not) (?:throw|smash|break|punch|kick) (?:anything|things|stuff|walls?|doors?)\b"
    r"|\bfollow(?:s|ed|ing)? me (?:everywhere|around|from room to room)\b|\b(?:followed|watched|tracked) (?:everywhere"
    r"|all the time|every (?:minute|hour))\b",
    r"\bpushed me (?:into|against|over|down|off|out of|to the (?:floor|ground))\b|\b(?:didn't|did not) (?:grab|hit|shove|slap"
    r"|kick|choke|push|punch) me\b(?! (?:to|for|about|on|into (?:talking|saying|answering))\b)",
    r"\b(?:grabbed|grabs|grabbing|twisted|twists|yanked|squeezed|squeezes|pinched|pinches) (?:me|my (?:wrist|wrists|arm|arms|neck"
    r"|throat|hair|face|jaw))\b(?=.*\b(?:hard|mark|bruise|hurt\w*|until|tight|so|again|row|fight|argument)\b)",
    r"\b(?:held|holds|holding) me down\b|\bgot rough\b|\brough with me\b|\bleft (?:a |some )?(?:mark|marks|bruise|bruises)\b"
    r"|\bbruises on my\b|\b(?:hide|hiding|cover|covering|covered)(?: up)? (?:the |my )?bruises\b",
    r"\b(?:threw|throws|throwing|smashed|smashes|broke|punched) (?:a |the |my |his |her |their )?\w+ (?:at|near|next to)"
    r" (?:me|my)\b|\b(?:fist|fists|hand) through the (?:door|wall)\b|\bsmashed my\b|\b(?:screamed|screams|shouted|yelled)"
    r" in my face\b",
    r"\bthreat(?:en|ens|ened|ening)\b",
    # threats without the word: papers and the right to stay, the children, private pictures
    r"\b(?:lose|losing|cancel|take away|lost) (?:my|your|their) (?:visa|residency|residence|papers|right to stay|status)\b"
    r"(?=.*\b(?:leave|leaving|left|go|tell|say no)\b)|\b(?:get|have|got) (?:me|you) deported\b"
    r"|\b(?:report|reporting|shop|call|ring) (?:me|you) (?:to|in to) (?:immigration|the home office)\b"
    r"|\bnever see (?:the|my|our|your) (?:kids|children|baby|son|daughter|boys|girls) again\b"
    r"|\b(?:take|takes|took|taking) (?:the|my|our|your) (?:kids|children|baby) (?:away )?(?:from me|off me|if)\b"
    r"|\b(?:intimate|private|naked|nude|explicit) (?:photos?|pictures?|pics|videos?|images?)\b",
    # fear of a partner, of home, of what they will do
    rf"\b{_FEAR} (?:of|by) {_PARTNER}\b(?<!them)|^(?!.*\b{_THINGS}\b).*\b{_FEAR} (?:of|by) them\b",
    rf"\b{_FEAR} of (?!{_THINGS}\b|(?:the|a|an|that|this|it|what|how|being|getting|my|our|your|some|any|all|everything"
    r"|nothing|anything|something|commitment|failure|people|myself|ageing|death|dying|you|them)\b)[a-z]+(?<!ing)"
    r"(?= ?(?:$|[,.;!?]| (?:to|when|if|lately|these days|right now|now|since|at the moment|sometimes|again|whenever)\b))",
    rf"\b{_FEAR} (?:of )?what {_THEY}(?:'ll|'d| will| would| might| could| is going to)? (?:do|say)\b",
    rf"\b{_FEAR} of (?:his|her|their) (?:temper|moods?|anger|rages?|reaction|shouting|drinking)\b",
    rf"\b{_FEAR} (?:to|of) (?:go(?:ing)? (?:home|inside|back|in|to sleep|to bed)|push(?:ing)? back|say(?:ing)? no"
    rf"|tell(?:ing)? (?:him|her|them|anyone)|leav(?:e|ing)|be (?:alone )?with)\b"
    rf"|\b{_FEAR} to (?:answer|speak|talk|say (?:anything|how i feel|what i think)|be honest)\b(?=.*\b(?:him|her|them)"
    rf" (?:in the room|here|there|listening|around|next to me|beside me)\b)|\b(?:more|less) {_FEAR} than (?:close|connected"
    r"|loved|safe|happy|cared for)\b",
    rf"^(?!.*\b(?:{_THINGS}|{_LAUGH})\b).*?\b(?:i'm|i am|i feel|i was|i've been|feeling) (?:so |really |properly |just "
    r"|too |still |genuinely )?"
    rf"(?:scared|frightened|terrified|petrified){_END}",
    rf"\b{_FEAR} (?:all the time|the whole time|every (?:single )?(?:day|night|time))\b|\bof being {_FEAR}\b",
    rf"\bsick with (?:dread|fear|worry) when {_THEY}\b|\b(?:walk|walks|walked|walking|tread|treads|treading|trod|tiptoe"
    r"|tiptoes|tiptoed|tiptoeing|living) (?:around |round )?on eggshells\b|\bon edge (?:around|with) " + _PARTNER
    + r"\b|\bin my own (?:home|house|bed)\b",
    # not safe, in danger, control
    r"\bi(?:'m| am)? (?:not|don't feel|do not feel|never feel|can't feel|can't be|can't keep myself) safe\b"
    r"|\bmy safety\b|\bnot safe (?:at home|here|with)\b|\bin danger\b"
    r"|\b(?:somewhere|place|anywhere) safe to (?:stay|sleep|go|live)\b"
    r"|\bleave (?:\w+ )?safely\b",
    r"\b(?:won't|doesn't|don't|wouldn't) let me (?:leave|go out|out|see|have|talk|sleep)\b|\b(?:not|who i'm|what i'm)"
    r" allowed to (?:see|leave|go|talk|refuse|say|wear|spend)\b",
    r"\b(?:goes|go|went|going) through my phone\b|\b(?:reads|reading|they read|they check|checks) (?:all )?my (?:messages|texts|emails)\b"
    rf"|\b{_THEY}(?: \w+){{0,2}} (?:monitor(?:s|ed)?|check(?:s|ed)?|control(?:s|led)?|track(?:s|ed)?|watch(?:es|ed)|goes through|went through"
    rf"|reads|read|count(?:s|ed)?) (?:all |every "
    rf")?(?:my|every) (?:phone|spending|money|penny|pennies|messages|texts|location|movements|account|bank|calls|receipts)\b"
    r"|\btrack(?:s|ing|ed)? (?:where i am|my (?:phone|location))\b|\b(?:control|controls|controlling) (?:all )?(?:the|my)"
    r" money\b|\btaken control\b|\b(?:lock|locks|locked) me (?:out|in)\b|\blike a prisoner\b|\bfeel(?:ing)? watched\b",
    # coercion
    r"\b(?:forced|coerced|pressured|guilted|bullied|blackmailed) (?:me )?into\b|\bcoerc\w*",
    r"\b(?:can't|cannot|couldn't|could not|can never|not allowed to|don't dare|didn't dare|unable to|not able to)"
    r"(?: \w+)? (?:to )?say no\b(?! to (?:the|a|an|more|another|extra|any|some|that|this|dessert|cake|chocolate|wine"
    r"|pizza|seconds|biscuits?|overtime|work|my (?:boss|manager|mum|dad|friends)|friends|the kids)\b)|\b(?:don't|didn't|never|do not|did not)(?: always| really)? feel (?:like )?i (?:can|could)"
    r" say (?:no|stop)\b|\bfeel (?:like )?i (?:can't|cannot|couldn't) say (?:no|stop)\b|\bsay(?:ing)? yes when i (?:mean|want to say) no\b",
    rf"\bsaid no\b.*\b(?:kept|keeps|carried|carries|went|goes) (?:on|going)\b|\b(?:after|when|once|even though|every time"
    rf"|the first time|if ever) i(?:'ve|'d)?"
    rf" (?:already )?(?:said|say|told {_PARTNER}) no\b(?! to (?:the|a|an|going|more|another|any|dessert|cake|wine|pizza"
    rf"|drinks?|overtime|work|my|our)\b(?!.*\b(?:sex|bed|touch\w*|kiss\w*|intima\w*)\b))|\bsaid no (?:twice|again|three times|\w+ times)\b"
    rf"|\b(?:listen|stops?|respects?|hears?) (?:me )?when i say no\b",
    r"\b(?:let|lets|allowed|allows) me (?:to )?(?:keep|have|use|spend|see) (?:my own|my) (?:money|bank ?card|card|cards"
    r"|wages|pay|salary|phone|car|keys|car keys|account|passport)\b"
    rf"|\b{_THEY}(?: \w+)? (?:lets?|allows?|allowed) me (?:to )?(?:have |keep |spend )?(?:a (?:bit|little)(?: of)? |some "
    rf"|enough )?(?:money|cash)\b|\b(?:have|had) to (?:ask|beg) (?:{_PARTNER} )?for (?:money|cash|my (?:own )?money)\b"
    rf"|\b(?:have|had) to (?:ask|beg) {_PARTNER} (?:for )?permission\b"
    rf"|\b{_THEY} (?:made|makes|make) me (?:\w+ ){{1,8}}(?:for|because i|after i) (?:said |saying |say )?(?:no|refus\w*"
    r"|turn\w* (?:him|her|them) down)\b"
    r"|\b(?:give|gives|gave|hand|hands|handed) (?:me )?(?:back )?my (?:own )?(?:bank ?card|wages|salary|passport|papers"
    r"|documents)\b|\b(?:did|do|doing|get|got) everything right so\b|\bso (?:nothing|he|she|they) (?:didn't |wouldn't |doesn't )?"
    r"kick(?:ed|s)? off\b|\bflinch\w* (?:when|whenever|if|every time) (?:he|she|they)\b|\bmy own (?:money|bank ?card|wages|phone|keys)"
    r" (?:back|this week|for once)\b",
    r"\b(?:my )?no (?:doesn't|does not|didn't|did not|never|don't) (?:mean|count|matter)\w*\b"
    r"|\b(?:easier|simpler|safer|quicker) to (?:just )?(?:say yes|give in|go along|do it|agree) than\b"
    r"|\bsilent treatment (?:for|until|unless|if|when|whenever|every)\b|\b(?:days|weeks) of (?:the )?silent treatment\b"
    r"|\b(?:kept|keep|keeping) (?:my head down|my mouth shut|out of (?:his|her|their) way|the peace) and (?:did|do|doing"
    r"|went along|go along|said yes|say yes|agreed|gave in)\b|\b(?:did|do|doing) (?:what|whatever|everything)"
    r" (?:he|she|they) (?:wanted|wants|said|says|asked|told me)(?: \w+)? (?:so|to keep|or|because|otherwise)\b",
    r"\b(?:have|had|got|need) to say yes or\b|\bfeel (?:like )?(?:i|you) (?:have|had) to say yes\b"
    r"|\b(?:goes|go|went|going) cold on (?:me|you) for\b|\bonly because (?:he|she|they)(?:'d| had| was| were| kept)?"
    r" (?:been )?(?:on at me|nagging|pestering|pushing|going on)\b",
    r"\bsay no without\b|\b(?:punish|punishes|punished|punishing) (?:me|for)\b|\bmake me pay for\b",
    r"\b(?:made|makes|make) me (?:do (?:things|stuff|it again|that again)|have sex|sleep with)\b|\bmy duty\b"
    r"|\bpushing for sex\b|\bkeeps? pushing (?:for|me)\b",
    r"\b(?:go|goes|went|going) along with it (?:because|so|to keep|even though|when|or)\b|\bkeep the peace\b"
    r"|\bkeep (?:him|her|them) (?:calm|from (?:shouting|exploding|kicking off))\b",
    r"\b(?:abus(?:e|ed|es|ing|ive)\b|sexual(?:ly)? assault\w*|\bassaulted\b|\braped?\b)",
    # self-harm and crisis
    r"\bhow many (?:pills|tablets|paracetamol) (?:it would|it'd|would it|it will|will it|to) (?:take|kill)\b"
    r"|\b(?:i|i just) (?:don't|can't) feel anything any ?more\b",
    r"\b(?:kill|killing) myself\b(?! laugh)|\bsuicid\w*|\bself[- ]?harm\w*"
    r"|\b(?:hurt|hurting|cut|cutting|harm|harming) myself\b|\b(?:thinking|think|thought) about (?:cutting|pills|overdos\w*)"
    # a harm done to one's own body on purpose (not "cut my hair short on purpose")
    r"|\b(?:burn(?:ed|t|s|ing)?|cut(?:s|ting)?|hit(?:s|ting)?|scratch(?:ed|es|ing)?|punch(?:ed|es|ing)?|scald(?:ed|s|ing)?"
    r"|bruis(?:ed|es|ing)|hurt(?:s|ing)?) (?:myself|my (?:own )?(?:arms?|wrists?|legs?|thighs?|hands?|skin|stomach|hips?"
    r"|head|face|fingers?|chest))\b[^.;!?]{0,40}\bon purpose\b",
    r"\bend(?:ing)? (?:it all|my life)\b|\b(?:think|thinking|thought) (?:about|of) (?:ending|end) (?:it|things|everything)\b"
    r"|\bwhat goes on (?:in this house|at home|behind closed doors|when we're alone)\b|\bget through (?:tonight|the night)\b|\bbetter off (?:without me|dead)\b|\b(?:want|wish) i (?:was|were) dead\b"
    r"|\b(?:don't|do not|no longer) want to (?:be alive|live|wake up|be here)\b|\bpanic attacks?\b",
    r"\b(?:tired|sick) of (?:living|being alive|life)\b|\b(?:sleep|go to sleep) and (?:not|never) wake up\b"
    # wanting to die, said plainly (not "dying to know", "could die of embarrassment", "wanted to die laughing")
    r"|\b(?:want|wants|wanted|wanting|wish|wished|wishing)(?: \w+){0,2} (?:to|i (?:could|would|was able to)) (?:just |simply )?die\b"
    r"(?! (?:of|from|laughing|for|in (?:a|the) (?:bath|sun|garden))\b)(?!.*\b(?:cringe\w*|embarrass\w*|mortif\w*"
    r"|laugh\w*|lol|haha\w*)\b)"
    # self-harm in its own shorthand: cutting, without a thing cut ("cutting again", "been cutting"), a relapse
    r"|\b(?:started|start|starting|been|back to|keep|kept|stopped|stop) cutting(?= ?(?:$|[,.;!?]| again\b| and\b"
    r"| but\b| lately\b| since\b| when\b| because\b| at night\b))|\bcutting again\b(?! (?:the|a|an|my|your|our|his"
    r"|her|their|back|down|out|it|them)\b)|\brelaps\w* (?:with|into) (?:self|cutting|hurting)\b"
    r"|\b(?:no|can't|cannot|couldn't|not)\b.*\breason to (?:keep going|go on|live|carry on|wake up|be here|get up)\b"
    r"|\breason to (?:keep going|go on|live|carry on|wake up|be here|get up)\b(?=.*\b(?:no|can't|cannot|couldn't|not)\b)"
    r"|\b(?:picturing|imagining|thinking about|think about|fantasi[sz]ing about) (?:\w+ ){0,2}(?:driving|jumping|stepping"
    r"|walking|falling) (?:off|in front of)\b"
    r"|\bgoodbye (?:letters?|notes?)\b|\b(?:wrote|written|writing) (?:a|the) (?:note|letter)(?= ?(?:$|[,.;!?]| (?:today"
    r"|tonight|last night|this morning|for (?:everyone|the kids|my family))\b))|\bdon't trust myself\b|\bdo something stupid\b",
    r"^(?!.*\b(?:cringe\w*|embarrass\w*|awkward|mortif\w*|blush\w*)\b).*\b(?:want|wanted|wanting) to (?:just )?disappear\b|\bif i (?:just )?(?:wasn't|weren't|was not) (?:here|around)\b"
    r"|\b(?:about|of) not being (?:here|around)\b|\bnobody would (?:notice|miss me|care)\b",
    r"\bno point (?:in|to) (?:any of it|going on|living|anything|it all|me)\b|\b(?:don't|can't) see the point"
    r" (?:in|of) (?:going on|living|anything|any of it)\b|\b(?:can't|cannot|don't think i can|not sure i can)"
    r" (?:go on|keep going|carry on|cope any ?more|cope with anything)\b|\bcan't cope any ?more\b|\bnot coping\b"
    r"|\bwant (?:all of )?(?:it all|all this|all of this|everything) to (?:end|stop|be over)\b"
    r"(?! " + _A_WHILE + ")",
    r"\b(?:stockpil\w*|saving up|hoarding|collecting) (?:my |the |all my )?(?:tablets|pills|meds|medication)\b"
    r"|\b(?:next|another) (?:explosion|outburst|blow-?up|rage)\b|\b(?:want|wanting|feel like|thinking about|close to)"
    r" (?:to )?giv(?:e|ing) up(?= ?(?:$|[,.;!?]| and\b| but\b| on (?:everything|life|myself|it all)\b))"
    r"|\bdon't care (?:what happens to me|if i live|if i wake)\b"
    r"|\b(?:just )?trying to survive\b|\bin (?:a )?(?:really |very )?(?:dark|bad) place\b|\bdark thoughts\b",
    r"(?<!about )\bfeel(?:ing)? (?:so |completely |totally |utterly )?(?:hopeless|worthless|like a burden|numb|empty inside)\b"
    r"|\b(?:i'm|like i'm) (?:falling apart|drowning|suffocating|disappearing|not (?:even )?a person)\b(?! in (?:work|emails))"
    r"|\bfeel(?:ing)? trapped\b(?= ?(?:$|[,.;!?]| and\b| but\b| in (?:this|my|our) (?:relationship|marriage|home|house)\b"
    r"| with (?:him|her|them)\b))"
    r"|\b(?:don't|doesn't|do not) feel like my body (?:belongs|is mine)\b"
    r"|\b(?:talk to|see|call|tell) (?:someone|somebody|a doctor) about (?:the |my |these )?(?:thoughts|urges)\b"
    r"|\bget (?:out|away) (?:of (?:this|the|my) relationship|from (?:him|her|them))\b"
    r"|\b(?:i'm|i am) (?:a burden|worthless)\b|\beverything (?:feels|is) hopeless\b",
    r"\b(?:i'm|i am)(?: really| just| honestly| so)? not (?:okay|ok|alright|all right|doing (?:well|okay|ok) at all)\b"
    r"(?! (?:with|about|if|for)\b)",
    r"\bcan't stop (?:crying|shaking)\b|\b(?:been )?crying all (?:afternoon|day|evening|night|morning)\b"
    r"|(?<!legs are )(?<!knees are )\b(?:i'm|still|i am) (?:shaking|trembling)\b(?! with (?:laughter|excitement|cold)"
    r"|.*\b(?:haha|lol|in a good way)\b)",    # care9: harm named in other words: a row that "got physical", hands laid on someone, hands round a neck
    rf"^(?=.*\b(?:row|argu\w*|fight\w*|{_THEY}|him|her|them|again|sore|bruis\w*|hurt\w*|scared|afraid|swollen)\b)"
    r"(?!.*\b(?:climbing|gym|rugby|football|match|game|training|wall|pitch|physio\w*)\b).*\b(?:got|gets|getting|turned"
    r"|turns|went|goes|get) (?:a bit |really |very )?physical\b|\b(?:put|puts|putting|laid|lays|lay|laying)"
    r" (?:a |his |her |their )?(?:hands?|finger) on me\b|\bhands? (?:were |was |are |is )?(?:round|around|on|at) my"
    r" (?:neck|throat)\b",
    # what follows a no or a wrong word, said as a threat: trouble later, paying for it, what comes after
    r"\b(?:there'll|there will|there'd|there would|there's going to) be (?:trouble|hell to pay|consequences|a scene)"
    r"(?! at (?:work|school)\b)|\bi(?:'ll|'d| will| would)(?: \w+)? be in (?:trouble|for it)\b(?=.*\b(?:later|tonight"
    r"|if i|when i|with (?:him|her|them))\b)(?!.*\b(?:work|boss|manager|school|teacher|mum|dad|parking|library|exam"
    r"|deadline|report)\b)|\bworth what (?:comes|happens|follows) (?:after|next|later|afterwards)\b"
    r"|\b(?:pay|paying|paid) for it\b(?=.*\b(?:if i|when i|say no|said no|refuse\w*|turn(?:ed)? (?:him|her|them) down"
    r"|not tonight|disagree\w*)\b)|\b(?:if i|when i|after i) (?:say no|said no|refuse|refused|disagree|disagreed)\b.*"
    r"\bpay for it\b|\b(?:last time|every time|whenever|the time|after|if|when) i (?:refused|refuse|turned (?:him|her|them)"
    r" down|turn (?:him|her|them) down)\b(?! to\b)",
    # the partner's moods watched for: guessing what mood they'll come home in, bracing around them
    rf"\b(?:what|which) mood {_THEY}(?:'ll|'d| will| would| might| is| was| are| were)? (?:be|come home|wake up|get"
    rf" back|walk in)(?: in)?\b|\bbrac(?:e|ing|ed) (?:myself )?(?:around|for) (?:{_PARTNER}|(?:his|her|their)"
    r" (?:moods?|temper|anger|reaction))\b|\bbrac(?:e|ing) (?:myself )?(?:whenever|when|every time|each time) "
    + _THEY + r"\b",
    # harm that was before: an abuser of the past brought back, a flashback, an assault remembered
    r"\b(?:reminded me of|brought back|brings back|bringing back|flashbacks? (?:to|of|about)|triggered(?: by)?"
    r"|thinking about|think about) (?:what |the stuff |the things |everything )?(?:my |an |a )?(?:old |former )?"
    r"(?:step-?dad|step-?father|step-?mum|step-?mother|uncle|cousin|grandad|grandfather|teacher|coach|ex|neighbour"
    r"|babysitter|priest|father|dad)(?: \w+)? (?:did|used to do|does|was doing|did to me)\b"
    r"|\b(?:having|have|get|getting|had|keep having) flashbacks\b|\b(?:step-?dad|step-?father|uncle|cousin|grandad"
    r"|grandfather|teacher|coach|babysitter|priest|neighbour)(?: \w+){0,2} (?:used to |would |tried to )?"
    r"(?:touch(?:ed)?|molest\w*|interfer\w* with) me\b",
    # sex without a yes: asleep or too drunk when it started, no memory of agreeing, filmed without agreeing
    r"\b(?:i was|was|i'd been|i'm) (?:still |fast |half )?(?:asleep|sleeping|passed out|unconscious|out of it"
    r"|too drunk|really drunk|blackout drunk) when (?:it|they|he|she|things) (?:started|began|happened)\b"
    r"|\b(?:don't|do not|can't|cannot|didn't) (?:even )?remember (?:agreeing|saying yes|consenting|saying it was okay)"
    r"\b|\b(?:too drunk|too out of it|too asleep) to (?:say no|agree|consent|say yes|stop (?:it|him|her|them))\b"
    r"|\b(?:filmed|recorded|filming|recording|photographed) (?:it|me|us)\b(?=.*\b(?:without|never agreed|didn't agree"
    r"|didn't want|asked (?:him|her|them) not|won't delete|wouldn't delete)\b)|\b(?:won't|wouldn't|refuses? to|refused"
    r" to|didn't) delete (?:it|the (?:video|videos|photos?|pictures?|recording|footage))\b",
    # relief that something did not happen, for once: not questioned, nothing slammed or thrown
    r"^(?!.*\b(?:kids?|baby|children|toddler|dog|neighbours?|boss|manager|son|daughter|teacher)\b)(?=.*\b(?:for once"
    r"|this time|grateful|thankful|relief|relieved)\b).*(?:\b(?:wasn't|weren't"
    r"|didn't get|never got) (?:asked who|asked where|questioned|interrogated|accused|checked up on|shouted at|yelled at"
    r"|screamed at|called names|slammed|thrown|smashed)\b|\b(?:no|nothing) (?:doors? (?:got |were |was )?slammed|(?:got |was )?"
    r"(?:thrown|smashed)|shouting|screaming|yelling)\b)",
    # a stop or a no said and carried on past; marks left; home not okay
    r"^(?!.*\b(?:tickl\w*|jok\w*|teas\w*|sing\w*|kids?|dog|puns?|music|talking|game|chatting)\b).*\b(?:when|if|after"
    r"|even though|every time|whenever) i (?:say|said|ask|asked|tell|told) (?:(?:him|her|them) )?(?:to )?(?:stop|no|wait)\b"
    r".*\b(?:carr(?:y|ies|ied) on|keeps? going|kept going|ignores? (?:me|it)|ignored (?:me|it)|laughs?|laughed"
    r"|(?:does|did) it anyway|(?:doesn't|don't|didn't|won't|wouldn't) stop)\b"
    r"|^(?!.*\b(?:shoes?|boots?|straps?|watch|socks?|glasses|bra|waistband|pillows?|mugs?|pens?|table|floor|wall|carpet"
    r"|coffee|wine|sun|tan|elastic|belt|mask|ring|sheets|jeans|tights|plaster|sunburn|tape)\b).*\b(?:grab\w*|squeez\w*"
    r"|pinch\w*|bit|bite|biting|scratch\w*|hold|holds|held|holding|rough|hands?)\b[^.;!?]{0,40}\b(?:leaves?|leaving|left)"
    r" (?:a |some |me with )?(?:marks?|bruises?)\b"
    r"|\b(?:things|it|everything)(?:'s| is| are|'re)? ?(?:not|aren't|isn't) (?:okay|ok|alright|safe|right) (?:here|at home"
    r"|in (?:this|our|my) (?:house|home|flat))\b(?!.*\b(?:boiler|heating|wifi|internet|damp|mould|leak\w*|roof|plumbing)\b)",
    # one's own things held back: keys, phone, money, card taken or kept (not borrowed, not charged, not to help sleep)
    rf"^(?!.*\b(?:borrow\w*|charg\w*|fix\w*|so i'd|so i would|to stop me|scrolling|mend\w*|repair\w*|lost|find)\b).*\b"
    rf"(?:{_THEY} )?(?:took|takes|take|taking|taken|kept|keeps|keep|keeping|holds|held|holding|hid|hides|hiding)"
    r" (?:away )?my (?:keys|car keys|phone|money|wages|bank ?card|cards|passport|wallet|purse)\b(?=.*\b(?:only|again|usually"
    r"|always|this time|for once|so i can't|so i couldn't|off me|away from me|every time|whenever|unless|until i)\b)",
    # an answer held back or made up because the partner hears it; home avoided (not a shy or a surprise answer)
    r"^(?!.*\b(?:shy|blush\w*|embarrass\w*|surprise|present|birthday|giggl\w*|cringe\w*|awkward|spoilers?)\b)(?:.*\b(?:can't"
    r"|cannot|won't|not going to|couldn't|don't dare|daren't|not allowed to|not supposed to|not meant to|rather not)"
    r" (?:really |honestly |properly )?(?:answer|say|be honest|tell (?:you|the truth)|talk)\b.*\b(?:with (?:them|him|her)"
    r" (?:here|listening|in the room|right here|next to me|sitting (?:here|there|next to me|right there))|(?:they're|he's"
    r"|she's|they are|he is|she is) (?:listening|right here|next to me|in the room|sitting (?:here|right here|next to me)))\b"
    r"|.*\b(?:(?:the|an?|whatever|any) (?:answer|number|score|rating)|what) (?:that )?(?:keeps|will keep|won't upset|doesn't upset|won't start)"
    r" (?:things|everything|the peace|them|him|her|a row|an argument)(?: calm| happy| quiet)?\b"
    r"|.*\bnot (?:really )?(?:supposed|allowed|meant) to (?:say|give|answer) (?:less|lower|anything (?:less|lower|else"
    r"|bad|negative))\b)"
    r"|\bso (?:that )?i (?:wouldn't|didn't|won't|don't) have to (?:come|go|be) (?:back )?home\b"
    r"|\b(?:avoid|avoiding|put off|putting off|delay|delaying) (?:coming|going|getting) (?:back )?home\b"
    r"(?!.*\b(?:traffic|rush hour|rain|snow|queue|roadworks)\b)",
    # crisis said as a plan, a means or a need: how one would do it, the pills all at once, not waking, a crisis line
    r"\bplans? for how (?:i'd|i would|i could|i'll) do it\b(?! (?:differently|better|again|instead|next time|properly"
    r"|right|without)\b)|"
    r"\b(?:thinking|thought|think|planning|planned|plan|worked out|working out) (?:about |of |out )?how (?:i'd|i would"
    r"|i could|i'll|to) do it\b(?! (?:differently|better|again|instead|next time|properly|right|without)\b)"
    r"|\b(?:swallow|swallowing|swallowed|take|taking|took|taken) (?:all|the whole|a whole) (?:of )?(?:my |the |a )?"
    r"(?:pills|tablets|packet|bottle|box|meds|medication)\b(?! (?:at once for|for (?:the|my) (?:week|trip|holiday))\b)"
    r"|\bi(?: just| honestly| really)? (?:need|want|wish|hope|would like|'d like) (?:to )?not (?:to )?wake up"
    r"(?! (?:at|early|before|so|with|when|until|till|in the)\b)|\bcrisis (?:lines?|numbers?|teams?|helplines?)\b"
    r"|\b(?:hide|hiding|hid|lock up|locked up) (?:the |my )?(?:razors?|razor blades?|blades|knives|pills|tablets)"
    r" (?:from|away from) myself\b|\bin (?:a )?(?:really |very )?(?:scary|frightening|horrible|awful) place"
    r" (?:in my head|mentally|right now)\b",
))

# Said about intimacy, these tell of pressure, fear or harm.
CONSENT_CUES = _join((
    r"\b(?:didn't|did not|don't|do not|never)(?: really| even| actually)? (?:want|wanted|fancy|fancied)"
    r" (?:it|to|that|this|any of (?:it|that|this))(?: (?:tonight|at all|really|this time|then|either))?"
    r"(?=$| ?[,.;!?]| (?:and|but|so|because|though|even|at all|really|tonight|this time)\b)",
    r"\b(?:just )?let (?:him|her|them)(?= ?(?:$|[,.;!?]| do (?:it|what)\b| carry on\b| get on with it\b))"
    r"|\b(?:wouldn't|won't|refused to|didn't even) (?:stop|slow down|listen|wait|take no)\b|\bdidn't (?:listen|slow down) when i\b"
    r"|\b(?:be asked|ask(?: me)?) (?:first|before)\b|\bno (?:to )?(?:(?:actually|really|truly|always|ever) )?(?:means?|meant) no\b|\bhear(?:s)? my no\b"
    r"|\b(?:made|makes|make) (?:me )?(?:to )?feel guilty\b|\b(?:something|what) i owe\b|\bobligat\w*|\bdebt\b|\bchore\b",
    r"\b(?:he|she|they) (?:just )?(?:ignored me|carried on|kept going|didn't care|laughed it off|continued anyway)\b"
    r"|(?<!didn't )(?<!did not )(?<!never )\bwant(?:ed)? it to (?:end|be over|stop)\b(?! (?:so|too) (?:soon|early))"
    r"|^(?:\w+ )?(?:when|that|the moment) it (?:was )?(?:finished|ended|over|stopped)(?: ?[,.].*)?$",
    r"\b(?:felt|feel|feels|feeling) like i (?:had|have|owe|owed) (?:to|it)\b|\bi (?:owe|owed) (?:it to )?(?:him|her|them)\b",
    r"\b(?:go|goes|went|going) along with it\b|\blet it happen\b|\b(?:give|gave|giving) in\b",
    r"\b(?:felt|feel|feeling) (?:so |really |a bit )?(?:used|pressured|pushed|cornered|obliged|trapped)\b"
    r"(?! (?:for time|by (?:the )?time|by the clock|to (?:be quick|rush|hurry)|at work)\b)|\bpressur\w+ me\b",
    r"^(?!.*\b(?:repeat|again|what was|the question|drifted off|miles away|in the meeting)\b).*?"
    r"(?<!we )(?<!both )\b(?:froze|freeze|frozen|zoned out|zone out|switched off)\b|\bwasn't (?:really )?there\b|\bdissociat\w*",
    r"\bflinch\w*|\b(?:kept|keep|keeping|shut|closed) my eyes (?:shut |closed )?(?:and|until|till)\b|\band waited\b"
    r"(?! for (?:you|him|her|them|the|a|my)\b)|\bwait(?:ed|ing)? for it to (?:be over|end|finish|stop)\b|\b(?:got|get|getting) through it\b",
    r"\b(?:asked|told|begged) (?:him|her|them) to (?:stop|wait|slow down)\b(?! and (?:he|she|they) did)"
    r"|\b(?:didn't|did not|wouldn't|won't|doesn't) stop when i\b|\bkept saying (?:stop|wait|no)\b",
    r"\b(?:had|have|get|got) no (?:say|choice)\b|\b(?:don't|doesn't|didn't|never)(?: really| even| ever)? (?:feel like i )?"
    r"(?:get|have|had|got) (?:a|any) (?:say|choice)\b|\b(?:never|not ever|isn't ever) (?:get to )?(?:be )?(?:my (?:decision"
    r"|choice|call)|up to me)\b|\b(?:holding|held|fighting|fought|choking|choked) back (?:the )?tears\b"
    r"|\bmy choice for once\b|\bbe my choice\b|\bnot allowed to\b|\bowe(?:d)? it to (?:him|her|them)\b",
    r"\b(?:guilted|guilt|guilts|guilting) (?:me )?into\b|\b(?:wake|woke|woken|waking) (?:me )?up for (?:it|sex)\b",
    r"\bpushed (?:his|her|their) hands? away\b|\bkeep (?:him|her|them) (?:calm|happy|quiet)\b",
    rf"\b{_FEAR}{_END}|\b(?:feel|felt|feeling|be|was|am|get) (?:so |really |too )?{_FEAR} (?:afterwards|after|during"
    rf"|when (?:we|they|he|she))\b",
    # care9: a no or a sore body overridden, lying still until it was done, no room for not being in the mood
    r"\b(?:did|does|do|doing) it anyway\b|\b(?:happened|happens|carried on|went ahead|kept going) anyway\b"
    r"|\b(?:lie|lay|lying|laying) (?:there )?(?:still|there|quiet) (?:until|till|and wait)\b|\buntil (?:they're|he's|she's"
    r"|they are|he is|she is|they were|he was|she was|it's|it was) (?:done|finished)\b"
    r"|\b(?:allowed|able|free) to (?:not be in the mood|say not tonight|not want (?:it|to))\b"
    r"|\b(?:okay|ok|alright|safe|fine) (?:when|if) i say (?:no|not tonight|i'm not (?:up for|in the mood))\b"
    r"|\bit(?:'s| is)(?: not| never)? (?:really )?(?:for me|about me)\b(?=.*\b(?:don't get|never get|not really|isn't)\b)",
))
# A knock of one's own: what hurt was an ankle, a cramp, a stubbed toe.
_OWN_KNOCK = (r"\bi (?:hurt|twisted|sprained|stubbed|pulled|banged|bumped|cut|burnt|burned|broke|jarred|tweaked|strained"
              r"|grazed) my (?:ankle|knee|back|toe|toes|foot|finger|thumb|wrist|shoulder|neck|hand|leg|hip|head|elbow|calf"
              r"|hamstring|arm)\b|\b(?:nobody|no one)(?:'s| is| was| got) hurt\b|\b(?:cramp|cramped|cramping|a stitch)\b")
# Said in answer to an after-intimacy question only ("is it okay that it hurts when we have sex?" asks, not tells).
AFTER_INTIMACY_CUES = re.compile(r"\bit hurt(?:s)?\b(?! (?:a (?:little|bit|tiny)|in a good way|less|so good)\b)"
                                 r"|\b(?:it was|it's|was) (?:really |so |very )?painful\b")
# Said in answer to one question, words that tell what they would not elsewhere: asked what they enjoyed or
# appreciated, relief at the partner's absence ("when they went out, i could breathe"); asked what they need tomorrow,
# a way out or safety.
_RELIEF = re.compile(
    r"\bwhen (?:he|she|they) (?:finally )?(?:went out|left|was gone|were gone|went (?:away|to work)|fell asleep|stopped)\b"
    r"|\b(?:could|can|got to) (?:finally |actually |just )?(?:breathe|be myself)\b|\b(?:time|a (?:day|night|evening|break|bit))"
    r" (?:away from|without) (?:him|her|them)\b|\b(?:him|her|them) (?:being )?(?:away|gone|out of the house)\b")
_NEED = re.compile(
    r"^(?:\w+ (?:, )?)?(?:just |honestly )?(?:a way out|an? (?:escape|exit)|out)(?= ?(?:$|[,.;!?]))|\bsomewhere (?:safe|to hide)\b"
    r"|\ba safe place\b|\bto (?:get|run) away(?: from (?:him|her|them|here|this|it all))?(?= ?(?:$|[,.;!?]))"
    r"|\bto escape(?: from (?:him|her|them|here|this|it all))?(?= ?(?:$|[,.;!?]))|\bto (?:feel|be|stay|keep) safe"
    r"(?= ?(?:$|[,.;!?]| at home| tonight| from| with| around)\b)|\b(?:him|her|them) (?:to )?(?:leave|move out|stay away)\b"
    r"|\bnot (?:to )?(?:have to )?(?:go|come|be) home\b")
ANSWER_CUES: Dict[str, Pattern[str]] = {"appreciated": _RELIEF, "enjoyable": _RELIEF, "tomorrow": _NEED}
# Intimacy named in the sentence itself (outside an after-intimacy check-in).
INTIMACY = re.compile(r"\b(?:sex|sexual|in bed|bedroom|intimacy|intimate|touch(?:ed|ing)?|sleep(?:ing)? with|make love"
                      r"|made love|kiss(?:ed|ing)?|undress\w*|in the mood|up for it|frigid)\b")

# An ordinary ask of the companion: start or do the check-in or the questions, a starter, keep it short. Said with
# no distress cue, a line that asks for one ("i'm dying of a cold so keep it short", "bit down, start the check-in")
# is that ask, not a disclosure.
ACTIVITY_REQUEST = re.compile(
    r"\b(?:start|begin|do|carry on|go (?:ahead|on)(?: with)?|ask|give|read|skip|pick|get|have|want|try|fancy|resume)\b"
    r"(?: \w+){0,4} (?:the |a |an |our |some |tonight's |bedtime |evening |after |short |quick |light )*"
    r"(?:check ?-?ins?|questions?|starters?|topic|prompt|conversation|one(?! (?:day|night|week|of)\b)|version|top|mine)\b"
    r"|\bkeep (?:it|this|them) (?:short|quick|brief|light|gentle|to)\b|\b(?:quick|short) one\b|\bmake (?:it|this) quick\b"
    r"|\blet's (?:do|get started|go|start)\b|\bgive (?:me|us) a (?:sec|second|minute|moment)\b"
    r"|\bcheck ?-?ins?\b|\b(?:the|these|your|tonight's|our) (?:questions|prompts?|topics?)\b|\bstarters?\b"
    r"|\bquestions please\b")


def words_of(text: str) -> str:
    """Lower case, apostrophes straightened and restored, clause marks kept as their own tokens, single spaces."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"([,.;!?])", r" \1 ", re.sub(r"[^\w' ,.;!?-]+", " ", text))
    return with_apostrophes(" ".join(text.split()))


# The subject of a topic asked for ("can we talk about feeling pressured into sex", "a starter on feeling trapped in
# routines"): a subject of the couple's, with no "i", "me" or "my" in it, is what they want to talk about, not a
# disclosure ("i want to talk about how he hits me" is one).
_TOPIC_ASK = re.compile(r"\b(?:talk|talking|chat|chatting|question|questions|starter|prompt|conversation|topic|something)"
                        r" (?:about|on|around) (?!.*\b(?:i|me|my|i'm|i've|myself)\b)")


# Enjoyment said outright ("when you held me down playfully, i liked that"): what sounds like force was play.
_ENJOYED = re.compile(r"\b(?:playful(?:ly)?|i (?:liked|loved|enjoyed) (?:that|it)|in a good way|turned me on|we both wanted"
                      r"|(?:didn't|did not|never) want(?:ed)? (?:it|this|that|the night) to (?:end|stop|finish|be over))\b")


def _enjoyed(words: str) -> bool:
    """Whether `words` say outright that it was enjoyed, with no fear or hurt beside."""
    return bool(_ENJOYED.search(words)) and not re.search(rf"\b{_FEAR}\b|\bhurt", words)


def _told(text: str) -> str:
    """The words of `text` that tell rather than name a topic asked for (nothing, where it says it was enjoyed)."""
    words = words_of(text)
    if _enjoyed(words):
        return ""
    ask = _TOPIC_ASK.search(words)
    return words[:ask.start()] if ask else words


def has_distress_cue(text: str) -> bool:
    """Whether `text` says in unmistakable words that someone is unsafe, harmed, coerced or in crisis."""
    words = IMPERSONAL_THREAT.sub(" ", PRESSED_TO_MORE.sub(" ", _told(text)))
    return bool(DISTRESS_CUES.search(words) or HINTS.search(words))


def has_consent_cue(text: str, intimate: bool = False) -> bool:
    """Whether `text` tells of pressure, fear or harm in intimacy: said after intimacy (`intimate`) or naming it."""
    words = _told(text)
    if intimate:
        return bool(CONSENT_CUES.search(words)) or (bool(AFTER_INTIMACY_CUES.search(words))
                                                    and not re.search(_OWN_KNOCK, words))
    return bool(CONSENT_CUES.search(words)) and bool(INTIMACY.search(words))


def has_answer_cue(text: str, asked: Optional[str]) -> bool:
    """Whether `text`, said in answer to the check-in question `asked` (its id), tells of distress by what was asked."""
    cue = ANSWER_CUES.get(asked or "")
    return bool(cue and cue.search(_told(text)))


def is_activity_request(text: str) -> bool:
    """Whether `text` asks the companion for an ordinary thing (the check-in, a starter, to keep it short)."""
    return bool(ACTIVITY_REQUEST.search(words_of(text)))


# Everyday fears and tears: of the dark, heights, the dentist, a film; crying at an advert; a laugh, a dare ("dying to
# hear"), a knock of one's own (a twisted ankle, a cramp). With no cue beside them a
# line that has one is talk, not a disclosure, however the classifier leans on "scared" or "cried".
EVERYDAY_WORRY = re.compile(
    rf"\b{_FEAR}(?: stiff| silly| stupid| witless| rigid| to death)? (?:of|by|about|at) (?:the |a |an |that |this |my |our "
    rf"|his |her |their )?{_THINGS}\b|\b{_THINGS}\b[^.;!?]*\b{_FEAR}(?: stiff| silly| stupid| witless| rigid| to death)?"
    r" of (?:it|them|that|that place|those|these|the place)\b"
    r"|\b(?:cry|cried|crying|sobbed|sobbing|welled up|teared up) (?:at|during|through|over|watching|listening to) (?:the |a |an "
    r"|that |this |our )?(?:[a-z']+ ){0,3}(?:film|movie|video|advert|ads?|wedding|song|book|show|episode|news|ending"
    r"|documentary|match|final|speech|photos?|series|programme|trailer)\b"
    # care9: a panic or a flap about an everyday thing ("in a flap about the flight", "panicking before the exam")
    rf"|\b(?:panic\w*|in a flap|flapping|nervous|anxious|worried|dreading)\b (?:about |before |at |over |during |for )?(?:the "
    rf"|a |an |my |our |this |that |tomorrow's )?{_THINGS}\b|\b{_THINGS}\b without (?:panicking|a panic|freaking out)"
    r"|\b(?:die|dying|kill|killing) for (?:a|an|some|my)\b|\bdying to (?:hear|know|see|find out|try|tell|ask|get)\b"
    rf"|\b{_LAUGH}\b(?= ?(?:$|[,.;!?]| about\b| at\b| so\b))"
    rf"|{_OWN_KNOCK}|\b(?:bricking|cacking|wetting) (?:it|myself)\b"
    r"|\b(?:nearly|almost) (?:had|gave me) a heart attack\b|\b(?:scared|frightened) the (?:life|hell|living daylights) out of\b"
    r"|\b(?:feet|back|legs|knees|neck|head|shoes|heels|boots|hangover|puns?|jokes?|commute|heat)\b[^.;!?]{0,25}"
    r"\b(?:killing|murdering|destroying) me\b|\bdreading (?:it|this|that) (?:a (?:little|bit)|slightly)\b"
    r"|\b(?:i'd|i had) been dreading (?:it|that)(?= ?(?:$|[,.;!?]))")


# A good close after the hard words ("i was nervous, it's been a while, but it felt good"): what came before was a
# worry the answer itself settles (care9). A cue beside it still tells.
GOOD_CLOSE = re.compile(r"\bbut (?:it |that |tonight |today |the (?:[\w']+ ){1,3})?(?:felt|was|is|turned out|ended up) (?:really |so |very )?"
                        r"(?:good|lovely|nice|great|amazing|fun|gorgeous|wonderful|brilliant|fine in the end)\b(?= ?(?:$|[,.;!?]))")


# Gladness said outright with a word of stopping or ending, in an answer of one piece ("alex didn't stop smiling all
# evening", "we kept going and didn't want to stop", "i felt so wanted", "it was over too quickly"): the classifier
# leans on "stop" and "over" here. Only its lean gives way; a cue still counts, and a turn ("but", "until") or a word
# of fear or harm keeps the lean.
_GLAD = re.compile(
    r"\b(?:didn't|did not|couldn't|could not|wouldn't|would not|never) stop (?:smiling|laughing|grinning|giggling|beaming)\b"
    r"(?! at (?:me|my|us)\b)"
    r"|\b(?:i|we|neither of us)\b(?:(?! (?:he|she|they|him|her|them)\b)[^.;!?]){0,30}? (?:didn't|did not|never) want(?:ed)?"
    r" (?:it |this |the night )?to (?:stop|end|finish|be over)\b|\bneither of us wanted (?:it |this )?to (?:stop|end|finish)\b"
    r"|\bfelt (?:so |really |very |truly |completely |properly )?(?:wanted|loved|desired|cherished|adored)\b"
    r"|\bover (?:too|so|far too|way too) (?:quickly|soon|fast)\b"
    # praise said outright: "i don't know what to say, it was perfect"
    r"|\b(?:it|that|this|tonight|everything|you) (?:was|were|felt|is|are) (?:just |so |really |absolutely |honestly |utterly"
    r" |completely |pretty |properly )?(?:perfect|amazing|wonderful|incredible|lovely|magical|magic|beautiful|brilliant"
    r"|fantastic|gorgeous|bliss|blissful|heavenly|fabulous|the best)\b")
_TURNED = re.compile(rf"\b(?:but|until|though|although|except|then|afterwards|later|yet|let me|{_HARM})\b")
_NOT_BEFORE = re.compile(r"(?:n't|\bnot|\bnever|\bno|\bhardly|\brarely|\bever|\bif|\bwhether|\bsays?|\bsaid|\btells? me|\btold me"
                         r"|\bthinks?|\bclaims?|\bpretend\w*|\bsupposed to|\bmeant to)(?: [\w']+){0,2} ?$")  # "i haven't felt loved"


def _glad(words: str) -> bool:
    """Whether `words` say gladness outright with a word of stopping or ending, and nothing turns it."""
    found = _GLAD.search(words)
    if found is None:
        return False
    return not _NOT_BEFORE.search(words[:found.start()]) and not _TURNED.search(words[:found.start()] + " "
                                                                                 + words[found.end():])


# Wanting more, said in the moment or after, by the one answering or to the partner answered to ("i kept thinking don't
# stop", "you begged me not to stop", "i wanted it to go on forever", "shaky afterwards, good shaking"): the classifier
# leans on "stop" and on shaking. Said of a third person ("he said don't stop") it is left to the classifier.
_MORE = re.compile(
    r"\b(?:think\w*|thought|say\w*|said|whisper\w*|begg?\w*|ask\w*|moan\w*|tell\w*|told|gasp\w*|breath\w*|shout\w*)"
    r"(?: (?:me|you|us|it|out loud))?,? (?:please )?(?:don't|do not|not to|never|please don't|don't you dare|don't ever) stop\b"
    r"|\b(?:don't|do not) stop,? (?:don't|do not) stop\b"
    r"|\b(?:think\w*|thought|say\w*|said|whisper\w*|begg?\w*|moan\w*|tell\w*|told)(?: (?:me|you|us))?,? (?:to )?keep going\b"
    r"|\bwant(?:ed)? (?:it|this|that|the night|tonight|you|us) to (?:go on|keep going|last|carry on|continue)(?: (?:forever|all night"
    r"|for ever|longer|for hours))?(?= ?(?:$|[,.;!?]| and\b))"
    r"|\bgood (?:shaking|trembling|shaky|wobbly|tears|crying|ache|aching|sore|tired)\b|\bhappy (?:tears|crying)\b|\bthe good kind\b")
# ... or eased: told to stop worrying, a pause wished for a day.
_EASED = re.compile(r"\b(?:stop|quit) (?:overthinking|worrying|apologising|apologizing|stressing|fretting|rushing|second-guessing"
                    r"|panicking|being so hard on (?:myself|yourself))\b"
                    r"|\b(?:stop|pause|rest|slow down) " + _A_WHILE)
_THIRD_PERSON = re.compile(r"\b(?:he|she|they|him|them|his|their|he's|she's|they're|he'd|she'd|they'd)\b")
_HARMED = re.compile(rf"\b(?:{_HARM}|anyway|even though)\b")


def _wanted_more(words: str) -> bool:
    """Whether `words` wish it had gone on, or tell of being eased, said by or to the partners themselves, with no
    fear or harm beside."""
    found = _MORE.search(words) or _EASED.search(words)
    return (found is not None and not _NOT_BEFORE.search(words[:found.start()]) and not _THIRD_PERSON.search(words)
            and not _HARMED.search(words))


# Everyday loads, kindnesses, reliefs and wishes in a disclosure's words: buried in emails, everyone wanting something,
# getting through a presentation, help lifting a wardrobe, never made to feel silly, help given unasked, not pushed
# when not ready, being asked what i wanted, not having to pretend, "tell me to stop if it's not right", a night ended
# with a kiss.
_CHORE = (r"(?:with|lifting|carrying|moving|shifting|building|fixing|sorting|cleaning|tidying|cooking|packing|unpacking"
          r"|painting|putting up|taking down|doing the|getting the kids|clearing|shopping|planning|organising)")
_EVERYDAY_WISH = re.compile(
    rf"\b(?:get|getting|got|make it) through (?:the |my |a |this |that |tomorrow's |tomorrow )?(?:[\w']+ )?(?:{_THINGS}|meetings?"
    r"|shift|appraisal|review|inspection|audit|school run|commute|pitch|viva|assessment)\b"
    r"|\b(?:nobody|no one|none of them) (?:needs|needing|wants|wanting|asks|asking) (?:anything|something|stuff|things) (?:from|of) me\b"
    rf"|^(?:(?:some|a bit of|a little|a hand|a hand and|just) )?help {_CHORE}\b(?!.*\b(?:away|escape|escaping|leave|leaving|safe|safety"
    r"|he|she|they|him|her|them)\b)"
    r"|\byou (?:asked|checked|asking|checking)(?: in)?(?: with| on)? (?:me )?(?:what|if|whether|how) i (?:wanted|liked|needed|felt|was)\b"
    r"|^(?:just |honestly |simply )?not having to (?:pretend|rush|hurry|perform|worry|think|hold back|be quiet|watch the clock"
    r"|try so hard|be anywhere|get up)\b(?!.*\b(?:he|she|they|him|her|them)\b)"
    r"|\b(?:drowning|buried|snowed under|swamped) (?:in|with|under) (?:the |my |our |all the |all my )?(?:[\w']+ )?(?:emails?|work"
    r"|paperwork|admin|laundry|washing|ironing|deadlines?|marking|homework|meetings?|messages|invoices|boxes|toys|post|forms"
    r"|reports?|assignments?|orders|calls|jobs|chores)\b"
    r"|\b(?:everyone|everybody|people|the kids|the children|work|my boss|the phone|my phone|the world|my inbox) (?:to )?(?:stop|quit)"
    r" (?:needing|asking|calling|messaging|emailing|texting|pinging|ringing|bothering|nagging|interrupting|wanting)\b"
    r"|\b(?:never|don't ever|doesn't ever|didn't|don't|doesn't) (?:make|made|makes) me feel (?:stupid|silly|daft|bad|small|guilty|like a"
    r" burden|awkward|rubbish|judged|embarrassed|a nuisance)\b"
    r"|\bwithout (?:being|me|me even|even being) (?:asked|asking|having to ask|nagging)\b"
    r"|(?<!\bat least )\byou (?:didn't|did not|never|don't|do not) (?:push|pushed|pressure|pressured|rush|rushed|force|hurry|hurried)"
    r"(?: me)?(?: (?:when|after|once|if) i\b| (?:or|and) )(?!.*\b(?:this time|for once|today)\b)"
    r"|\b(?:tell|ask) me to (?:stop|slow down|wait)(?: [\w']+){0,3} (?:if|when|whenever)\b"
    r"|\b(?:say|shout) (?:stop|no|wait)(?: [\w']+){0,2} (?:if|when|whenever) (?:you|something|anything|it)\b"
    r"|\b(?:end|ending|ended|finish|finishing|finished|start|starting|started) (?:it|the night|the day|the evening|things|each day"
    r"|every night|every day|each night) (?:off )?with (?:a |an |some )?(?:kiss|cuddle|hug|snuggle|bath|massage|chat|laugh|story"
    r"|cup of tea|cuppa|dance)\b")


def is_ordinary(text: str) -> bool:
    """Whether `text` is an ordinary ask, an everyday fear or tear, enjoyment or gladness said outright, a worry
    closed by a good end, or a mood or pressure with an everyday cause (the classifier alone may not call it
    distress)."""
    words = words_of(text)
    return (is_activity_request(text) or bool(EVERYDAY_WORRY.search(words)) or _enjoyed(words) or _glad(words)
            or _wanted_more(words) or bool(GOOD_CLOSE.search(words) or EVERYDAY_CAUSE.search(words)
                                           or _EVERYDAY_WISH.search(words)))

