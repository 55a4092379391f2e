#!/usr/bin/env python3
"""Fail when i18n/fr.po misses or leaves untranslated a msgid of the .pot."""

import os
import re
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
I18N = os.path.join(ROOT, "i18n")
POT = os.path.join(I18N, "l10n_fr_urssaf_avance_immediate.pot")


def main():
    french = {
        entry.msgid: entry
        for entry in polib.pofile(os.path.join(I18N, "fr.po"))
        if entry.msgstr and "fuzzy" not in entry.flags and not entry.obsolete
    }
    missing = [entry.msgid for entry in polib.pofile(POT) if entry.msgid not in french]
    for msgid in missing:
        sys.stderr.write(f"fr.po: no translation for {msgid[:70]!r}\n")

    # A placeholder lost in translation breaks the message at run time.
    def placeholders(text):
        return sorted(re.findall(r"%\(\w+\)s", text))

    broken = [
        msgid
        for msgid, entry in french.items()
        if placeholders(msgid) != placeholders(entry.msgstr)
    ]
    for msgid in broken:
        sys.stderr.write(f"fr.po: placeholders differ for {msgid[:70]!r}\n")
    # Paths through the .run/addons link mean make pot's cleanup did not run.
    looped = any(
        "/.run/" in path for e in polib.pofile(POT) for path, _ in e.occurrences
    )
    if looped:
        sys.stderr.write("pot: source paths under .run/: regenerate with make pot\n")
    return 1 if missing or broken or looped else 0


if __name__ == "__main__":
    sys.exit(main())
