"""Make a synthetic notes folder of about N passages from the real corpora, recombined:
python -m bench.vault --passages 10000 --out /tmp/vault-10k [--seed 1]

Each note gets a title and a few sections; each section is a real passage's text under its real
heading, drawn at random from ../shared/corpora, so the text reads like notes and the word and
topic mix is real, while the folder can be any size.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from ingest import read_notes, split_note

from .folders import SHARED

SECTIONS_PER_NOTE = (2, 8)


def real_sections(corpora: Path = SHARED / "corpora") -> list[tuple[str, str]]:
    """(heading, text) of every passage of every corpus."""
    found = []
    for folder in sorted(p for p in corpora.iterdir() if p.is_dir()):
        for doc, text in read_notes(folder).texts.items():
            found += [(p.heading[-1] if p.heading else Path(doc).stem, p.text) for p in split_note(doc, text)]
    return found


def write_vault(out: Path, passages: int, seed: int = 1) -> int:
    """Write notes under out until they hold about `passages` passages; returns the notes written."""
    rng = random.Random(seed)
    sections = real_sections()
    out.mkdir(parents=True, exist_ok=True)
    written = notes = 0
    while written < passages:
        chosen = rng.sample(sections, rng.randint(*SECTIONS_PER_NOTE))
        title = f"{chosen[0][0]} ({notes})"
        body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in chosen)
        folder = out / f"area-{notes % 50:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"note-{notes:06d}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
        written += len(chosen)
        notes += 1
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.vault", description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{write_vault(args.out, args.passages, args.seed)} notes written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
