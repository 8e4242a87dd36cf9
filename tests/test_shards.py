"""A sharded index (`searcher index --shards N`): its layout, its updates, and that it
answers exactly as a single index of the same corpus."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import SEEDS, Searcher, big_corpus, write_article
from searcher.index import IndexStore, shard_of, update_layout
from searcher.search import SearchEngine

def read_manifest(path: Path) -> dict:
    return IndexStore(path).manifest()


QUERIES = ["cong an nghe an", "Công an tỉnh Nghệ An", "Thanh Hoá", "UBND", "an ninh tổ quốc",
           '"phong trào toàn dân"', "hoạt động -Gia", "Thùy Dương", "bài học kinh nghiệm",
           "sỹ quan", "ANTQ", "số7", "Nguyễn Hồng Phong giám đốc", "date:2023 công an",
           "phối hợp tuyên truyền pháp luật cho nhân dân", "coong an", "xyzzy"]


def answers(engine: SearchEngine, queries=QUERIES, limit: int = 10) -> list:
    """Everything a search shows but its time, in both modes, sorted by date too."""
    out = []
    for q in queries:
        for articles in (False, True):
            for sort in ("relevance", "newest"):
                r = engine.search(q, limit=limit, articles=articles, sort=sort, facets=True)
                out.append((q, articles, sort, r.total, r.total_exact, r.suggestion, r.facets,
                            [(h.article, h.paragraph, round(h.score, 6), h.snippet, h.highlights,
                              [m.paragraph for m in h.matches or ()], h.more) for h in r.hits]))
    return out


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> Path:
    """Articles that tie: 60 copies of the seeds, each with one word of its own, in
    folders, so that a query matches hundreds of paragraphs with equal scores."""
    corpus = tmp_path_factory.mktemp("copies") / "corpus"
    corpus.mkdir()
    big_corpus(corpus, 60)
    shutil.copytree(SEEDS, corpus / "seeds")
    return corpus


@pytest.mark.slow
def test_shards_answer_exactly_as_one_index(copies: Path, tmp_path: Path) -> None:
    update_layout(copies, IndexStore(tmp_path / "one"))
    report = update_layout(copies, IndexStore(tmp_path / "four"), shards=4)
    assert report.articles == 65 and report.added == 65
    manifest = read_manifest(tmp_path / "four")
    assert [s["folder"] for s in manifest["shards"]] == [f"shard-0{i}-of-04" for i in (1, 2, 3, 4)]
    assert sum(s["articles"] for s in manifest["shards"]) == 65
    assert all(s["articles"] for s in manifest["shards"])  # the hash spreads them
    with SearchEngine(tmp_path / "one") as one, SearchEngine(tmp_path / "four") as four:
        assert four.shards == 4 and one.shards == 1
        assert four.articles == one.articles and four.paragraphs == one.paragraphs
        # Deep pages too: the cut between stage one and stage two falls among ties there.
        assert answers(four) == answers(one)
        assert answers(four, ["công an", "phong trào"], limit=50) == answers(one, ["công an", "phong trào"], limit=50)
        assert four.abbreviations.expansions == one.abbreviations.expansions


@pytest.mark.slow
def test_articles_go_to_the_shard_their_id_hashes_to(copies: Path, tmp_path: Path) -> None:
    update_layout(copies, IndexStore(tmp_path / "ix"), shards=3)
    for shard in read_manifest(tmp_path / "ix")["shards"]:
        i = int(shard["folder"].split("-")[1]) - 1
        with SearchEngine(tmp_path / "ix" / shard["folder"]) as engine:
            held = set(engine.lexicon.articles_under("bulk0")) | set(engine.lexicon.articles_under("seeds"))
        assert held and all(shard_of(a, 3) == i for a in held)
    assert shard_of("bulk0/copy1", 3) == shard_of("bulk0/copy1", 3)  # no per-process salt
    assert [shard_of(f"a{i}", 4) for i in range(8)] == [shard_of(f"a{i}", 4) for i in range(8)]


def test_an_update_touches_only_the_shards_that_changed(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    s = Searcher(corpus, index)
    assert s.run("index", "--shards", "3").exit_code == 0

    def generations() -> dict[str, int]:
        return {x["folder"]: x["generation"] for x in read_manifest(index)["shards"]}

    before = generations()
    write_article(corpus, "new", ["Sầu riêng Khánh Hòa", "Công an tỉnh Khánh Hòa thăm vườn sầu riêng."])
    result = s.run("index")  # keeps the layout
    assert result.exit_code == 0, result.output
    assert "+1 added, 0 updated, 0 removed" in result.output
    after = generations()
    assert [f for f in after if after[f] != before[f]] == [f"shard-0{shard_of('new', 3) + 1}-of-03"]
    # Nothing deleted yet, so every statistic is as one index of the same corpus would have it.
    assert s.run("--index", str(tmp_path / "one"), "index").exit_code == 0
    with SearchEngine(index) as sharded, SearchEngine(tmp_path / "one") as one:
        assert answers(sharded) == answers(one)

    name = sorted(corpus.glob("0*.txt"))[0].stem
    write_article(corpus, name, ["Tiêu đề mới", "Đoạn văn về quả chôm chôm Bến Tre."])
    (corpus / "new.txt").unlink()
    before = after
    result = s.run("index")
    assert result.exit_code == 0, result.output
    assert "+0 added, 1 updated, 1 removed" in result.output
    after = generations()
    assert {f for f in after if after[f] != before[f]} == {
        f"shard-0{shard_of(a, 3) + 1}-of-03" for a in (name, "new")}
    hit = s.json("chôm chôm")["hits"][0]
    assert hit["article"] == name and hit["title"] == "Tiêu đề mới"
    assert s.json('"sầu riêng"')["total"] == 0
    for folder in after:  # the files of the replaced generations are gone
        tocs = sorted(p.name for p in (index / folder).glob("_main_*.toc"))
        assert len(tocs) == 1, tocs


def test_changing_the_layout_and_back(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    s = Searcher(corpus, index)
    assert s.run("index").exit_code == 0
    single = s.json("công an")
    assert s.json_of("stats")["shards"] == 1
    result = s.run("index", "--shards", "2")
    assert result.exit_code == 0, result.output
    assert "rebuilt from scratch" in result.output
    assert sorted(p.name for p in index.iterdir()) == ["SHARDS.json", "shard-01-of-02",
                                                        "shard-02-of-02", "update.lock"]
    info = s.json_of("stats")
    assert info["shards"] == 2 and info["articles"] == 5
    assert {**s.json("công an"), "took_ms": 0} == {**single, "took_ms": 0}
    assert s.run("index", "--shards", "3").exit_code == 0
    assert sorted(p.name for p in index.iterdir() if p.is_dir()) == [
        "shard-01-of-03", "shard-02-of-03", "shard-03-of-03"]
    assert s.run("index", "--shards", "1").exit_code == 0  # back to a single index
    assert not (index / "SHARDS.json").exists()
    assert not [p for p in index.iterdir() if p.is_dir()]
    assert s.json_of("stats")["shards"] == 1
    assert {**s.json("công an"), "took_ms": 0} == {**single, "took_ms": 0}


def test_an_interrupted_update_leaves_the_previous_manifest_answering(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    update_layout(corpus, IndexStore(index), shards=2)
    manifest = (index / "SHARDS.json").read_text()
    for i in range(12):  # new articles in both shards
        write_article(corpus, f"new{i}", [f"Bài mới {i}", "Chuyện con mèo tam thể ở Đà Lạt."])
    assert {shard_of(f"new{i}", 2) for i in range(12)} == {0, 1}
    first = sum(1 for i in range(12) if shard_of(f"new{i}", 2) == 0)

    def interrupt(done: int, total: int) -> None:
        if done > first:  # the first shard is committed, the second part-way
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        update_layout(corpus, IndexStore(index), progress=interrupt)
    assert (index / "SHARDS.json").read_text() == manifest
    shard = json.loads(manifest)["shards"][0]
    assert IndexStore(index / shard["folder"]).open().latest_generation() > shard["generation"]
    with SearchEngine(index) as engine:  # the state the manifest names, not the first shard's new one
        assert engine.articles == 5
        assert engine.search('"mèo tam thể"').total == 0
        assert engine.search("công an").total > 0
    (index / ".SHARDS.json.99999").write_text("{")  # a manifest a killed update half wrote
    report = update_layout(corpus, IndexStore(index))
    assert report.added == 12 - first and report.articles == 17
    assert not list(index.glob(".SHARDS.json.*"))
    with SearchEngine(index) as engine:
        assert engine.search('"mèo tam thể"').total == 12


def test_a_damaged_manifest_says_rebuild_and_index_rebuilds(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    s = Searcher(corpus, index)
    assert s.run("index", "--shards", "2").exit_code == 0
    (index / "SHARDS.json").write_text("{garbage", encoding="utf-8")
    result = s.run("search", "công an")
    assert result.exit_code == 2
    assert "manifest unreadable" in result.stderr and "--rebuild" in result.stderr
    assert "Traceback" not in result.output
    result = s.run("index")
    assert result.exit_code == 0, result.output
    assert read_manifest(index)["shards"][1]["folder"] == "shard-02-of-02"
    assert s.json("công an")["total"] > 0


def test_shards_take_a_sane_count(corpus: Path, tmp_path: Path) -> None:
    s = Searcher(corpus, tmp_path / "ix")
    for bad in ("0", "-2", "x", "1000"):
        result = s.run("index", "--shards", bad)
        assert result.exit_code == 2 and "--shards" in result.stderr, (bad, result.output)
        assert "Traceback" not in result.output
