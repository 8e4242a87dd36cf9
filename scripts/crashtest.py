"""Crash test: SIGKILL `searcher index` (rebuilds and incremental updates) at random moments
on a VNTC subset, then check the index opens and answers a fixed query set exactly as
before the kill (or exactly as after the update, when the kill came after its commit).

    python scripts/crashtest.py [--rounds 50] [--articles 1500] [--vntc PATH] [--seed 0]

Prints survived/total; target: >= 50 kills, 0 unusable indexes, 0 changed answers.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shared_data import PROJECT, vntc_dir, vntc_files

QUERIES = ["công an", "bóng đá việt nam", "giá vàng hôm nay", "thanh hoa", "\"thị trường chứng khoán\"",
           "bệnh viện bạch mai", "date:2017 an ninh", "Hà Nội -mưa", "xe máy OR ô tô", "học sinh"]


def answers(base: list[str], env: dict) -> tuple[int, list]:
    p = subprocess.run(base + ["search", "-", "--json", "--limit", "10"], input="\n".join(QUERIES) + "\n",
                       env=env, capture_output=True, text=True)
    if p.returncode != 0 or "Traceback" in p.stderr:
        return p.returncode or 1, []
    out = []
    for line in p.stdout.splitlines():
        d = json.loads(line)
        out.append((d["total"], [(h["article"], h["paragraph"], round(h["score"], 3)) for h in d["hits"]]))
    return 0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=50)
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--vntc")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root = vntc_dir(args.vntc)
    files = vntc_files(args.vntc, args.articles + 100)
    work = Path(tempfile.mkdtemp(prefix="searcher-crash-"))
    corpus, index = work / "corpus", work / "index"
    for f in files[:args.articles]:
        t = corpus / f.relative_to(root)
        t.parent.mkdir(parents=True, exist_ok=True)
        t.symlink_to(f)
    toggled = files[args.articles:]  # 100 articles that come and go between rounds
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    base = [sys.executable, "-m", "searcher", "--corpus", str(corpus), "--index", str(index)]
    t = time.perf_counter()
    subprocess.run(base + ["index"], env=env, check=True, capture_output=True)
    build_s = time.perf_counter() - t
    print(f"{args.articles:,} VNTC articles, first build {build_s:.1f} s; {args.rounds} rounds")

    kills = unusable = changed = survived = 0
    for r in range(args.rounds):
        code, before = answers(base, env)
        assert code == 0, "the index must answer before each round"
        rebuild = r % 2 == 0
        if not rebuild:  # give the incremental update work: add or remove 100 articles
            for f in toggled:
                t = corpus / "toggled" / f.name
                if t.exists():
                    t.unlink()
                else:
                    t.parent.mkdir(exist_ok=True)
                    t.symlink_to(f)
        cmd = base + ["index"] + (["--rebuild"] if rebuild else [])
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.05, build_s if rebuild else 1.2))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        code, now = answers(base, env)
        if code != 0:
            unusable += 1
            print(f"round {r}: index unusable after the kill")
        # Finish the work, then compare: answers right after the kill must be the old state
        # or the new one, never anything else.
        subprocess.run(base + ["index"], env=env, check=True, capture_output=True)
        _, after = answers(base, env)
        if code == 0 and now != before and now != after:
            changed += 1
            print(f"round {r}: answers changed to neither the old nor the new state")
        elif code == 0:
            survived += 1
        print(f"round {r + 1}/{args.rounds}: {'rebuild' if rebuild else 'update '} "
              f"{'killed' if proc.returncode == -signal.SIGKILL else 'finished'}, "
              f"{'unchanged' if now == before else 'new state'}", flush=True)
    print(f"\nsurvived {survived}/{args.rounds} rounds; {kills} kills; {unusable} unusable indexes; "
          f"{changed} changed answers (targets: >= 50 kills, 0, 0)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
