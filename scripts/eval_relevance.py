"""Relevance and latency of searcher beside plain Whoosh baselines, in one run.

    python scripts/eval_relevance.py [--shared PATH] [--articles 3000] [--queries 500]
                                     [--skip-baselines] [--skip-oneshot] [--fresh]
                                     [--split eval|tune]

- VietNews known-item retrieval: a fixed sample of 3,000 articles and 500 of their queries
  (titles, abstracts, titles with diacritics removed, titles with 40% of their syllables
  stripped of marks, titles holding i/y syllables as written and swapped (`sĩ` <-> `sỹ`),
  titles holding abbreviations or their expansions as written and swapped (`UBND` <->
  `ủy ban nhân dân`, by searcher's built-in table), titles with one letter left out of a word,
  titles typed as Telex and as VNI key strokes); MRR@10, success@1, success@10 at article level (one hit per article),
  with article hits (the default output) and with paragraph hits (`--paragraphs`, an article
  ranked by its first paragraph);
- names (scripts/eval_names.py): precision@10 of paragraphs holding a name of 2-3
  capitalized syllables, typed with marks and without, on the VietNews sample and on a VNTC
  sample, beside Whoosh with AND queries;
- XQuAD-vi question -> passage: recall@5, MRR@10;
- judged queries on the bundled seeds (scripts/judged_seeds.json): MRR@10, success@1,
  R-precision; and queries typed in other spellings (scripts/judged_beyond.json:
  abbreviations and their expansions, i/y, typos), whose relevant paragraphs are those
  holding any spelling the file lists;
- query latency (median, p95) of every system over the same queries; searcher keeps recently
  read paragraphs split into syllables, so it is also timed with that cache emptied before
  every query ("cold cache"; its answers must be the same, and how many differ is printed),
  and each query set starts cold;
- one-shot `searcher search` wall time beside `python -c "from pyvi import ViTokenizer"`.

Baselines, built here on the same paragraphs: plain Whoosh (StandardAnalyzer) and Whoosh with
accent folding (StandardAnalyzer | CharsetFilter(accent_map)), both with OR queries (BM25F).
Indexes are cached in the temp folder between runs (--fresh rebuilds them).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from shared_data import PROJECT, SHARED, die, median, percentile, strip_diacritics, unpacked

sys.path.insert(0, str(PROJECT))

from searcher.index import SCHEMA_VERSION, IndexStore, update_index  # noqa: E402
from searcher.search import SearchEngine  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "searcher-eval"


PARTLY_STRIPPED = 0.4


def swap_i_y(text: str) -> str | None:
    """The text with each syllable spelled with `i` or `y` after h, k, l, m, s, t (and no
    final consonant) spelled the other way (`sĩ` <-> `sỹ`); None when it has none."""
    words, swapped = text.split(), False
    for k, word in enumerate(words):
        core = word.strip(".,:;!?\"'()“”‘’")
        plain = strip_diacritics(core).lower()
        if len(plain) == 2 and plain[0] in "hklmst" and plain[1] in "iy":
            nfd = unicodedata.normalize("NFD", core)
            other = {"i": "y", "y": "i", "I": "Y", "Y": "I"}
            turned = unicodedata.normalize("NFC", nfd[0] + other.get(nfd[1], nfd[1]) + nfd[2:])
            words[k] = word.replace(core, turned)
            swapped = True
    return " ".join(words) if swapped else None


def swap_abbreviations(text: str) -> str | None:
    """The text with each abbreviation of searcher's table written out and each expansion
    of it abbreviated (`UBND` <-> `Ủy ban nhân dân`); None when it has none."""
    from searcher.analysis.abbreviations import BUILT_IN, expansion_key, form_key

    forms = {form_key(f): e for forms, e in BUILT_IN.items() for f in forms.split()}
    shorts = {expansion_key(e): forms.split()[0] for forms, e in BUILT_IN.items()}
    longest = max(map(len, shorts))
    words = text.split()
    cores = [w.strip(".,:;!?\"'()“”‘’") for w in words]
    folded = [strip_diacritics(c).lower() for c in cores]
    out, i, swapped = [], 0, False
    while i < len(words):
        for n in range(min(longest, len(words) - i), 1, -1):
            short = shorts.get(tuple(folded[i:i + n]))
            if short and all(cores[i:i + n]):
                out.append(words[i].replace(cores[i], short) if n == 1 else
                           words[i][:words[i].find(cores[i])] + short +
                           words[i + n - 1][words[i + n - 1].find(cores[i + n - 1]) + len(cores[i + n - 1]):])
                i += n
                swapped = True
                break
        else:
            core = cores[i]
            pair = " ".join(cores[i:i + 2])  # `TP. HCM`
            if i + 1 < len(words) and core and cores[i + 1] and pair.isupper() and form_key(pair) in forms:
                out.append(words[i].replace(core, forms[form_key(pair)]).rstrip("."))
                out.append(words[i + 1].replace(cores[i + 1], "", 1))
                i += 2
                swapped = True
                continue
            expansion = forms.get(form_key(core)) if core.isupper() and len(core) > 1 else None
            if expansion:
                out.append(words[i].replace(core, expansion))
                swapped = True
            else:
                out.append(words[i])
            i += 1
    return " ".join(w for w in out if w) if swapped else None


def one_typo(text: str, seed: str) -> str | None:
    """The text with one letter (not the first) left out of one of its words of four
    letters or more (chosen by ``seed``): a title typed with a slip. None when it has no
    such word."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return None
    rng = random.Random(seed)
    i = rng.choice(long)
    k = rng.randrange(1, len(words[i]))
    words[i] = words[i][:k] + words[i][k + 1:]
    return " ".join(words)


def keystrokes(text: str, scheme: str) -> str:
    """The text as typed with the input method off (see searcher.analysis.keystrokes): each
    word's key strokes, before the punctuation after it."""
    from searcher.analysis.keystrokes import encode

    return re.sub(r"[^\W\d_]+", lambda m: encode(m.group(), scheme), text)


def strip_some(text: str, seed: str) -> str:
    """The text with a fixed share of its words (chosen by ``seed``) stripped of marks: a
    title typed in haste."""
    words = text.split()
    rng = random.Random(seed)
    for i in rng.sample(range(len(words)), round(PARTLY_STRIPPED * len(words))):
        words[i] = strip_diacritics(words[i])
    return " ".join(words)


# -- data sets -------------------------------------------------------------------------------

def vietnews_sample(shared: Path, n_articles: int, n_queries: int, split: str = "eval"):
    """The fixed sample of articles and queries the targets are measured on ("eval"), or a
    disjoint one of the same size to tune ranking constants on ("tune"), so that tuning
    does not fit the measured queries."""
    root = unpacked(shared / "eval" / "vietnews-val.tar.xz", "vietnews-val")
    files = sorted((root / "articles").glob("*.txt"))
    rng = random.Random(0)
    sample = sorted(rng.sample(files, min(n_articles, len(files))))
    if split == "tune":
        taken = set(sample)
        rest = [f for f in files if f not in taken]
        sample = sorted(random.Random(2).sample(rest, min(n_articles, len(rest))))
    ids = {f.stem for f in sample}
    queries = [json.loads(line) for line in (root / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [q for q in queries if q["article"] in ids]
    queries = sorted(random.Random(1).sample(queries, min(n_queries, len(queries))), key=lambda q: q["qid"])
    return sample, queries


def prepared_vietnews(shared: Path, n_queries: int, split: str = "eval", n_articles: int = 3000,
                      fresh: bool = False) -> tuple[list[Path], list[dict], Path, Path]:
    """A VietNews sample ready to search: its article files, its queries, its corpus folder
    and our index of it (both cached in the temp folder; made when missing, outdated or
    ``fresh``)."""
    sample, queries = vietnews_sample(shared, n_articles, n_queries, split)
    name = f"vietnews-{n_articles}" + ("" if split == "eval" else "-" + split)
    corpus = CACHE / name
    if fresh or not corpus.exists():
        make_corpus(corpus, {f.stem: f.read_text(encoding="utf-8") for f in sample})
    index = CACHE / f"{name}-ours"
    ensure_index(corpus, index, fresh)
    return sample, queries, corpus, index


def prepared_vntc(path: str | None, n_articles: int, split: str, fresh: bool) -> Path:
    """A VNTC sample as a corpus folder (topic folders kept): the first ``n_articles`` of the
    fixed shuffle ("eval") or the next as many ("tune")."""
    from shared_data import vntc_dir, vntc_files

    files = vntc_files(path, 2 * n_articles)
    files = files[:n_articles] if split == "eval" else files[n_articles:]
    corpus = CACHE / (f"vntc-{n_articles}" + ("" if split == "eval" else "-tune"))
    if fresh or not corpus.exists():
        shutil.rmtree(corpus, ignore_errors=True)
        root = vntc_dir(path)
        for f in files:
            target = corpus / f.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.read_bytes())
    return corpus


def ensure_index(corpus: Path, index: Path, fresh: bool) -> None:
    """Our index of ``corpus``, rebuilt when missing, of another schema, or ``fresh``;
    else brought up to date (which also writes what an older version did not)."""
    store = IndexStore(index)
    pointer = store.pointer() if index.exists() else None
    rebuild = fresh or not pointer or pointer.get("schema") != SCHEMA_VERSION
    update_index(corpus, store, rebuild=rebuild)


def xquad(shared: Path):
    root = shared / "eval" / "xquad-vi"
    if not (root / "passages.jsonl").is_file():
        die(f"{root} missing: put the shared data beside the project or pass --shared")
    passages = [json.loads(x) for x in (root / "passages.jsonl").read_text(encoding="utf-8").splitlines()]
    queries = [json.loads(x) for x in (root / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
    return passages, queries


def make_corpus(folder: Path, articles: dict[str, str]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for aid, text in articles.items():
        (folder / f"{aid}.txt").write_text(text, encoding="utf-8")
    return folder


# -- systems ---------------------------------------------------------------------------------

class Ours:
    name = "searcher"

    def __init__(self, corpus: Path, index: Path, fresh: bool):
        ensure_index(corpus, index, fresh)
        self.engine = SearchEngine(index)

    def articles(self, query: str, k: int = 10) -> list[str]:
        r = self.engine.search(query, limit=k, articles=True, suggest=False)
        return [h.article for h in r.hits]


class OursParagraphs:
    """The same engine with paragraph hits: each article ranked by its first paragraph."""

    name = "searcher --paragraphs"

    def __init__(self, ours: Ours):
        self.engine = ours.engine

    def articles(self, query: str, k: int = 10) -> list[str]:
        r = self.engine.search(query, limit=k * 3, suggest=False)
        return list(dict.fromkeys(h.article for h in r.hits))[:k]


class OursCold:
    """The same engine with its paragraph cache emptied before every query: the latency
    of queries that share no article with the ones before (same rankings)."""

    name = "searcher, cold cache"

    def __init__(self, ours: Ours):
        self.engine = ours.engine

    def articles(self, query: str, k: int = 10) -> list[str]:
        self.engine.clear_caches()
        r = self.engine.search(query, limit=k, articles=True, suggest=False)
        return [h.article for h in r.hits]


class WhooshBaseline:
    """One Whoosh document per paragraph; an article ranks by its best paragraph."""

    def __init__(self, name: str, corpus: Path, index: Path, folding: bool, fresh: bool):
        from whoosh import index as wi
        from whoosh.analysis import CharsetFilter, StandardAnalyzer
        from whoosh.fields import ID, TEXT, Schema
        from whoosh.support.charset import accent_map

        self.name = name
        analyzer = StandardAnalyzer() | CharsetFilter(accent_map) if folding else StandardAnalyzer()
        if fresh or not wi.exists_in(str(index)):
            shutil.rmtree(index, ignore_errors=True)
            index.mkdir(parents=True)
            ix = wi.create_in(str(index), Schema(article=ID(stored=True), text=TEXT(analyzer=analyzer)))
            w = ix.writer(limitmb=256)
            for f in sorted(corpus.glob("*.txt")):
                for line in f.read_text(encoding="utf-8").split("\n"):
                    if line.strip():
                        w.add_document(article=f.stem, text=line)
            w.commit()
        self.ix = wi.open_dir(str(index))
        self.searcher = self.ix.searcher()
        from whoosh.qparser import OrGroup, QueryParser

        self.parser = QueryParser("text", self.ix.schema, group=OrGroup)

    def articles(self, query: str, k: int = 10) -> list[str]:
        q = self.parser.parse(query)
        seen: list[str] = []
        for hit in self.searcher.search(q, limit=k * 8):
            if hit["article"] not in seen:
                seen.append(hit["article"])
                if len(seen) == k:
                    break
        return seen


# -- metrics ---------------------------------------------------------------------------------

def evaluate(system, queries: list[tuple[str, set[str]]]) -> dict:
    rr, s1, s5, s10, times, answers = [], 0, 0, 0, [], []
    for text, relevant in queries:
        t = time.perf_counter()
        got = system.articles(text, 10)
        times.append((time.perf_counter() - t) * 1000)
        answers.append(got)
        rank = next((i + 1 for i, a in enumerate(got) if a in relevant), None)
        rr.append(1 / rank if rank else 0.0)
        s1 += rank == 1
        s5 += bool(rank and rank <= 5)
        s10 += bool(rank)
    n = max(len(queries), 1)
    return {"mrr10": sum(rr) / n, "s1": s1 / n, "s5": s5 / n, "s10": s10 / n,
            "median_ms": median(times), "p95_ms": percentile(times, 0.95), "answers": answers}


def print_table(title: str, rows: list[tuple[str, dict]], cols: list[tuple[str, str]]) -> None:
    print(f"\n{title}")
    print(f"  {'system':<26}" + "".join(f"{label:>12}" for label, _ in cols))
    for name, m in rows:
        print(f"  {name:<26}" + "".join(
            f"{m[key]:>12.1f}" if key.endswith("_ms") else f"{m[key]:>12.4f}" for _, key in cols))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--skip-baselines", action="store_true")
    ap.add_argument("--skip-oneshot", action="store_true")
    ap.add_argument("--only", choices=["vietnews", "names", "xquad", "seeds"], help="one data set only")
    ap.add_argument("--vntc", help="VNTC archive or folder (default: the shared one)")
    ap.add_argument("--fresh", action="store_true", help="rebuild the cached indexes")
    ap.add_argument("--split", choices=["eval", "tune"], default="eval",
                    help="VietNews sample: the measured one, or a disjoint one to tune on")
    args = ap.parse_args()
    shared = Path(args.shared)
    CACHE.mkdir(parents=True, exist_ok=True)

    metric_cols = [("MRR@10", "mrr10"), ("success@1", "s1"), ("success@10", "s10"),
                   ("median ms", "median_ms"), ("p95 ms", "p95_ms")]

    if args.only in (None, "vietnews"):
        sample, queries, corpus, index = prepared_vietnews(shared, args.queries, args.split, args.articles,
                                                           args.fresh)
        name = corpus.name
        print(f"VietNews ({args.split} sample): {len(sample):,} articles, {len(queries)} queries per set")
        ours = Ours(corpus, index, fresh=False)
        systems = [ours, OursCold(ours), OursParagraphs(ours)]
        if not args.skip_baselines:
            systems.append(WhooshBaseline("whoosh plain", corpus, CACHE / f"{name}-plain", False, args.fresh))
            systems.append(WhooshBaseline("whoosh folded", corpus, CACHE / f"{name}-fold", True, args.fresh))
        sets = {
            "titles": [(q["title"], {q["article"]}) for q in queries],
            "titles without diacritics": [(strip_diacritics(q["title"]), {q["article"]}) for q in queries],
            "abstracts": [(q["abstract"], {q["article"]}) for q in queries],
            f"titles, {PARTLY_STRIPPED:.0%} of syllables without marks":
                [(strip_some(q["title"], q["qid"]), {q["article"]}) for q in queries],
            "titles holding i/y syllables": [(q["title"], {q["article"]}) for q in queries
                                             if swap_i_y(q["title"])],
            "the same titles, i/y swapped": [(swap_i_y(q["title"]), {q["article"]}) for q in queries
                                             if swap_i_y(q["title"])],
            "titles holding an abbreviation or its expansion": [
                (q["title"], {q["article"]}) for q in queries if swap_abbreviations(q["title"])],
            "the same titles, abbreviations swapped": [
                (swap_abbreviations(q["title"]), {q["article"]}) for q in queries
                if swap_abbreviations(q["title"])],
            "titles with one typo": [(one_typo(q["title"], q["qid"]), {q["article"]}) for q in queries
                                     if one_typo(q["title"], q["qid"])],
            "titles typed as Telex key strokes": [(keystrokes(q["title"], "telex"), {q["article"]})
                                                  for q in queries],
            "titles typed as VNI key strokes": [(keystrokes(q["title"], "vni"), {q["article"]})
                                                for q in queries],
        }
        for set_name, qs in sets.items():
            ours.engine.clear_caches()  # each set starts cold: no help from the set before
            rows = [(s.name, evaluate(s, qs)) for s in systems]
            print_table(f"VietNews {set_name} (targets: titles >= 0.93, without diacritics >= 0.92, "
                        f"abstracts >= 0.96)" if set_name == "titles" else f"VietNews {set_name}",
                        rows, metric_cols)
            warm, cold = rows[0][1]["answers"], rows[1][1]["answers"]
            print(f"  answers differing with caches emptied before each query: "
                  f"{sum(a != b for a, b in zip(warm, cold))} of {len(warm)} (must be 0)")
            held, shown = snippet_coverage(ours.engine, [q for q, _ in qs])
            print(f"  snippets (default output, paragraphs shown of the top 10) holding their "
                  f"best match: {held:,} of {shown:,} ({held / max(shown, 1):.1%})")
        no_hit_latency(ours.engine, [q["title"] for q in queries[:100]])
        if not args.skip_oneshot:
            oneshot(index, corpus, queries[0]["title"])

    if args.only in (None, "names"):
        from eval_names import report

        _, _, corpus, index = prepared_vietnews(shared, args.queries, args.split, args.articles, args.fresh)
        engine = Ours(corpus, index, False).engine
        for lowercase in (False, True):
            report(f"the VietNews {args.split} sample", engine, corpus, CACHE, not args.skip_baselines,
                   lowercase)
        corpus = prepared_vntc(args.vntc or str(shared / "corpus" / "vntc.tar.xz"), args.articles,
                               args.split, args.fresh)
        engine = Ours(corpus, CACHE / f"{corpus.name}-ours", args.fresh).engine
        for lowercase in (False, True):
            report(f"a VNTC sample ({args.split})", engine, corpus, CACHE, not args.skip_baselines,
                   lowercase)

    if args.only in (None, "xquad"):
        passages, xq = xquad(shared)
        corpus = CACHE / "xquad"
        if args.fresh or not corpus.exists():
            make_corpus(corpus, {p["pid"]: p["text"] for p in passages})
        systems = [Ours(corpus, CACHE / "xquad-ours", args.fresh)]
        if not args.skip_baselines:
            systems.append(WhooshBaseline("whoosh plain", corpus, CACHE / "xquad-plain", False, args.fresh))
            systems.append(WhooshBaseline("whoosh folded", corpus, CACHE / "xquad-fold", True, args.fresh))
        qs = [(q["question"], set(q["relevant_pids"])) for q in xq]
        rows = [(s.name, evaluate(s, qs)) for s in systems]
        print_table(f"XQuAD-vi: {len(passages)} passages, {len(qs):,} questions", rows,
                    [("recall@5", "s5"), ("MRR@10", "mrr10"), ("median ms", "median_ms"), ("p95 ms", "p95_ms")])

    if args.only in (None, "seeds"):
        judged = json.loads((PROJECT / "scripts" / "judged_seeds.json").read_text(encoding="utf-8"))
        corpus = PROJECT / "seeds"
        ours = Ours(corpus, CACHE / "seeds-ours", True)
        systems = [ours]
        if not args.skip_baselines:
            systems.append(WhooshBaseline("whoosh plain", corpus, CACHE / "seeds-plain", False, True))
            systems.append(WhooshBaseline("whoosh folded", corpus, CACHE / "seeds-fold", True, True))
        beyond = judged_by_rule(corpus, json.loads(
            (PROJECT / "scripts" / "judged_beyond.json").read_text(encoding="utf-8")))
        cols = [("MRR@10", "mrr10"), ("success@1", "s1"), ("success@10", "s10"), ("R-prec", "rprec")]
        print_table(f"Seeds: {len(judged)} judged queries (paragraph level)",
                    [(s.name, evaluate_paragraphs(s, judged)) for s in systems], cols)
        print_table(f"Seeds, other spellings: {len(beyond)} queries (abbreviations, i/y, typos; "
                    f"paragraph level)", [(s.name, evaluate_paragraphs(s, beyond)) for s in systems], cols)
        for kind in dict.fromkeys(j["kind"] for j in beyond):
            some = [j for j in beyond if j["kind"] == kind]
            print(f"  {kind}: {len(some)} queries, R-prec {evaluate_paragraphs(ours, some)['rprec']:.3f}")


def snippet_coverage(engine, texts: list[str]) -> tuple[int, int]:
    """How many snippets shown by the default output (each hit's paragraphs) hold their best
    match, the longest run of consecutive matched words, whole."""
    from searcher.search.snippets import best_match

    held = shown = 0
    for text in texts:
        for hit in engine.search(text, limit=10, articles=True, suggest=False).hits:
            for item in (hit, *(hit.matches or [])):
                best = best_match(item.text, item.highlights)
                if best is not None:
                    shown += 1
                    held += item.text[best[0]:best[1]] in item.snippet
    return held, shown


def evaluate_paragraphs(system, judged: list[dict]) -> dict:
    """Judged seed queries name relevant paragraphs as `article#n`."""
    rr, s1, s10, rprec = [], 0, 0, []
    for j in judged:
        relevant = set(j["relevant"])
        if isinstance(system, Ours):
            r = system.engine.search(j["query"], limit=max(10, len(relevant)), suggest=False)
            got = [f"{h.article}#{h.paragraph}" for h in r.hits]
        else:
            got = paragraphs_of_baseline(system, j["query"], max(10, len(relevant)))
        rank = next((i + 1 for i, g in enumerate(got) if g in relevant), None)
        rr.append(1 / rank if rank and rank <= 10 else 0.0)
        s1 += rank == 1
        s10 += bool(rank and rank <= 10)
        rprec.append(sum(g in relevant for g in got[:len(relevant)]) / max(len(relevant), 1))
    n = max(len(judged), 1)
    return {"mrr10": sum(rr) / n, "s1": s1 / n, "s10": s10 / n, "rprec": sum(rprec) / n}


def judged_by_rule(corpus: Path, items: list[dict]) -> list[dict]:
    """Judged queries whose relevant paragraphs are those of ``corpus`` holding any of the
    syllable sequences ``any_of`` (after tone-mark normalization), found here from the
    articles (scripts/judged_beyond.json: other spellings of the same words)."""
    from searcher.analysis import normalize_term, syllable_units
    from searcher.corpus import parse_article

    def syllables(text: str) -> list[str]:
        return [normalize_term(u.surface) for u in syllable_units(text)]

    paragraphs = []
    for f in sorted(corpus.rglob("*.txt")):
        article = parse_article(f.read_text(encoding="utf-8"), f.stem)
        paragraphs += [(f"{f.stem}#{i}", syllables(p)) for i, p in enumerate(article.paragraphs)]
    out = []
    for item in items:
        runs = [syllables(x) for x in item["any_of"]]
        relevant = [key for key, syl in paragraphs
                    if any(syl[i:i + len(r)] == r for r in runs for i in range(len(syl)))]
        out.append({**item, "relevant": relevant})
    return out


def paragraphs_of_baseline(system: WhooshBaseline, query: str, k: int = 10) -> list[str]:
    q = system.parser.parse(query)
    out = []
    counters: dict[str, int] = {}
    # Paragraph numbers are the order of documents within each article.
    for hit in system.searcher.search(q, limit=k):
        art = hit["article"]
        docnum = hit.docnum
        first = min(d for d in system.searcher.document_numbers(article=art))
        out.append(f"{art}#{docnum - first}")
        counters[art] = counters.get(art, 0) + 1
    return out


def no_hit_latency(engine, titles: list[str]) -> None:
    """Queries that find nothing (each title's words spelled backwards, with a `q` after
    them) beside the titles themselves, both with suggestions on, as `searcher search`
    answers: a query with no hits must not cost more than one with them."""
    nonsense = [" ".join(w[::-1].lower() + "q" for w in t.split()[:4]) for t in titles]

    def times(texts: list[str]) -> tuple[list[float], int]:
        out, found = [], 0
        for text in texts:
            t = time.perf_counter()
            found += bool(engine.search(text, limit=10, articles=True).hits)
            out.append((time.perf_counter() - t) * 1000)
        return out, found

    engine.clear_caches()
    titled, _ = times(titles)
    empty, found = times(nonsense)
    print(f"\nlatency with suggestions, {len(titles)} titles: median {median(titled):.1f} ms, p95 "
          f"{percentile(titled, 0.95):.1f}; {len(nonsense)} no-hit queries ({found} found something): "
          f"median {median(empty):.1f} ms, p95 {percentile(empty, 0.95):.1f}")


def oneshot(index: Path, corpus: Path, query: str, runs: int = 5) -> None:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}

    def wall(cmd):
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        return median(times)

    ours = wall([sys.executable, "-m", "searcher", "--index", str(index), "--corpus", str(corpus),
                 "search", query])
    pyvi = wall([sys.executable, "-c", "from pyvi import ViTokenizer"])
    print(f"\none-shot `searcher search` (title query, 3,000-article index), median of {runs}: "
          f"{ours * 1000:.0f} ms; `from pyvi import ViTokenizer`: {pyvi * 1000:.0f} ms; "
          f"ratio {ours / pyvi:.2f} (target <= 0.30)")


if __name__ == "__main__":
    main()
