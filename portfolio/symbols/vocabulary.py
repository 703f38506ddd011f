"""Our own careers and work vocabulary: the words a learner taps to tell the story of a work experience.

Each word is a symbol name (``Word.key``) that ``symbol_url`` can draw, a plain label that is shown and
read aloud, and the OpenMoji emoji whose drawing stands for it. ``library.ALL_SYMBOLS`` takes every word
from here, so ``flask --app portfolio symbols`` copies their pictures too.

Learners who do not read find a word by where it sits in its grid, so the order of ``CATEGORIES`` and of
the words inside each one *is* the display order. Nothing here is sorted at runtime, and new words are
only ever appended to the end of a category: moving a word would move it under a learner's finger.

Experience records store word keys (``feeling-liked``, ``skill-teamwork``), so a key, once released, is
never renamed or removed.

The library builds on this module, never the other way round: the learner pictures this module can
also return come from ``learner_pictures``, which both use.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

import emoji

from portfolio.symbols import learner_pictures


@dataclass(frozen=True)
class Word:
    """One tappable word: symbol name, the words shown and read aloud, its emoji and its category key."""

    key: str
    label: str
    emoji: str
    category: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    """One grid of words. ``symbol`` is the symbol name shown on the button that opens it."""

    key: str
    label: str
    symbol: str
    words: tuple[Word, ...]


# Each entry: key, label, emoji, synonyms. Synonyms serve two jobs: staff search ("coffee shop" finds the
# café) and captions, where one-word synonyms match a single word (``lookup``) and longer ones match as a
# phrase (``symbolise``). Each form belongs to one word only, so a caption word always gets the same symbol.
_Entry = tuple[str, str, str, tuple[str, ...]]

_PLACES: tuple[_Entry, ...] = (
    ("garden-centre", "garden centre", "🪴", ("garden", "nursery garden", "plant nursery")),
    ("cafe", "café", "☕", ("cafe", "coffee shop", "canteen", "tea room")),
    ("supermarket", "supermarket", "🏪", ()),
    ("shop", "shop", "🏬", ("store", "charity shop", "shops")),
    ("farm", "farm", "🐄", ("city farm", "stables")),
    ("hospital", "hospital", "🏥", ()),
    ("care-home", "care home", "🏘️", ("nursing home", "residential home")),
    ("office", "office", "🏢", ()),
    ("kitchen", "kitchen", "🥘", ()),
    ("warehouse", "warehouse", "🏭", ("factory",)),
    ("library", "library", "📚", ()),
    ("college", "college", "🎓", ("sixth form", "university")),
    ("garage", "garage", "🛞", ("car repair", "tyre shop")),
    ("school", "school", "🏫", ()),
    ("hotel", "hotel", "🏨", ()),
    ("restaurant", "restaurant", "🍽️", ("pub",)),
    ("nursery", "nursery", "🧸", ("childcare", "play group", "preschool")),
    ("building-site", "building site", "🏗️", ("construction site",)),
    ("bakery", "bakery", "🍞", ("bakers",)),
    ("leisure-centre", "leisure centre", "🏊", ("gym", "sports centre", "swimming pool")),
    ("park", "park", "🏞️", ("country park",)),
    ("post-office", "post office", "🏤", ()),
    ("museum", "museum", "🏛️", ("gallery",)),
    ("theatre", "theatre", "🎭", ("cinema",)),
)

_JOBS: tuple[_Entry, ...] = (
    ("chef", "chef", "🧑‍🍳", ("kitchen assistant",)),
    ("gardener", "gardener", "🧑‍🌾", ("gardening", "groundskeeper", "horticulture")),
    ("shop-assistant", "shop assistant", "🛍️", ("sales assistant", "retail", "retail assistant")),
    ("bus-driver", "bus driver", "🚍", ()),
    ("nurse", "nurse", "🧑‍⚕️", ()),
    ("mechanic", "mechanic", "🧑‍🔧", ()),
    ("cleaner", "cleaner", "🧼", ("caretaker", "housekeeper")),
    ("office-worker", "office worker", "🗄️", ("administrator", "admin assistant")),
    ("hairdresser", "hairdresser", "💇", ("hair salon", "hair stylist")),
    ("vet", "vet", "🐾", ("vets", "vet nurse", "animal care")),
    ("builder", "builder", "👷", ("construction worker",)),
    ("farmer", "farmer", "🚜", ("farm worker",)),
    ("care-worker", "care worker", "🫶", ("care assistant", "support worker")),
    ("delivery-driver", "delivery driver", "🚚", ("courier", "van driver")),
    ("waiter", "waiter", "🍴", ("waitress", "server", "waiting staff")),
    ("receptionist", "receptionist", "💁", ("reception", "hotel receptionist")),
    ("warehouse-worker", "warehouse worker", "🧑‍🏭", ("factory worker", "packer")),
    ("police-officer", "police officer", "👮", ("police", "police man", "police woman")),
    ("firefighter", "firefighter", "🧑‍🚒", ("fire fighter", "fireman")),
    ("doctor", "doctor", "🩺", ("gp",)),
    ("scientist", "scientist", "🧑‍🔬", ("lab technician",)),
    ("artist", "artist", "🧑‍🎨", ("designer",)),
    ("it-technician", "IT technician", "🧑‍💻", ("it", "programmer", "computer technician", "it support")),
)

# More jobs for a careers programme. They are job words like those above (category "jobs", so stored
# keys and checks keep working), but the learner's jobs grid stays the 23 above, in their places: a
# grid of 100 pictures cannot be found by position. These are reached by sector (``JOB_SECTORS``) and
# by search. Each picture was chosen for its meaning and checked on a contact sheet.
_MORE_JOBS: tuple[_Entry, ...] = (
    ("baker", "baker", "🥖", ()),
    ("barista", "barista", "🫗", ("coffee maker",)),
    ("kitchen-porter", "kitchen porter", "🥣", ("pot washer", "dish washer")),
    ("butcher", "butcher", "🥩", ()),
    ("bar-staff", "bar staff", "🍺", ("bar worker", "bartender", "barman", "barmaid")),
    ("catering-assistant", "catering assistant", "🍱", ("catering", "caterer")),
    ("cake-decorator", "cake decorator", "🎂", ()),
    ("fast-food-worker", "fast food worker", "🍔", ("burger bar", "fast food")),
    ("school-cook", "school cook", "🍲", ("dinner lady", "lunchtime assistant", "school kitchen")),
    ("dentist", "dentist", "🦷", ("dental nurse",)),
    ("pharmacist", "pharmacist", "💊", ("chemist", "pharmacy")),
    ("paramedic", "paramedic", "🚑", ("ambulance",)),
    ("optician", "optician", "👓", ("opticians",)),
    ("physiotherapist", "physiotherapist", "🦵", ("physio",)),
    ("nursery-nurse", "nursery nurse", "🍼", ("nursery worker", "childcare worker", "nanny")),
    ("healthcare-assistant", "healthcare assistant", "🩹", ("health care assistant", "hca")),
    ("dog-groomer", "dog groomer", "🐩", ("groomer", "grooming")),
    ("zookeeper", "zookeeper", "🦁", ("zoo keeper", "zoo")),
    ("stable-hand", "stable hand", "🐎", ("groom", "horse care")),
    ("beekeeper", "beekeeper", "🐝", ("bee keeper", "bees")),
    ("tree-surgeon", "tree surgeon", "🪓", ("forestry worker", "forester")),
    ("park-ranger", "park ranger", "🌲", ("ranger", "countryside ranger")),
    ("road-worker", "road worker", "🚧", ("roadworks",)),
    ("garden-centre-assistant", "garden centre assistant", "🌼", ()),
    ("refuse-collector", "refuse collector", "🗑️", ("bin collector", "bin man", "binman")),
    ("window-cleaner", "window cleaner", "🪟", ()),
    ("plumber", "plumber", "🪠", ("plumbing",)),
    ("electrician", "electrician", "🔌", ("electrics",)),
    ("carpenter", "carpenter", "🪵", ("joiner", "carpentry", "joinery")),
    ("bricklayer", "bricklayer", "🧱", ("brickie", "bricks", "brick")),
    ("locksmith", "locksmith", "🗝️", ()),
    ("car-valeter", "car valeter", "🚙", ("car wash", "valeting")),
    ("architect", "architect", "📐", ()),
    ("maintenance-worker", "maintenance worker", "⚒️", ("handyman", "handyperson", "maintenance")),
    ("tailor", "tailor", "🪡", ("dressmaker", "sewing", "sew")),
    ("jeweller", "jeweller", "💍", ("jewellery maker",)),
    ("cashier", "cashier", "🪙", ("checkout assistant", "till operator")),
    ("florist", "florist", "💐", ("flower shop",)),
    ("greengrocer", "greengrocer", "🥕", ("market trader",)),
    ("barber", "barber", "💈", ("barbers",)),
    ("beauty-therapist", "beauty therapist", "💅", ("nail technician", "beautician")),
    ("massage-therapist", "massage therapist", "💆", ("massage",)),
    ("pet-shop-assistant", "pet shop assistant", "🐹", ("pet shop",)),
    ("security-guard", "security guard", "🛡️", ("security", "door supervisor")),
    ("lorry-driver", "lorry driver", "🚛", ("hgv driver", "truck driver", "lorry")),
    ("train-driver", "train driver", "🚂", ()),
    ("taxi-driver", "taxi driver", "🚖", ("cab driver",)),
    ("pilot", "pilot", "🧑‍✈️", ()),
    ("railway-worker", "railway worker", "🛤️", ("station assistant", "train guard")),
    ("sailor", "sailor", "⚓", ("deckhand", "ferry worker")),
    ("cycle-courier", "cycle courier", "🚴", ("bike courier",)),
    ("parking-attendant", "parking attendant", "🅿️", ("car park attendant", "car park", "traffic warden")),
    ("petrol-station-assistant", "petrol station assistant", "⛽", ("petrol station", "garage forecourt")),
    ("school-crossing-patrol", "school crossing patrol", "🚸", ("lollipop lady", "lollipop man", "lollipop person")),
    ("postal-worker", "postal worker", "📮", ("postman", "postwoman", "postie", "post worker")),
    ("accountant", "accountant", "🧮", ("bookkeeper", "accounts")),
    ("bank-clerk", "bank clerk", "🏦", ("bank worker", "bank staff")),
    ("call-centre-worker", "call centre worker", "🎧", ("call centre", "customer service adviser")),
    ("lawyer", "lawyer", "⚖️", ("solicitor",)),
    ("journalist", "journalist", "📰", ("reporter", "newspaper")),
    ("web-designer", "web designer", "🌐", ("website", "web developer")),
    ("game-tester", "game tester", "🎮", ("games tester", "game designer", "video games")),
    ("librarian", "librarian", "📕", ("library assistant",)),
    ("soldier", "soldier", "🪖", ("army", "armed forces")),
    ("musician", "musician", "🎹", ("music",)),
    ("singer", "singer", "🧑‍🎤", ("singing",)),
    ("actor", "actor", "🎬", ("acting", "actress")),
    ("dancer", "dancer", "💃", ("dancing",)),
    ("photographer", "photographer", "📸", ("photography",)),
    ("film-maker", "film maker", "🎥", ("camera operator", "filmmaker", "video maker")),
    ("cinema-assistant", "cinema assistant", "🍿", ("usher",)),
    ("theme-park-worker", "theme park worker", "🎡", ("theme park", "ride operator")),
    ("lifeguard", "lifeguard", "🛟", ("life guard",)),
    ("fitness-instructor", "fitness instructor", "🏋️", ("gym instructor", "personal trainer")),
    ("sports-coach", "sports coach", "🥅", ("football coach", "sports leader")),
    ("porter", "porter", "🧳", ("hotel porter", "hospital porter", "luggage")),
    ("radio-presenter", "radio presenter", "📻", ("radio", "dj")),
    ("sound-technician", "sound technician", "🎛️", ("sound engineer", "stage technician")),
    ("potter", "potter", "🏺", ("pottery", "ceramics")),
)

_TASKS: tuple[_Entry, ...] = (
    ("cook", "cook", "🍳", ("cooking", "cooked", "fry")),
    ("clean", "clean", "🧽", ("wipe", "wiped", "cleaning")),
    ("stack-shelves", "stack shelves", "🥫", ("stack", "shelves", "shelf", "fill shelves", "restock")),
    ("water-plants", "water plants", "💧", ("water", "watered", "watering")),
    ("plant-seeds", "plant seeds", "🌱", ("plant", "plants", "seeds", "seed", "sow", "potting")),
    ("serve-customers", "serve customers", "🫴", ("serve", "served", "serving")),
    ("use-till", "use the till", "💳", ("checkout", "take payments", "payments")),
    ("answer-phone", "answer the phone", "📞", ("phone call", "phone calls")),
    ("fold-clothes", "fold clothes", "👕", ("fold", "folded", "clothes")),
    ("feed-animals", "feed animals", "🐔", ("feed", "fed", "animals")),
    ("wash-up", "wash up", "🫧", ("wash", "washed", "washing up", "dishes")),
    ("sweep", "sweep", "🧹", ("swept",)),
    ("label", "label", "🏷️", ("price", "labels", "price tags")),
    ("pack", "pack", "📦", ("packed", "parcels", "boxes", "box")),
    ("make-tea", "make tea", "🍵", ("tea", "make drinks", "make coffee", "drinks")),
    ("tidy-up", "tidy up", "🧺", ("tidy", "tidied", "sort")),
    ("use-computer", "use a computer", "🖥️", ("typing", "type", "typed", "data entry")),
    ("bake", "bake", "🧁", ("baked", "baking", "cakes")),
    ("fix", "fix things", "🔩", ("fix", "fixed", "mend", "repair", "repaired")),
    ("paint", "paint", "🎨", ("painted", "painting", "decorate")),
    ("recycle", "recycle", "♻️", ("recycling", "bins", "rubbish")),
    ("make-beds", "make beds", "🛏️", ("beds", "bed", "change beds")),
    ("walk-dogs", "walk dogs", "🐕", ("dog walking", "dogs")),
    ("make-food", "make food", "🥪", ("sandwiches", "sandwich", "prepare food", "food")),
)

_TOOLS: tuple[_Entry, ...] = (
    ("broom", "broom", "🧹", ("brush", "sweeping brush")),
    ("gloves", "gloves", "🧤", ("glove",)),
    ("computer", "computer", "💻", ("laptop", "pc")),
    ("phone", "phone", "☎️", ("telephone",)),
    ("cash-register", "till", "🧾", ("receipt",)),
    ("spade", "spade", "🪏", ("shovel",)),
    ("hammer", "hammer", "🔨", ()),
    ("scissors", "scissors", "✂️", ()),
    ("mop", "mop and bucket", "🪣", ("mop", "bucket")),
    ("trolley", "trolley", "🛒", ("cart", "shopping trolley")),
    ("hard-hat", "hard hat", "⛑️", ("helmet",)),
    ("tape-measure", "tape measure", "📏", ("ruler", "measure", "measured")),
    ("spanner", "spanner", "🔧", ("wrench",)),
    ("saw", "saw", "🪚", ()),
    ("paintbrush", "paintbrush", "🖌️", ("paint brush",)),
    ("ladder", "ladder", "🪜", ()),
    ("pen", "pen", "🖊️", ("pencil",)),
    ("clipboard", "clipboard", "📋", ("checklist", "list")),
    ("torch", "torch", "🔦", ("flashlight",)),
    ("safety-vest", "hi-vis vest", "🦺", ("hi-vis", "high vis", "vest", "tabard")),
    ("screwdriver", "screwdriver", "🪛", ()),
)

_PEOPLE: tuple[_Entry, ...] = (
    ("manager", "manager", "👔", ("boss", "supervisor", "employer", "line manager")),
    ("customer", "customer", "🧍", ("customers", "shopper", "client")),
    ("team", "team", "👥", ("colleagues", "colleague", "workmates", "staff team")),
    ("friend", "friend", "🧑‍🤝‍🧑", ("friends", "buddy", "mate")),
    ("teacher", "teacher", "🧑‍🏫", ("tutor", "lecturer")),
    ("teaching-assistant", "teaching assistant", "👩‍🏫", ("ta", "lsa", "learning support")),
    ("parent", "parent", "👪", ("mum", "dad", "mother", "father")),
    ("carer", "carer", "🫂", ("foster carer",)),
    # "coach" alone is left out: it is as often the bus as the person (and a sports coach is a job).
    ("job-coach", "job coach", "🧑‍💼", ("mentor",)),
    ("careers-adviser", "careers adviser", "🧭", ("careers advisor", "adviser", "advisor")),
    ("children", "children", "🧒", ("child", "kids", "pupils")),
    ("older-people", "older people", "🧓", ("residents", "elderly")),
    ("patient", "patient", "🤒", ()),
    ("classmate", "classmate", "🧑‍🎓", ("student", "students", "classmates")),
)

_TRAVEL: tuple[_Entry, ...] = (
    ("bus", "bus", "🚌", ("coach trip",)),
    ("train", "train", "🚆", ("railway",)),
    ("walk", "walk", "🚶", ("walked", "walking", "on foot")),
    ("taxi", "taxi", "🚕", ("cab",)),
    # Not "lift": in a caption it is as often the lift between floors, or lifting boxes.
    ("car", "car", "🚗", ("drove", "car ride")),
    ("bike", "bike", "🚲", ("bicycle", "cycle", "cycled")),
    ("minibus", "minibus", "🚐", ("school bus", "van")),
    ("map", "map", "🗺️", ("directions",)),
    ("ticket", "ticket", "🎫", ("fare",)),
    ("timetable", "timetable", "🕒", ("bus times", "train times")),
    ("tram", "tram", "🚊", ()),
    ("underground", "underground", "🚇", ("tube", "metro")),
    ("station", "station", "🚉", ("bus station", "train station")),
    ("wheelchair", "wheelchair", "🦽", ()),
    ("scooter", "scooter", "🛴", ()),
    ("bus-pass", "bus pass", "🎟️", ("travel pass", "travel card")),
    ("traffic-lights", "traffic lights", "🚦", ("crossing", "cross the road", "zebra crossing")),
    ("plane", "plane", "✈️", ("aeroplane", "airport", "flight")),
)

# The first five are the scale an experience is rated on, best first; the model stores these keys.
_FEELINGS: tuple[_Entry, ...] = (
    ("feeling-loved", "I loved it", "😍", ("loved", "love", "brilliant", "amazing")),
    ("feeling-liked", "I liked it", "🙂", ("liked", "like", "enjoyed", "good")),
    ("feeling-ok", "It was OK", "😐", ("ok", "okay", "alright", "fine")),
    ("feeling-not-much", "I did not like it much", "🙁", ("not much",)),
    ("feeling-disliked", "I did not like it", "😖", ("disliked", "hated", "horrible")),
    ("feeling-happy", "happy", "😊", ()),
    ("feeling-excited", "excited", "🤩", ()),
    ("feeling-proud", "proud", "🏅", ()),
    ("feeling-calm", "calm", "😌", ("relaxed",)),
    ("feeling-tired", "tired", "🥱", ("sleepy",)),
    ("feeling-bored", "bored", "😒", ("boring",)),
    ("feeling-nervous", "nervous", "😬", ("anxious",)),
    ("feeling-worried", "worried", "😟", ()),
    ("feeling-confused", "confused", "😕", ("confusing",)),
    ("feeling-scared", "scared", "😨", ("frightened", "afraid")),
    ("feeling-sad", "sad", "😢", ("upset",)),
    ("feeling-angry", "angry", "😠", ("annoyed",)),
    ("feeling-surprised", "surprised", "😮", ()),
)

# The first nine are stored by experience records; later ones only ever get appended.
_SKILLS: tuple[_Entry, ...] = (
    ("skill-communication", "communication", "🗣️", ("talking", "speaking", "communicating")),
    ("skill-teamwork", "teamwork", "🤝", ("working together", "team work")),
    ("skill-instructions", "following instructions", "🗒️", ("instructions",)),
    ("skill-timekeeping", "timekeeping", "⏱️", ("on time", "punctual", "time keeping")),
    ("skill-travelling", "travelling", "🚏", ("travel", "travel training", "independent travel")),
    ("skill-money", "money", "💷", ("cash", "pounds", "coins")),
    # Not "safe": "I felt safe" is a feeling, not a fire extinguisher.
    ("skill-safety", "health and safety", "🧯", ("safety", "work safely")),
    ("skill-customers", "customer service", "🛎️", ("customer care",)),
    ("skill-tools", "using tools", "🧰", ("tools",)),
    ("skill-problem-solving", "problem solving", "🧩", ("problems", "problem")),
    ("skill-computers", "computers", "🖱️", ("computing", "ict")),
    # Open hands, not OpenMoji's "palms up together", which is drawn exactly like praying hands.
    ("skill-helping", "helping others", "👐", ("helping", "helped", "help others")),
    ("skill-listening", "listening", "👂", ("listen", "listened")),
    ("skill-asking-for-help", "asking for help", "🙋", ("asking", "asked", "ask for help")),
    ("skill-creativity", "being creative", "💡", ("creative", "creativity", "ideas")),
    ("skill-organising", "being organised", "🗂️", ("organised", "organising", "organising things")),
    ("skill-reading", "reading", "📖", ("read",)),
    ("skill-writing", "writing", "✍️", ("write", "wrote")),
    ("skill-numbers", "numbers", "🔢", ("counting", "counted", "maths")),
    ("skill-independence", "working on my own", "💪", ("independence", "independent", "independently")),
)

# The jobs by sector, each a grid of at most 24 pictures, in display order. Every job word is in exactly
# one; the teacher and teaching assistant are people words, listed here too because they are jobs.
_JOB_SECTOR_DATA: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("jobs-food", "food and drink", "🧑‍🍳", (
        "chef", "waiter", "baker", "barista", "kitchen-porter", "butcher", "bar-staff", "catering-assistant",
        "cake-decorator", "fast-food-worker", "school-cook",
    )),
    ("jobs-care", "care and health", "🧑‍⚕️", (
        "care-worker", "nurse", "doctor", "healthcare-assistant", "nursery-nurse", "dentist", "pharmacist",
        "paramedic", "optician", "physiotherapist", "massage-therapist",
    )),
    ("jobs-outdoors", "outdoors and animals", "🧑‍🌾", (
        "gardener", "farmer", "vet", "garden-centre-assistant", "tree-surgeon", "park-ranger", "dog-groomer",
        "stable-hand", "zookeeper", "beekeeper", "refuse-collector", "window-cleaner", "road-worker",
    )),
    ("jobs-building", "building and making", "👷", (
        "builder", "mechanic", "plumber", "electrician", "carpenter", "bricklayer", "maintenance-worker",
        "locksmith", "architect", "car-valeter", "tailor", "jeweller", "potter",
    )),
    ("jobs-shops", "shops and services", "🛍️", (
        "shop-assistant", "cashier", "cleaner", "hairdresser", "barber", "beauty-therapist", "florist",
        "greengrocer", "pet-shop-assistant", "receptionist", "security-guard", "porter",
    )),
    ("jobs-transport", "transport and warehouses", "🚚", (
        "delivery-driver", "warehouse-worker", "bus-driver", "lorry-driver", "train-driver", "taxi-driver",
        "railway-worker", "cycle-courier", "postal-worker", "parking-attendant", "petrol-station-assistant",
        "school-crossing-patrol", "pilot", "sailor",
    )),
    ("jobs-office", "offices and computers", "🗄️", (
        "office-worker", "it-technician", "call-centre-worker", "accountant", "bank-clerk", "web-designer",
        "game-tester", "journalist", "lawyer", "scientist",
    )),
    ("jobs-public", "schools and public services", "👮", (
        "teacher", "teaching-assistant", "librarian", "police-officer", "firefighter", "soldier",
    )),
    ("jobs-leisure", "sport, arts and fun", "🧑‍🎨", (
        "artist", "musician", "singer", "actor", "dancer", "photographer", "film-maker", "radio-presenter",
        "sound-technician", "cinema-assistant", "theme-park-worker", "lifeguard", "fitness-instructor",
        "sports-coach",
    )),
)

# Category key, label, the symbol name on its button and emoji for that symbol, and its words.
_CATEGORY_DATA: tuple[tuple[str, str, str, tuple[_Entry, ...]], ...] = (
    ("places", "places", "🏙️", _PLACES),
    ("jobs", "jobs", "💼", _JOBS),
    ("tasks", "things I did", "🛠️", _TASKS),
    ("tools", "tools", "🧰", _TOOLS),
    ("people", "people", "🧑‍🤝‍🧑", _PEOPLE),
    ("travel", "travel", "🚦", _TRAVEL),
    ("feelings", "feelings", "😀", _FEELINGS),
    ("skills", "skills", "🌟", _SKILLS),
)


def _build_categories() -> tuple[Category, ...]:
    return tuple(
        Category(
            key=cat_key,
            label=cat_label,
            symbol=f"category-{cat_key}",
            words=tuple(Word(key, label, emo, cat_key, synonyms) for key, label, emo, synonyms in entries),
        )
        for cat_key, cat_label, _emoji, entries in _CATEGORY_DATA
    )


CATEGORIES: tuple[Category, ...] = _build_categories()

MORE_JOBS: tuple[Word, ...] = tuple(Word(key, label, emo, "jobs", synonyms) for key, label, emo, synonyms in _MORE_JOBS)

ALL_WORDS: dict[str, Word] = {**{w.key: w for c in CATEGORIES for w in c.words}, **{w.key: w for w in MORE_JOBS}}


def _build_job_sectors() -> tuple[Category, ...]:
    return tuple(
        Category(key=key, label=label, symbol=f"category-{key}", words=tuple(ALL_WORDS[k] for k in keys))
        for key, label, _emoji, keys in _JOB_SECTOR_DATA
    )


# Every job by sector: grids a learner can browse (food, care, building...) once the jobs are too
# many for one. The words keep their own category ("jobs", or "people" for the teacher), so these are
# views, never stored.
JOB_SECTORS: tuple[Category, ...] = _build_job_sectors()

JOB_WORDS: tuple[Word, ...] = tuple(w for w in ALL_WORDS.values() if w.category == "jobs")

FEELING_SCALE: tuple[Word, ...] = tuple(ALL_WORDS[k] for k in (
    "feeling-loved", "feeling-liked", "feeling-ok", "feeling-not-much", "feeling-disliked",
))

# Symbol name -> emoji for every picture this module needs drawn: the words and the category buttons.
SYMBOLS: Mapping[str, str] = MappingProxyType({
    **{f"category-{key}": emo for key, _label, emo, _entries in _CATEGORY_DATA},
    **{f"category-{key}": emo for key, _label, emo, _keys in _JOB_SECTOR_DATA},
    **{w.key: w.emoji for w in ALL_WORDS.values()},
})

_CATEGORY_BY_KEY: dict[str, Category] = {c.key: c for c in (*CATEGORIES, *JOB_SECTORS)}

PICTURES_CATEGORY = "pictures"


def category(key: str) -> Category:
    """The category with this key. Raises KeyError, because an unknown category is a programming error."""
    return _CATEGORY_BY_KEY[key]


def words_in(category_key: str) -> tuple[Word, ...]:
    """A category's words in their fixed display order."""
    return category(category_key).words


def word(key: str) -> Word | None:
    """A word by its key, including the learner pictures (``dog``) that ``search`` and ``lookup`` can return."""
    return ALL_WORDS.get(key) or _picture_words().get(key)


@cache
def _picture_words() -> dict[str, Word]:
    return {
        name: Word(name, learner_pictures.picture_label(name), learner_pictures.PICTURE_EMOJI[name], PICTURES_CATEGORY)
        for name in learner_pictures.PICTURE_SYMBOLS
        if name not in ALL_WORDS
    }


# ---------------------------------------------------------------------------------------------- search

def emoji_name(sequence: str) -> str:
    """The Unicode name the ``emoji`` package gives, for staff searching the library."""
    data = emoji.EMOJI_DATA.get(sequence) or emoji.EMOJI_DATA.get(sequence.replace("\ufe0f", ""))
    return data["en"].strip(":").replace("_", " ") if data else ""


def _fold(text: str) -> str:
    """Lower-case without accents or invisible marks, so "Café", "cafe" and "cafe\u200f" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf")


def _squash(text: str) -> str:
    return " ".join(_fold(text).replace("-", " ").replace("_", " ").split())


@cache
def _search_entries() -> tuple[tuple[Word, tuple[str, ...], str], ...]:
    """Each searchable word with its own texts (key, label, synonyms) and its emoji's English name."""
    words = [*ALL_WORDS.values(), *_picture_words().values()]
    entries = []
    for w in words:
        own = tuple(dict.fromkeys(_squash(text) for text in (w.key, w.label, *w.synonyms)))
        entries.append((w, own, _squash(emoji_name(w.emoji))))
    return tuple(entries)


def _starts_a_word(needle: str, text: str) -> bool:
    return text.startswith(needle) or f" {needle}" in text


def _rank(query: str, own: tuple[str, ...], emoji_text: str, stems: tuple[str, ...] = ()) -> int | None:
    # Our own words beat the Unicode name at every level, because the Unicode names are official
    # ("fork and knife with plate") and match far more loosely than what staff mean. A plural or an
    # ending ("plumbers", "cooking") counts as exact, just after the word as typed.
    if query in own:
        return 0
    if any(stem in own for stem in stems):
        return 0
    if query == emoji_text or emoji_text in stems:
        return 1
    if any(_starts_a_word(query, t) for t in own):
        return 2
    if emoji_text and _starts_a_word(query, emoji_text):
        return 3
    if any(query in t for t in own):
        return 4
    if emoji_text and query in emoji_text:
        return 5
    return None


def search(query: str, limit: int = 24) -> list[Word]:
    """Words and learner pictures matching a staff search, best first.

    Matches labels, synonyms, keys and the emoji's English name, ignoring case and accents. Ties keep
    the vocabulary's own order (categories, then pictures), so the same search always lists the same
    way and staff can learn where a result appears.
    """
    needle = _squash(query)
    if not needle or limit <= 0:
        return []
    ranked: list[tuple[int, int, Word]] = []
    stems = tuple(_stems(needle)) if " " not in needle else ()
    for position, (w, own, emoji_text) in enumerate(_search_entries()):
        rank = _rank(needle, own, emoji_text, stems)
        if rank is not None:
            ranked.append((rank, position, w))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [w for _rank_, _pos, w in ranked[:limit]]


# ---------------------------------------------------------------------------------------------- captions

SMALL_WORDS: frozenset[str] = frozenset({
    "a", "an", "the", "and", "or", "to", "of", "at", "in", "on", "into", "onto", "by", "from", "up", "out",
    "it", "its", "it's", "is", "was", "were", "are", "be", "been", "am", "i", "i'm", "my", "me", "mine",
    "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "they", "them", "their",
    "this", "that", "these", "those", "there", "here", "with", "for", "some", "then", "but", "so",
    "as", "if", "too", "very", "also", "just", "all", "had", "has", "have", "do", "did", "does",
    "got", "get", "not", "no", "yes", "who", "what", "when", "where", "how", "which", "about", "lots",
})

# Straight and typographic quotes and apostrophes that learners' devices type.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'"})
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)

MAX_CAPTION_WORDS = 500
# No vocabulary word is anywhere near this long; longer tokens are skipped without a lookup.
_MAX_LOOKUP_LENGTH = 40


def normalise_word(token: str) -> str:
    """The form used to match a caption word: lower-case, no accents, no surrounding punctuation.

    Apostrophes inside a word stay ("didn't"), typographic ones become straight. Callers use this for
    the keys of ``own_symbols`` and ``overrides`` too, so a word matches however it was typed.
    """
    folded = _fold(token.translate(_APOSTROPHES))
    folded = "".join(ch for ch in folded if unicodedata.category(ch)[0] != "C")
    return _EDGE_PUNCTUATION.sub("", folded)


@cache
def _lookup_index() -> dict[str, Word]:
    """Single-word forms -> word. Earlier words win, though the tests keep forms unambiguous anyway."""
    index: dict[str, Word] = {}
    for w in [*ALL_WORDS.values(), *_picture_words().values()]:
        for form in (w.key, w.label, *w.synonyms):
            norm = normalise_word(form)
            if norm and " " not in norm and norm not in SMALL_WORDS:
                index.setdefault(norm, w)
    return index


# How many small words may sit between the words of a phrase: "watered the plants", "used the till".
_PHRASE_GAP = 2


@cache
def _phrase_index() -> dict[tuple[str, ...], Word]:
    """Multi-word labels and synonyms by their key words: ("garden", "centre"), ("use", "till").

    Small words are left out of the key so "used the till" and "use till" both match. A phrase that
    starts with a small word ("I liked it", "not much") is left out altogether: its only key word
    would stand for the whole phrase, and "I like it very much" is not "not much".
    """
    index: dict[tuple[str, ...], Word] = {}
    for w in ALL_WORDS.values():
        for form in (w.label, *w.synonyms):
            parts = [normalise_word(part) for part in form.split()]
            if not parts or not parts[0] or parts[0] in SMALL_WORDS:
                continue
            key = tuple(part for part in parts if part and part not in SMALL_WORDS)
            if len(key) > 1:
                index.setdefault(key, w)
    return index


@cache
def _longest_phrase_size() -> int:
    return max((len(key) for key in _phrase_index()), default=0)


def _forms(norm: str) -> set[str]:
    return {norm, *_stems(norm)}


def word_forms(norm: str) -> set[str]:
    """A word and the base forms its ending may stand for ("dishes" -> dishes, dish, dishe)."""
    return _forms(norm)


def _longest_phrase(norms: list[str], start: int, taken: Mapping[str, str]) -> tuple[Word, int] | None:
    """The longest phrase whose first key word is at ``start``, and how many caption words it spans.

    Each key word may carry a plural or -ing/-ed ending. Words the caller already has a symbol for
    (``taken``) end the search, so a staff choice is never swallowed by a phrase.
    """
    index = _phrase_index()
    longest = _longest_phrase_size()
    # Positions of the key words that could follow, skipping at most _PHRASE_GAP small words each time.
    positions = [start]
    cursor = start + 1
    gap = 0
    while cursor < len(norms) and len(positions) < longest:
        norm = norms[cursor]
        if norm in SMALL_WORDS:
            gap += 1
            if gap > _PHRASE_GAP:
                break
        elif not norm or norm in taken or len(norm) > _MAX_LOOKUP_LENGTH:
            break
        else:
            positions.append(cursor)
            gap = 0
        cursor += 1
    forms = [_forms(norms[pos]) for pos in positions]
    for size in range(len(positions), 1, -1):
        for key, found in index.items():
            if len(key) == size and all(part in forms[i] for i, part in enumerate(key)):
                return found, positions[size - 1] - start + 1
    return None


def _stems(word_form: str) -> list[str]:
    """Candidate base forms for a few regular endings, most likely first.

    Only plurals (-s, -es, -ies), -ing and -ed, each tried with and without a silent "e" and a doubled
    last consonant. It is deliberately crude: a stem is only used if it is exactly one of our words.
    """
    candidates: list[str] = []
    if word_form.endswith("'s"):
        candidates.append(word_form[:-2])
    if word_form.endswith("ies") and len(word_form) > 4:
        candidates.append(word_form[:-3] + "y")
    if word_form.endswith("es") and len(word_form) > 4:
        candidates.append(word_form[:-2])
    if word_form.endswith("s") and not word_form.endswith("ss") and len(word_form) > 3:
        candidates.append(word_form[:-1])
    for ending in ("ing", "ed"):
        base = word_form[: -len(ending)]
        if word_form.endswith(ending) and len(base) >= 2:
            if len(base) >= 3:
                candidates.append(base)
            candidates.append(base + "e")
            if len(base) >= 4 and base[-1] == base[-2]:
                candidates.append(base[:-1])
            if ending == "ed" and base.endswith("i"):
                candidates.append(base[:-1] + "y")
    return candidates


def lookup(token: str) -> Word | None:
    """The word a single caption word stands for, or None.

    Matches a word's key, its label when the label is one word, or one of its one-word synonyms; then
    tries the stems from ``_stems``. Multi-word labels ("garden centre") never match part by part,
    because "centre" or "up" alone would pick the wrong picture; instead a word lists the single words
    that safely mean it as synonyms ("garden", "shelves"), and ``symbolise`` matches whole phrases.
    Small words never match.
    """
    norm = normalise_word(token)
    if not norm or norm in SMALL_WORDS or len(norm) > _MAX_LOOKUP_LENGTH:
        return None
    index = _lookup_index()
    for form in (norm, *_stems(norm)):
        if form in index:
            if form in THING_WORDS and norm not in _plain_forms(form):
                # "training", "parked", "sawing": the doing word, never the thing.
                continue
            return index[form]
    return None


# Words that name a thing but are just as often another kind of word: "I saw a tractor", "till three
# o'clock", "I want to train", "I was patient". In a caption they get the thing's picture only right
# after a word that brings in a thing ("the saw", "my train", "a patient", "by train", "on the till"),
# and never with -ing or -ed ("training", "parked"). A wrong picture misleads a learner who reads by
# pictures; no picture only leaves the word to be read or heard.
THING_WORDS: frozenset[str] = frozenset({"saw", "till", "park", "train", "patient"})
_THING_INTRODUCERS: frozenset[str] = frozenset({
    "a", "an", "the", "my", "our", "your", "his", "her", "their", "this", "that", "by", "on", "at", "new", "big",
})


def _plain_forms(thing: str) -> set[str]:
    return {thing, thing + "s", thing + "es"}


def _thing_word(norm: str) -> bool:
    return any(norm in _plain_forms(thing) for thing in THING_WORDS)


# "I did not like it" must not show a liking face: a feeling word right after one of these gets none.
_NEGATIONS: frozenset[str] = frozenset({
    "not", "didn't", "didnt", "don't", "dont", "doesn't", "wasn't", "wasnt", "isn't", "never", "no",
})

# Typed in capitals, these are not the small words they look like: "I did IT" is computing.
_CAPITALS: Mapping[str, str] = MappingProxyType({"IT": "it-technician"})


def _single_word(norms: list[str], position: int) -> Word | None:
    """The symbol for one caption word, using the word before it where a word has two meanings."""
    before = norms[position - 1] if position > 0 else ""
    norm = norms[position]
    if _thing_word(norm) and before not in _THING_INTRODUCERS:
        return None
    found = lookup(norm)
    if found is not None and found.category == "feelings" and before in _NEGATIONS:
        return None
    return found


@dataclass(frozen=True)
class CaptionWord:
    """One word of a caption as typed (punctuation and all), and the symbol reference to show above it."""

    text: str
    symbol: str | None


_EMPTY: Mapping[str, str] = MappingProxyType({})


def symbolise(
    text: str,
    own_symbols: Mapping[str, str] = _EMPTY,
    overrides: Mapping[str, str] = _EMPTY,
) -> list[CaptionWord]:
    """Split a caption into words and choose a symbol for each key word.

    For each word: a small word gets none; otherwise the staff override for this entry, then the
    school's own symbol for the word (both keyed by ``normalise_word``; an empty value there means
    "no symbol for this word", which staff choose when a picture confuses); otherwise one of our
    multi-word labels or synonyms starting here ("garden centre", "answer the phone") puts its symbol
    above its first word and none above the rest, so the phrase shows one picture; otherwise
    ``lookup``, with two rules that look at the word before: a ``THING_WORDS`` word ("saw", "train")
    gets its picture only after "the", "a", "my"..., and a feeling after "not" gets none. "IT" in
    capitals is computing, not "it". Symbol values are passed through untouched ("cafe",
    "school:12") for the caller to resolve. Captions use only the vocabulary, never the whole
    OpenMoji library: its official names are too loose to pick a picture without a person checking.

    Words are split on whitespace only, so any text (markup, template syntax, other scripts) is just
    words and joins back with single spaces. Only the first ``MAX_CAPTION_WORDS`` words are looked up;
    anything after comes back as one piece with no symbol, so nothing the learner wrote is lost.
    """
    if not text:
        return []
    pieces = text.split(maxsplit=MAX_CAPTION_WORDS)
    rest = pieces.pop().rstrip() if len(pieces) > MAX_CAPTION_WORDS else None
    norms = [normalise_word(piece) for piece in pieces]
    taken = {**own_symbols, **overrides}
    symbols_for: list[str | None] = [None] * len(pieces)
    position = 0
    while position < len(pieces):
        norm = norms[position]
        step = 1
        capital = _CAPITALS.get(_EDGE_PUNCTUATION.sub("", pieces[position]))
        if capital is not None or (norm and norm not in SMALL_WORDS and len(norm) <= _MAX_LOOKUP_LENGTH):
            chosen: str | None
            if norm in overrides:
                chosen = overrides[norm] or None
            elif norm in own_symbols:
                chosen = own_symbols[norm] or None
            elif capital is not None:
                chosen = capital
            else:
                phrase = _longest_phrase(norms, position, taken)
                if phrase is not None:
                    found, step = phrase
                else:
                    found = _single_word(norms, position)
                chosen = found.key if found else None
            symbols_for[position] = chosen
        position += step
    result = [CaptionWord(piece, symbol) for piece, symbol in zip(pieces, symbols_for)]
    if rest is not None:
        result.append(CaptionWord(rest, None))
    return result


# Words a learner taps to build a caption without typing, in groups shown in this order. The
# vocabulary categories are tappable alongside, so these are only the words that join them up.
CAPTION_WORD_BANK: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Starting words", (
        "I", "we", "my", "today", "yesterday", "went", "to", "the", "a", "and", "with", "was", "it",
    )),
    ("Doing words", (
        "worked", "did", "not", "made", "helped", "used", "watched", "met", "learned", "tried", "liked",
        "want", "would", "like",
    )),
    ("Describing words", (
        "fun", "hard", "easy", "good", "busy", "quiet", "noisy", "new", "big", "small", "friendly", "great",
    )),
    ("Time words", (
        "first", "then", "next", "after", "before", "lunch", "morning", "afternoon", "every", "day", "again",
    )),
)
