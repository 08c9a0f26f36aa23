#!/usr/bin/env python3
"""Make docs/report.png, the README screenshot of report.html.

Writes the demo report (`cargo run --example report_demo`, the hand-made
fixture of tests/browser.rs), asks headless Chromium where the overview, the
spun-rewrite comparison and one flagged document are on the page, takes one
tall screenshot, and stacks those parts into a 1000-pixel-wide PNG of at most
256 colours (well under 300 KB). Needs /usr/bin/chromium (.ci/install-chromium)
and Pillow (`pip install pillow`).

    python3 scripts/report_screenshot.py [--out docs/report.png]
"""

import argparse
import html
import pathlib
import re
import subprocess
import tempfile

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
WIDTH = 1280
HEIGHT = 7000

# Reports the top and bottom of the parts to keep, by CSS selector and index.
PROBE = """<script>
var parts = [[".charts", 0, "bottom"], ["#clusters", 0, "top"], [".compare", 0, "bottom"],
  ["#flagged", 0, "top"], ["#flagged .legend", 0, "bottom"], [".card.flagged", 1, "top"],
  [".card.flagged", 1, "bottom"]];
document.documentElement.setAttribute("data-parts", parts.map(function (p) {
  var box = document.querySelectorAll(p[0])[p[1]].getBoundingClientRect();
  return Math.round((p[2] === "top" ? box.top : box.bottom) + window.scrollY);
}).join(","));
</script></body>"""


def chromium(profile, *args):
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
         f"--window-size={WIDTH},{HEIGHT}", "--virtual-time-budget=3000", *args],
        check=True, capture_output=True, text=True).stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "report.png"))
    out = pathlib.Path(parser.parse_args().out)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        page = tmp / "report.html"
        subprocess.run(["cargo", "run", "-q", "--example", "report_demo", "--", str(page)],
                       cwd=ROOT, check=True)
        probed = tmp / "probed.html"
        # The page's security policy allows only its own script: drop it in
        # this measuring copy so the probe may run.
        text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text())
        probed.write_text(text.replace("</body>", PROBE, 1))
        dom = chromium(tmp / "profile-a", "--dump-dom", probed.as_uri())
        marks = [int(v) for v in html.unescape(
            re.search(r'data-parts="([^"]*)"', dom).group(1)).split(",")]
        shot = tmp / "full.png"
        chromium(tmp / "profile-b", f"--screenshot={shot}", page.as_uri())
        full = Image.open(shot).convert("RGB")
        # From the top of the page to the charts, then each part with a margin.
        spans = [(0, marks[0] + 12)]
        spans += [(marks[i] - 8, marks[i + 1] + 8) for i in range(1, len(marks), 2)]
        height = sum(b - a for a, b in spans)
        sheet = Image.new("RGB", (WIDTH, height), (246, 247, 249))
        y = 0
        for top, bottom in spans:
            sheet.paste(full.crop((0, top, WIDTH, bottom)), (0, y))
            y += bottom - top
    sheet = sheet.resize((1000, round(height * 1000 / WIDTH)), Image.LANCZOS)
    sheet = sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, optimize=True)
    print(f"wrote {out}: {sheet.size[0]}x{sheet.size[1]}, {out.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
