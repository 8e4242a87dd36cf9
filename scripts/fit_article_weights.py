"""Fit the weights of article ranking (searcher.search.features.ARTICLE_WEIGHTS) on the VietNews tune
sample, and check them on the eval sample.

    python scripts/fit_article_weights.py [--queries 3000] [--rounds 3] [--trees] [--shared PATH]

`searcher search --articles` scores each of its 40 candidate articles as a weighted sum of
features (searcher.search.features.ArticleFeatures). This reads the features of every candidate
once, for every query of both samples in the three forms (titles, titles without
diacritics, abstracts; `--queries` per sample), through SearchEngine.article_features. Then
it fits the weights by coordinate ascent on the mean MRR@10 of the three forms over the tune
sample, starting from the weights in use.

Printed, MRR@10 per form, for the weights in use and the fitted ones: on the tune sample, on
the eval sample's queries that scripts/eval_relevance.py does not measure (held out), and on
the 500 it measures (the targets). The weights in use must reproduce eval_relevance.py's
figures on those 500: a check that this reads what the product ranks. `--trees` adds a
gradient-boosted tree re-ranker (scikit-learn, installed with pyvi) trained on the same
features: what a non-linear combination of them could add. numpy is needed (pyvi's too).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared_data import SHARED, die

FORMS = ("titles", "nodia", "abstracts")
STEPS = (-0.2, -0.1, -0.05, -0.02, 0.02, 0.05, 0.1, 0.2)


def read_groups(shared: Path, split: str, n_queries: int):
    """Per query and form: the candidates' features, which candidate is the target, which
    are tiered (short queries: those holding every word first), whether measured."""
    import numpy as np
    import eval_relevance as ev
    from searcher.search import LONG_QUERY, ArticleFeatures, SearchEngine, parse_query

    _, queries, _, index = ev.prepared_vietnews(shared, n_queries, split)
    measured = {q["qid"] for q in ev.vietnews_sample(shared, 3000, 500, split)[1]} if split == "eval" else set()
    groups = []
    with SearchEngine(index) as engine:
        for n, q in enumerate(queries):
            for form, text in zip(FORMS, (q["title"], ev.strip_diacritics(q["title"]), q["abstract"])):
                found = engine.article_features(text)
                tiered = len(parse_query(text).units) <= LONG_QUERY
                X = np.array([f for _, f, _ in found], dtype=float).reshape(len(found), len(ArticleFeatures._fields))
                target = np.array([a == q["article"] for a, _, _ in found], dtype=bool)
                tier = np.array([tiered and all_matched for _, _, all_matched in found], dtype=float)
                groups.append((form, q["qid"] in measured, X, target, tier))
            if n % 500 == 499:
                print(f"  {split}: {n + 1:,} queries read", file=sys.stderr)
    return groups


def reciprocal_ranks(groups, score) -> list[float]:
    """The target's reciprocal rank (0 past 10, or absent) in each group, ranked as
    `searcher search --articles` ranks: tier first, then score, ties in candidate order."""
    out = []
    for _, _, X, target, tier in groups:
        if not target.any():
            out.append(0.0)
            continue
        s = score(X) + tier * 1e9
        i = int(target.argmax())
        rank = 1 + int((s > s[i]).sum()) + int((s[:i] == s[i]).sum())
        out.append(1.0 / rank if rank <= 10 else 0.0)
    return out


def mrr_by_form(groups, score) -> list[float]:
    return [float(sum(rr) / max(len(rr), 1)) for rr in
            (reciprocal_ranks([g for g in groups if g[0] == form], score) for form in FORMS)]


def coordinate_ascent(groups, weights, rounds: int):
    """Each weight but the first (the scale) moved by each step in turn, kept when the
    mean MRR@10 of the three forms rises."""
    import numpy as np

    def objective(w):
        return sum(mrr_by_form(groups, lambda X: X @ w)) / len(FORMS)

    w = np.array(weights, dtype=float)
    best = objective(w)
    for r in range(rounds):
        improved = False
        for j in range(1, len(w)):
            for step in STEPS:
                trial = w.copy()
                trial[j] += step
                v = objective(trial)
                if v > best + 1e-6:
                    best, w, improved = v, trial, True
        print(f"  round {r + 1}: tune mean MRR@10 {best:.4f}", file=sys.stderr)
        if not improved:
            break
    return w


def tree_scorer(groups):
    """A gradient-boosted classifier of target against the rest, on the features scaled by
    the group's best words score, and on their distance to the group's best."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    def rows(X):
        scale = max(float(X[:, 0].max()), 1e-9)
        return np.hstack([X / scale, (X - X.max(axis=0)) / scale])

    Xs = np.vstack([rows(X) for _, _, X, t, _ in groups if len(X)])
    ys = np.concatenate([t for _, _, X, t, _ in groups if len(X)])
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_depth=3,
                                           l2_regularization=1.0, random_state=0).fit(Xs, ys)
    return lambda X: model.decision_function(rows(X)) if len(X) else np.zeros(0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=int, default=3000, help="queries per sample (each in three forms)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of coordinate ascent")
    ap.add_argument("--trees", action="store_true", help="also a gradient-boosted tree re-ranker")
    ap.add_argument("--shared", default=str(SHARED), help="the shared data folder")
    args = ap.parse_args()
    try:
        import numpy as np  # noqa: F401
    except ImportError:
        die("numpy is needed (it comes with pyvi's dependencies)")
    from searcher.search import ARTICLE_WEIGHTS, ArticleFeatures

    shared = Path(args.shared)
    tune = read_groups(shared, "tune", args.queries)
    ev = read_groups(shared, "eval", args.queries)
    held = [g for g in ev if not g[1]]
    measured = [g for g in ev if g[1]]
    fitted = coordinate_ascent(tune, ARTICLE_WEIGHTS, args.rounds)
    scorers = [("weights in use", lambda X: X @ np.array(ARTICLE_WEIGHTS)),
               ("fitted", lambda X: X @ fitted)]
    if args.trees:
        scorers.append(("trees", tree_scorer(tune)))
    n_tune = len(tune) // len(FORMS)
    print(f"MRR@10 (titles / without diacritics / abstracts); tune {n_tune:,} queries, eval held out "
          f"{len(held) // len(FORMS):,}, eval measured {len(measured) // len(FORMS)}")
    print(f"  {'':<16}{'tune':>24}{'eval, held out':>26}{'eval, measured':>26}")
    for name, score in scorers:
        cells = ["  ".join(f"{v:.4f}" for v in mrr_by_form(part, score)) for part in (tune, held, measured)]
        print(f"  {name:<16}" + "".join(f"{c:>26}" for c in cells))
    print("fitted weights:", ", ".join(f"{k}={v:.3f}" for k, v in zip(ArticleFeatures._fields, fitted)))


if __name__ == "__main__":
    main()
