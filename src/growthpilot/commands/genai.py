"""Generative-AI commands: copy (generate -> verify -> rank), ask (catalogue assistant), reviews."""

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from growthpilot.commands._common import JsonOpt, WorkspaceOpt, console, print_json, print_table, progress


def register(app: typer.Typer) -> None:

    @app.command("copy")
    def copy_cmd(
        workspace: WorkspaceOpt = Path("."),
        channel: Annotated[str, typer.Option(help="email_subject, preview_text, push, sms, ad_headline, "
                                                  "ad_description or product_description.")] = "email_subject",
        language: Annotated[str, typer.Option(help="en or zh (per-customer copy follows the customer's locale).")] = "en",
        product: Annotated[list[str], typer.Option("--product", help="Product id(s) the copy may name.")] = [],  # noqa: B006
        segment: Annotated[list[str], typer.Option("--segment", help="Segment(s); default: the personas table.")] = [],  # noqa: B006
        per_customer: Annotated[bool, typer.Option("--per-customer", help="One brief per customer from "
                                                   "the recommendations table.")] = False,
        limit: Annotated[int, typer.Option(help="Most customers for --per-customer.")] = 20,
        discount: Annotated[float | None, typer.Option(help="Percent off.")] = None,
        end_date: Annotated[str | None, typer.Option(help="Last day of the offer, YYYY-MM-DD.")] = None,
        promise: Annotated[list[str], typer.Option("--promise", help="free_shipping, free_returns, gift, ...")] = [],  # noqa: B006
        code: Annotated[str | None, typer.Option(help="Promo code.")] = None,
        variants: Annotated[int, typer.Option(help="Accepted variants wanted per brief.")] = 3,
        brand: Annotated[str, typer.Option(help="Brand name for the voice profile.")] = "growthpilot shop",
        tone: Annotated[str, typer.Option(help="Brand tone.")] = "friendly, clear, confident",
        no_llm: Annotated[bool, typer.Option("--no-llm", help="Grounded templates only.")] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Write checked copy variants (rejections kept with reasons) into copy_variants."""
        from growthpilot.genai.brief import BrandVoice
        from growthpilot.genai.briefs import briefs_for_customers, briefs_for_segments
        from growthpilot.genai.llm_factory import get_backend
        from growthpilot.genai.workspace_stages import write_copy
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        wh = ws.warehouse
        products = wh.read("products")
        end = date.fromisoformat(end_date) if end_date else None
        if per_customer:
            recs = wh.read("recommendations")
            recs = recs[recs.customer_id.isin(sorted(recs.customer_id.unique())[:limit])]
            customers = wh.read("customers") if wh.has_table("customers") else None
            segs = wh.read("segments") if wh.has_table("segments") else None
            briefs = briefs_for_customers(recs, products, channel=channel, customers=customers, segments=segs,
                                          discount_pct=discount, end_date=end, promises=promise)
        else:
            segs = segment or (wh.read("personas") if wh.has_table("personas") else ["all"])
            briefs = briefs_for_segments(segs, products, channel=channel, language=language, product_ids=product,
                                         discount_pct=discount, end_date=end, promises=promise, code=code)
        llm = None if no_llm else get_backend(ws.settings, cache_path=str(ws.artifacts_dir / "llm_cache.sqlite"))
        with ws.run("copy", {"channel": channel, "briefs": len(briefs), "variants": variants},
                    model_version=llm.model_id if llm else "grounded-template") as run, progress() as p:
            task = p.add_task("briefs", total=len(briefs))
            table = write_copy(ws, briefs, llm=llm, variants=variants, run_id=run.run_id,
                               voice=BrandVoice(name=brand, tone=tone), progress=lambda n: p.advance(task, n))
            run.metrics.update({"candidates": len(table), "accepted": int((table.status == "accepted").sum())})
        acc = table[table.status == "accepted"]
        if as_json:
            print_json({"run_id": run.run_id, "candidates": len(table), "accepted": acc[["brief_id", "text", "score"]]
                        .to_dict("records")})
            return
        print_table(f"accepted copy ({len(acc)} of {len(table)} candidates)",
                    [{"brief": r.brief_id, "text": r.text, "score": r.score} for r in acc.itertuples()])
        console.print(f"all candidates with reasons are in copy_variants (run {run.run_id})")

    @app.command("ask")
    def ask_cmd(
        question: Annotated[str, typer.Argument(help="A customer question, English or Chinese.")],
        workspace: WorkspaceOpt = Path("."),
        policies: Annotated[Path | None, typer.Option(help="JSON file of FAQ/policy documents.")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Answer from the catalogue, FAQ and policies, citing sources (or refuse)."""
        from growthpilot.genai.assistant import CatalogueAssistant
        from growthpilot.genai.retrieval import policy_documents
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        bot = CatalogueAssistant(products=ws.warehouse.read("products"),
                                 documents=policy_documents(policies) if policies else None).fit()
        a = bot.ask(question)
        if as_json:
            print_json({"answer": a.text, "citations": a.citations, "refused": a.refused, "language": a.language})
            return
        console.print(a.text, highlight=False)

    @app.command("reviews")
    def reviews_cmd(
        workspace: WorkspaceOpt = Path("."),
        train_data: Annotated[Path | None, typer.Option(help="Labelled reviews to train on (default: star ratings).")] = None,
        text_col: Annotated[str, typer.Option(help="Text column of --train-data.")] = "text",
        label_col: Annotated[str, typer.Option(help="Label column of --train-data.")] = "label",
        features: Annotated[str, typer.Option(help="auto, tfidf, embed or blend.")] = "auto",
        use_llm: Annotated[bool, typer.Option("--use-llm", help="Zero-shot labels from the configured LLM "
                                              "instead of a trained classifier.")] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """Sentiment, aspects and topics per review; sentiment per product and month; per customer."""
        from growthpilot.genai.eval_sentiment import load_labelled
        from growthpilot.genai.sentiment import SentimentClassifier
        from growthpilot.genai.workspace_stages import analyze_reviews
        from growthpilot.workspace import Workspace

        ws = Workspace.open(workspace)
        wh = ws.warehouse
        clf = SentimentClassifier(features=features)
        if use_llm:
            from growthpilot.genai.llm_factory import get_backend
            from growthpilot.genai.llm_sentiment import LLMSentimentClassifier

            clf = LLMSentimentClassifier(llm=get_backend(ws.settings), labels=("negative", "neutral", "positive")).fit()
        elif train_data is not None:
            lab = load_labelled(train_data, text_col, label_col)
            clf.fit(lab["text"].tolist(), lab["label"].to_numpy())
        with ws.run("reviews", {"train_data": str(train_data or "ratings"), "features": features}) as run, \
                console.status(f"analysing {wh.count('reviews'):,} reviews"):
            res = analyze_reviews(ws, clf, run_id=run.run_id)
            run.model_version = res.model_version
            run.metrics.update(res.metrics)
        scored, per_product = res.scored, res.per_product
        counts = scored["label"].value_counts().to_dict()
        if as_json:
            print_json({"run_id": run.run_id, "reviews": len(scored), "labels": counts,
                        "topics": res.topics})
            return
        print_table("review sentiment", [{"label": k, "reviews": v} for k, v in counts.items()])
        print_table("topics", [{"topic": i, "terms": ", ".join(t)} for i, t in enumerate(res.topics)])
        console.print(f"wrote review_sentiment, product_sentiment ({len(per_product)} rows) and "
                      f"customer_review_sentiment (run {run.run_id}); {json.dumps(run.metrics)}")
