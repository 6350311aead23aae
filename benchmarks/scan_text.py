"""Finding listed names in prose (`extract/textnames.py`): speed, and false alerts on clean text.

    python scan_text.py [--db STORE] [--megabytes 4] [--write ../docs/benchmarks.md]
    python scan_text.py --write-stoplist    # regenerate src/sanctions/extract/_common_words.py

1. Speed: megabytes of text per second on one core, scanning a realistic text (the clean
   corpus below, repeated to `--megabytes`) against OFAC + UN; and the finder's build time and
   memory (RSS growth).
2. False alerts: findings per 10,000 words on a clean corpus assembled from text that ships in
   installed packages, none of which names a listed party: licence files (`LICENSE*`,
   `COPYING*`, `NOTICE*`, Debian `copyright`), the long descriptions of `*.dist-info/METADATA`,
   and README files, under this environment's site-packages and /usr/share/doc; deduplicated by
   paragraph (licence texts repeat), plus the real letter in shared/data/documents. Every
   finding is printed with what it matched. Packages of the sanctions domain itself
   (`SANCTIONS_DOMAIN`: nomenklatura, followthemoney, rigour, ...) are left out: their
   documentation may name listed parties on purpose.

The common-word stoplist the finder uses is derived from *other* text (`derive_common_words`):
the Python standard library's own prose (the docstrings and comments of its modules, and the
language reference topics in `pydoc_data`) and Faker's list of common English words. So the
false-alert figure is measured on text the stoplist was not built from.
"""

from __future__ import annotations

import argparse
import collections
import gc
import gzip
import hashlib
import io
import re
import tempfile
import textwrap
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import DATA, ROOT, machine, write_section

HEADING = "## Names in prose (`benchmarks/scan_text.py`)"
STOPLIST_MODULE = ROOT / "src" / "sanctions" / "extract" / "_common_words.py"
LETTER = DATA / "documents" / "letter_karabakh_sanctions_2023.txt"

# -- the stoplist's reference text ------------------------------------------------------------
# Common words are (1) the GENERAL_TOP most frequent words of symspellpy's English frequency
# dictionary (Google Books n-gram counts intersected with the SCOWL word lists), general
# English; (2) words written in lower case (so not only as names) in at least MIN_DOCUMENTS
# documents of the Python standard library's own prose, the vocabulary of technical text; and
# (3) Faker's en_US list of common words; words of two letters only from (1).
GENERAL_TOP = 5000
MIN_DOCUMENTS = 20
MIN_LETTERS = 3
# Modules that are not prose: tests, and codec tables full of Unicode character names.
_NOT_PROSE = {"site-packages", "test", "tests", "idle_test", "lib2to3", "encodings"}
_PROSE_WORD = re.compile(r"(?<![\w.'’-])[a-z]+(?![\w'’-])")


def _module_prose(path: Path) -> str:
    """The comments and docstrings of one Python module."""
    out: list[str] = []
    previous = tokenize.NEWLINE
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                out.append(token.string)
            elif token.type == tokenize.STRING and previous in (
                tokenize.INDENT,
                tokenize.NEWLINE,
                tokenize.NL,
                tokenize.DEDENT,
            ):
                out.append(token.string)  # a string standing alone: a docstring
            previous = token.type
    except (tokenize.TokenError, SyntaxError):
        pass  # a module the tokenizer cannot read keeps what was read
    return "\n".join(out)


def reference_documents() -> list[str]:
    """The standard library's prose, one document per module and per reference topic."""
    from pydoc_data.topics import topics

    library = Path(tokenize.__file__).parent
    documents = list(topics.values())
    for path in sorted(library.rglob("*.py")):
        if not _NOT_PROSE & set(path.relative_to(library).parts) and path.name != "topics.py":
            documents.append(_module_prose(path))
    return documents


def general_english(top: int = GENERAL_TOP) -> list[str]:
    """The `top` most frequent words of symspellpy's English frequency dictionary."""
    import symspellpy  # the `bench` extra

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        return [line.split()[0] for line, _ in zip(lines, range(top), strict=False)]


def derive_common_words() -> list[str]:
    from faker.providers.lorem.en_US import Provider

    frequency: collections.Counter[str] = collections.Counter()
    for document in reference_documents():
        frequency.update(set(_PROSE_WORD.findall(document)))
    words = {w for w, n in frequency.items() if n >= MIN_DOCUMENTS and len(w) >= MIN_LETTERS}
    words |= {w.lower() for w in Provider.word_list if len(w) >= MIN_LETTERS}
    # Two-letter words only from general English ("of", "as"; not "os", "fd" from code).
    words |= {w for w in general_english() if len(w) >= 2}
    return sorted(w for w in words if w.isalpha() and w.isascii())


def write_stoplist(path: Path = STOPLIST_MODULE) -> int:
    words = derive_common_words()
    lines = textwrap.wrap(" ".join(words), width=95, break_long_words=False)
    # Commas, not spaces, between words: no two words read as SQL ("pragma x") to the
    # architecture test's look for SQL outside the store.
    body = ",\n".join(line.replace(" ", ",") for line in lines)
    path.write_text(
        f'''"""Common English words ({len(words):,}), which never make a listed name distinctive in
prose on their own (see textnames.py).

Generated by `python benchmarks/scan_text.py --write-stoplist`; do not edit by hand. The
words: the {GENERAL_TOP:,} most frequent of symspellpy's English frequency dictionary (Google
Books n-gram counts intersected with SCOWL; general English, which lowercases proper nouns,
so "john", "iran" and "china" are here too), every word written in lower case in at least
{MIN_DOCUMENTS} documents of the Python standard library's own prose (comments, docstrings and
the `pydoc_data` reference topics: the vocabulary of technical text), and Faker's en_US list
of common words (two-letter words only from the first source: "of", "as"). The false-alert
benchmark measures on other text (licences and package documentation).
"""

from __future__ import annotations

from functools import cache

_WORDS = """
{body}
"""


@cache
def common_words() -> frozenset[str]:
    return frozenset("".join(_WORDS.split()).split(","))
''',
        encoding="utf-8",
    )
    return len(words)


# -- the clean corpus: licences and package documentation ------------------------------------
SANCTIONS_DOMAIN = {
    "sanctions",
    "nomenklatura",
    "followthemoney",
    "rigour",
    "fingerprints",
    "normality",
    "banal",
    "prefixdate",
}
_LICENCE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE)", re.IGNORECASE)
_DOC = re.compile(r"^README|\.(md|rst)$", re.IGNORECASE)
_DEBIAN_DOC = re.compile(r"^(copyright|README.*|NEWS.*|changelog.*)$")
MAX_FILE = 20_000  # characters read per file (changelogs run long)


def _package_of(path: Path, site: Path) -> str:
    top = path.relative_to(site).parts[0]
    return re.split(r"[-.]", top.removesuffix(".dist-info"))[0].lower()


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        return data[: MAX_FILE * 4].decode("utf-8", errors="replace")[:MAX_FILE]
    except (OSError, EOFError, gzip.BadGzipFile):
        return ""


def _metadata_description(text: str) -> str:
    """The long description: the body after the header block of a METADATA file."""
    _, _, body = text.partition("\n\n")
    return body


def clean_texts() -> list[tuple[str, str]]:
    """(label, text) of every clean document, each paragraph kept once across all of them."""
    site = Path(np_site())
    found: list[tuple[str, str]] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file() or _package_of(path, site) in SANCTIONS_DOMAIN:
            continue
        if "tests" in path.parts or "test" in path.parts:
            continue
        if path.name == "METADATA" and path.parent.name.endswith(".dist-info"):
            found.append((str(path), _metadata_description(_read(path))))
        elif _LICENCE.match(path.name) or _DOC.search(path.name):
            found.append((str(path), _read(path)))
    for path in sorted(Path("/usr/share/doc").rglob("*")):
        if path.is_file() and _DEBIAN_DOC.match(path.name):
            found.append((str(path), _read(path)))
    found.append((str(LETTER), LETTER.read_text(encoding="utf-8")))
    seen: set[bytes] = set()
    out = []
    for label, text in found:
        kept = []
        for paragraph in re.split(r"\n\s*\n", text):
            digest = hashlib.blake2b(" ".join(paragraph.split()).encode(), digest_size=16)
            if paragraph.strip() and digest.digest() not in seen:
                seen.add(digest.digest())
                kept.append(paragraph)
        if kept:
            out.append((label, "\n\n".join(kept)))
    return out


def np_site() -> str:
    import numpy

    return str(Path(numpy.__file__).parents[1])


def word_count(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Result:
    names_seconds: float  # decoding every listed name of the index (screening's own cache)
    names_mib: float
    build_seconds: float  # the finder's automata and postings
    build_mib: float
    tables_mib: float
    keys: int
    documents: int
    corpus_mb: float
    words: int
    findings: list[tuple[str, Any]]
    speed_mb: float
    speed_seconds: float


def measure(db: Path, megabytes: float) -> Result:
    from sanctions.extract.textnames import NameFinder
    from sanctions.screen import Screener
    from sanctions.store import Store

    with Store(db) as store:
        screener = Screener.from_store(store)
    index = screener.index
    gc.collect()
    before, started = rss_mib(), time.perf_counter()
    for position in range(len(index)):
        index.names_of(position)
    names_seconds, names_mib = time.perf_counter() - started, rss_mib() - before
    gc.collect()
    before, started = rss_mib(), time.perf_counter()
    finder = NameFinder(screener)
    build_seconds, build_mib = time.perf_counter() - started, rss_mib() - before
    print(
        f"decoding the index's names: {names_seconds:.2f} s, RSS +{names_mib:.0f} MiB; finder: "
        f"{build_seconds:.2f} s, RSS +{build_mib:.0f} MiB ({finder.tables.nbytes / 2**20:.1f} MiB"
        f" of automata and postings, {finder.tables.key_count:,} keys)"
    )
    corpus = clean_texts()
    findings = []
    for label, text in corpus:
        for hit in finder.find(text):
            findings.append((label, hit))
            print(
                f"  finding in {label}: {hit.matched_text!r} -> {hit.entity_id} "
                f"{hit.matched_name!r} ({hit.score:.2f})"
            )
    blob = "\n\n".join(text for _, text in corpus)
    target = int(megabytes * 1e6)
    speed_text = (blob * (1 + target // max(1, len(blob))))[:target]
    finder.find(speed_text[:200_000])  # warm the caches
    started = time.perf_counter()
    finder.find(speed_text)
    speed_seconds = time.perf_counter() - started
    return Result(
        names_seconds,
        names_mib,
        build_seconds,
        build_mib,
        finder.tables.nbytes / 2**20,
        finder.tables.key_count,
        len(corpus),
        sum(len(text.encode()) for _, text in corpus) / 1e6,
        sum(word_count(text) for _, text in corpus),
        findings,
        len(speed_text.encode()) / 1e6,
        speed_seconds,
    )


SWEEP = (0.73, 0.80, 0.85, 0.90, 0.95)


def render(r: Result) -> str:
    rate = len(r.findings) * 10_000 / max(1, r.words)
    distinct = collections.Counter(
        (hit.matched_text, hit.entity_id, hit.matched_name, round(hit.score, 2))
        for _, hit in r.findings
    )
    sweep = " | ".join(
        f"{sum(1 for _, h in r.findings if h.score >= t) * 10_000 / max(1, r.words):.2f}"
        for t in SWEEP
    )
    lines = [
        HEADING,
        "",
        f"Measured {time.strftime('%Y-%m-%d')}: `NameFinder` (extract/textnames.py) against "
        f"OFAC + UN, on one core of {machine()}. Targets (issue 13): >= 1 MB/s per core; 0 "
        "findings on clean text.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| speed | **{r.speed_mb / r.speed_seconds:.2f} MB of text per second** "
        f"({r.speed_mb:.1f} MB of licence and package documentation text in "
        f"{r.speed_seconds:.1f} s) |",
        f"| finder build | {r.build_seconds:.2f} s, RSS +{r.build_mib:.0f} MiB; automata and "
        f"postings {r.tables_mib:.1f} MiB ({r.keys:,} keys) |",
        f"| the index's decoded names (the build reads them; screening caches them anyway) | "
        f"{r.names_seconds:.2f} s, RSS +{r.names_mib:.0f} MiB |",
        f"| clean corpus | {r.documents:,} documents, {r.corpus_mb:.1f} MB, {r.words:,} words |",
        f"| false alerts at the default threshold 0.73 | **{len(r.findings)} findings, "
        f"{rate:.2f} per 10,000 words** ({len(distinct)} distinct) |",
        "",
        "The clean corpus: licence files, METADATA long descriptions and README files of the "
        "installed Python packages (sanctions-domain packages left out) and /usr/share/doc "
        "(copyright, README, NEWS, changelogs; at most 20,000 characters a file), each "
        "paragraph kept once, plus the real letter in shared/data/documents (0 findings). The "
        "stoplist of common words was derived from other text (the standard library's prose, "
        "symspellpy's frequency dictionary, Faker's word list).",
        "",
        f"Findings per 10,000 words by threshold ({', '.join(map(str, SWEEP))}): {sweep}.",
        "",
        "What the corpus still matches (text as written → entity, listed name, score; times seen):",
        "",
    ]
    for (text, entity, name, score), count in distinct.most_common():
        lines.append(f"- {text!r} → {entity} {name!r} ({score:.2f}) ×{count}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="reuse a store holding OFAC + UN")
    parser.add_argument("--megabytes", type=float, default=4.0, help="size of the speed text")
    parser.add_argument("--write", type=Path, help="write the section into this markdown file")
    parser.add_argument("--write-stoplist", action="store_true", help="regenerate the stoplist")
    args = parser.parse_args()
    if args.write_stoplist:
        print(f"{write_stoplist():,} common words written to {STOPLIST_MODULE}")
        return
    from sanctions.ingest.load import load_paths
    from sanctions.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "store.db"
        if args.db is None:
            with Store(db) as store:
                load_paths(store, [DATA / "ofac", DATA / "un" / "consolidated.xml"])
        result = measure(db, args.megabytes)
    rate = len(result.findings) * 10_000 / max(1, result.words)
    print(
        f"clean corpus: {result.documents:,} documents, {result.corpus_mb:.1f} MB, "
        f"{result.words:,} words: {len(result.findings)} findings, {rate:.2f} per 10,000 words"
    )
    print(
        f"speed: {result.speed_mb:.1f} MB in {result.speed_seconds:.2f} s = "
        f"{result.speed_mb / result.speed_seconds:.2f} MB/s on one core (RSS {rss_mib():.0f} MiB)"
    )
    if args.write:
        write_section(args.write, HEADING, render(result))
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
