"""How long the print PDFs take, cold and incremental, and against headless Chromium.

    .venv/bin/python bench/pdf_build.py [--runs N]

Renders the sample notice of tests/pdf_samples.py (the notice, a 14-session
schedule, the instructions, the 30-office directory, the flow chart: five
PDFs) into bench/artifacts/pdf/ and reports:

* cold: an empty cache, in a fresh process (fonts not yet loaded), all
  cores, then one worker;
* unchanged: the same documents again (nothing should render);
* one edit: a phone number in the directory changed (the directory's PDF and
  the whole notice's re-render, the other three are reused);
* Chromium: the same HTML and stylesheet printed by headless Chromium, one
  process per document as a build would run it, and the ratio to WeasyPrint;
* persistent printers: the reference for "WeasyPrint's own pace" (issue #15). As many
  long-lived processes as the stage uses, each importing WeasyPrint once, sharing one
  ``FontConfiguration`` across its documents and collecting garbage after each, call
  ``HTML(...).write_pdf`` on the same documents (largest first, as the stage orders them): no
  finisher, no tag joining, no cache. The stage's time over theirs, and the peak memory of every
  printing process on each side, with all cores and with one worker.

Each figure is the best of ``--runs`` runs (the machine may be busy).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import jinja2  # noqa: E402
from pypdf import PdfReader  # noqa: E402

import pdf_samples  # noqa: E402
from noticesite import pdf  # noqa: E402

OUT = ROOT / "bench" / "artifacts" / "pdf"
CHROMIUM = "/usr/bin/chromium"


def documents(**options) -> list[pdf.PrintDocument]:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "layouts")),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    pdf.register_filters(env)
    site = pdf_samples.site(**options)
    return pdf.print_documents(site, site.notices[0], env)


def best(runs: int, fn) -> tuple[float, object]:
    results = []
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        results.append((time.perf_counter() - start, value))
    return min(results, key=lambda r: r[0])


def cold(docs, workers: int | None) -> pdf.RenderReport:
    shutil.rmtree(OUT / "cache", ignore_errors=True)
    return pdf.render_pdfs(docs, OUT / "cache", workers=workers)


def fresh(workers: int) -> float:
    """A cold render in a new process, as a build from the command line runs it."""
    out = subprocess.run([sys.executable, __file__, "--cold", str(workers)], check=True,
                         capture_output=True, text=True).stdout
    return float(out.split()[-1])


def chromium(docs: list[pdf.PrintDocument], workers: int) -> list[Path]:
    """Each document printed by its own headless Chromium, ``workers`` at a time."""
    def one(doc: pdf.PrintDocument) -> Path:
        stem = doc.name.replace("/", "-").removesuffix(".pdf")
        html = OUT / "chromium" / f"{stem}.html"
        links = "".join(f'<link rel="stylesheet" href="{Path(s).as_uri()}">' for s in doc.stylesheets)
        html.write_text(doc.html.replace("</head>", f"{links}</head>", 1), encoding="utf-8")
        target = html.with_suffix(".pdf")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", f"--user-data-dir={profile}",
                            "--no-pdf-header-footer", f"--print-to-pdf={target}", html.as_uri()],
                           check=True, capture_output=True, timeout=120)
        return target

    (OUT / "chromium").mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, docs))


def _reference_printer(job) -> tuple[float, int]:
    """One document printed by WeasyPrint alone in a long-lived process (see ``persistent``)."""
    import gc
    import resource

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    global _FONTS
    if _FONTS is None:
        _FONTS = FontConfiguration()
    start = time.perf_counter()
    css = [weasyprint.CSS(filename=path, font_config=_FONTS) for path in job.stylesheets]
    if job.font_css:
        css.append(weasyprint.CSS(string=job.font_css, font_config=_FONTS))
    weasyprint.HTML(string=job.html, base_url=job.base_url + os.sep).write_pdf(
        job.target, stylesheets=css, font_config=_FONTS, **pdf.RENDER_OPTIONS)
    gc.collect()
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


_FONTS = None


def persistent(docs: list[pdf.PrintDocument], workers: int,
               seconds: dict[str, float] | None = None) -> tuple[float, int]:
    """Wall time and the largest printer's peak memory for ``workers`` persistent printers, from
    their start (a build starts its printers too) to the last PDF written; ``seconds``, if given,
    is told each document's own time."""
    import multiprocessing

    target = OUT / "persistent"
    target.mkdir(parents=True, exist_ok=True)
    jobs = sorted((pdf._Job(d.name, d.html, d.stylesheets, d.base_url,
                            str(target / d.name.replace("/", "-")), d.readable, d.font_css) for d in docs),
                  key=lambda j: len(j.html), reverse=True)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["noticesite.print_server"])
    start = time.perf_counter()
    with context.Pool(workers) as pool:
        results = pool.map(_reference_printer, jobs, chunksize=1)
        wall = time.perf_counter() - start
    if seconds is not None:
        seconds.update((job.name, t) for job, (t, _) in zip(jobs, results))
    return wall, max(peak for _, peak in results)


def copies(docs: list[pdf.PrintDocument], n: int) -> list[pdf.PrintDocument]:
    """``n`` copies of every document under names of their own: an archive's worth of printing."""
    import dataclasses

    return [dataclasses.replace(d, name=d.name.replace(".pdf", f"-{i}.pdf")) for i in range(n) for d in docs]


def stage(docs: list[pdf.PrintDocument], workers: int) -> tuple[float, int]:
    """The build's PDF stage on an empty cache: wall time and its largest printer's peak."""
    report = cold(docs, workers)
    return report.seconds, report.peak_rss


def pages(paths) -> int:
    return sum(len(PdfReader(p).pages) for p in paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=4,
                        help="the stage against persistent printers prints this many copies of each document")
    parser.add_argument("--only-persistent", action="store_true", help="only that comparison")
    parser.add_argument("--cold", type=int, metavar="WORKERS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold is not None:  # one measurement in this fresh process (see fresh())
        docs = documents()
        start = time.perf_counter()
        cold(docs, args.cold)
        print(f"{time.perf_counter() - start:.3f}")
        return
    cores = os.cpu_count() or 1
    OUT.mkdir(parents=True, exist_ok=True)
    docs = documents()
    edited_offices = [("天津分社", "022-23678099", "天津市南开区迎水道新华园"), *pdf_samples.OFFICES[1:]]
    edited = documents(offices=edited_offices)

    if args.only_persistent:
        return against_persistent(docs, args.runs, args.copies, cores)
    t_cold = min(fresh(cores) for _ in range(args.runs))
    t_serial = min(fresh(1) for _ in range(args.runs))
    r_cold = cold(docs, None)
    pdf_samples.copy_out(r_cold.files, OUT / "weasyprint")  # for a person to set beside Chromium's
    t_same, r_same = best(args.runs, lambda: pdf.render_pdfs(docs, OUT / "cache"))

    def edit_once() -> pdf.RenderReport:
        pdf.render_pdfs(docs, OUT / "cache")  # back to the original
        start = time.perf_counter()
        report = pdf.render_pdfs(edited, OUT / "cache")
        report.seconds = time.perf_counter() - start
        return report

    r_edit = min((edit_once() for _ in range(args.runs)), key=lambda r: r.seconds)
    total_pages = pages(cached for _, _, cached in r_edit.files)  # the cache holds the edited ones

    t_chrome, chrome_pdfs = best(args.runs, lambda: chromium(docs, cores))
    chrome_pages = pages(chrome_pdfs)

    print(f"Print PDFs of the sample notice: {len(docs)} documents, {total_pages} pages, "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f} (best of {args.runs})")
    rows = [
        ("WeasyPrint cold, all cores", t_cold, f"{len(r_cold.rendered)} rendered"),
        ("WeasyPrint cold, 1 worker", t_serial, f"{len(r_cold.rendered)} rendered"),
        ("unchanged rebuild", t_same, f"{len(r_same.rendered)} rendered, {len(r_same.reused)} reused"),
        ("one edit to the directory", r_edit.seconds,
         f"{len(r_edit.rendered)} rendered ({', '.join(n.split('/')[-1] for n in r_edit.rendered)}), "
         f"{len(r_edit.reused)} reused"),
        ("Chromium --print-to-pdf", t_chrome, f"{len(chrome_pdfs)} printed, {chrome_pages} pages"),
    ]
    for label, seconds, note in rows:
        print(f"  {label:28s} {seconds:7.2f} s   {note}")
    print(f"  WeasyPrint cold / Chromium: {t_cold / t_chrome:.2f}×   "
          f"parallel speed-up: {t_serial / t_cold:.2f}×")
    print(f"  PDFs: {OUT / 'weasyprint'}  {OUT / 'chromium'}")
    against_persistent(docs, args.runs, args.copies, cores)


def against_persistent(docs: list[pdf.PrintDocument], runs: int, n: int, cores: int) -> None:
    """The stage against persistent printers on ``n`` copies of the documents, alternated run by
    run (the machine drifts), with all cores and with one worker."""
    many = copies(docs, n)
    printed = pages(cached for _, _, cached in pdf.render_pdfs(docs, OUT / "cache").files)
    total = printed * n
    print(f"Stage against persistent printers: {len(many)} documents, {total} pages, load average "
          f"{os.getloadavg()[0]:.1f} (best of {runs})")
    for workers in (cores, 1):
        ours, theirs = [], []
        for _ in range(runs):
            theirs.append(persistent(many, workers))
            ours.append(stage(many, workers))
        t_ours, t_theirs = min(t for t, _ in ours), min(t for t, _ in theirs)
        mb_ours, mb_theirs = max(m for _, m in ours) / 2**20, max(m for _, m in theirs) / 2**20
        print(f"  {workers} worker(s): stage {t_ours:.2f} s ({t_ours / total:.3f} s a page), persistent "
              f"{t_theirs:.2f} s: {t_ours / t_theirs:.2f}×; peak of a printing process: stage {mb_ours:.0f} MB, "
              f"persistent {mb_theirs:.0f} MB")
    # What notice.pdf costs: it lays out the notice and every attachment again, on pages numbered
    # on from the notice's (GB/T 9704 §7.5: one document, its attachments after it).
    each: dict[str, float] = {}
    persistent(docs, 1, each)
    whole = sum(t for name, t in each.items() if name.endswith("notice.pdf"))
    print(f"  one printer, one copy: notice.pdf {whole:.2f} s of {sum(each.values()):.2f} s "
          f"({whole / sum(each.values()):.0%}); its attachments alone {sum(each.values()) - whole:.2f} s")


if __name__ == "__main__":
    main()
