"""``wanlixing advisor_train``: retrain the shipped re-ranker and confidence calibrator.

By default it learns only from material written for the project (starter FAQ and
paraphrase pairs). ``--with-research-data`` adds AFQMC pairs for experiments:
such a model is written to --out and must not replace the shipped one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wanlixing.advisor.retrieval import dense
from wanlixing.advisor.retrieval.normalise import Normaliser, read_synonym_file
from wanlixing.advisor.retrieval.ranker import MODEL_DIR
from wanlixing.advisor.retrieval.training import (
    STARTER_DIR,
    EmbeddingCache,
    pair_sets,
    project_sets,
    read_jsonl,
    train,
)


class Command(BaseCommand):
    help = "训练智能顾问的重排序模型与把握度校准（默认只用项目自编语料）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default=str(MODEL_DIR), help="模型输出目录")
        parser.add_argument(
            "--cache",
            default=str(Path(settings.VAR_DIR) / "bench" / "advisor-e5-cache.npz"),
            help="向量缓存文件",
        )
        parser.add_argument(
            "--starter-vectors",
            action="store_true",
            help="只重新生成随项目发布的初始问答向量（starter/faq_vectors.npz）",
        )
        parser.add_argument(
            "--with-research-data",
            metavar="AFQMC_JSONL",
            default=None,
            help="另加 AFQMC 训练对（仅供实验，不得随项目发布）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        normaliser = Normaliser(read_synonym_file())
        if options["starter_vectors"]:
            faq = read_jsonl(STARTER_DIR / "faq.jsonl")
            texts = sorted({normaliser(p) for f in faq for p in [f["question"], *f["similar"]]})
            vectors = EmbeddingCache(Path(options["cache"])).get(texts)
            count = dense.known_vectors_save(texts, vectors)
            self.stdout.write(f"wrote {count} starter vectors")
            return
        out = Path(options["out"])
        sets = project_sets()
        if options["with_research_data"]:
            if out.resolve() == MODEL_DIR.resolve():
                raise CommandError("用研究数据训练的模型不能写入随项目发布的模型目录，请用 --out。")
            sets += pair_sets(read_jsonl(Path(options["with_research_data"])), "afqmc")
        meta = train(
            sets,
            out_dir=out,
            cache_path=Path(options["cache"]),
            normaliser=normaliser,
            log=lambda m: self.stderr.write(m),
        )
        self.stdout.write(json.dumps({k: meta[k] for k in ("training_sets", "groups")}))
