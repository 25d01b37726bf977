"""Put back the translations of demo records that an export without demo data drops.

Usage: i18n_keep_demo.py OLD.po NEW.po   (entries of OLD whose occurrences are demo
records (xml ids with ``_demo``), and that NEW lacks, are appended to NEW)
"""

import sys

import polib


def is_demo(entry):
    # demo xml ids hold _demo (a product template: ..._demo_product_template)
    return any(
        ref.startswith("model:") and "_demo" in ref.rsplit(".", 1)[-1]
        for ref, _line in entry.occurrences
    )


def main(old_path, new_path):
    old = polib.pofile(old_path, wrapwidth=78)
    new = polib.pofile(new_path, wrapwidth=78)
    known = {(e.msgctxt, e.msgid) for e in new}
    added = 0
    for entry in old:
        if entry.obsolete or not is_demo(entry):
            continue
        if (entry.msgctxt, entry.msgid) in known:
            match = new.find(entry.msgid, msgctxt=entry.msgctxt)
            refs = {ref for ref, _ in match.occurrences}
            match.occurrences += [o for o in entry.occurrences if o[0] not in refs]
            continue
        new.append(entry)
        added += 1
    new.save(new_path)
    print(f"demo entries kept: {added} added to {new_path}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
