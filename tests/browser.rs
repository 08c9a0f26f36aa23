//! report.html in a real browser: headless Chromium loads a report written
//! from a hand-made input (copies, a spun rewrite, non-ASCII text, hostile
//! markup) and the test reads the DOM after the page's script ran.
//!
//! Needs Chromium (`/usr/bin/chromium`, or `COPYDESK_CHROMIUM=/path`); install
//! it with `.ci/install-chromium`. Without it the tests skip with a message,
//! unless `CI` is set, where they fail.

mod report_fixture;

use copydesk::report::html::write_report;
use regex::Regex;
use report_fixture::{Fixture, HOSTILE_IMG, HOSTILE_SCRIPT};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest a Chromium run may take before the test gives up on it.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

fn in_ci() -> bool {
    means_ci(std::env::var("CI").ok().as_deref())
}

/// CI systems set `CI=true` (some `CI=1`); unset, empty, `0` or `false` mean a local run.
fn means_ci(value: Option<&str>) -> bool {
    value.is_some_and(|value| !matches!(value.trim(), "" | "0" | "false"))
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("COPYDESK_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let mut candidates = vec![PathBuf::from("/usr/bin/chromium")];
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            for name in ["chromium", "chromium-browser"] {
                candidates.push(dir.join(name));
            }
        }
    }
    candidates.into_iter().find(|path| path.is_file())
}

/// Use the browser found; without one, skip a local run but fail in CI,
/// where a skipped browser test would pass silently.
fn browser_decision(found: Option<PathBuf>, ci: bool) -> Result<Option<PathBuf>, &'static str> {
    match found {
        Some(path) => Ok(Some(path)),
        None if ci => Err(
            "CI is set but Chromium is missing: run .ci/install-chromium or set COPYDESK_CHROMIUM",
        ),
        None => Ok(None),
    }
}

/// The browser, or `None` (with a message) when the test must skip.
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let decision = browser_decision(find_chromium(), in_ci()).unwrap_or_else(|e| panic!("{e}"));
    if decision.is_none() {
        eprintln!(
            "SKIPPED {test}: Chromium not found at /usr/bin/chromium or on PATH \
             (install it with .ci/install-chromium, or set COPYDESK_CHROMIUM); \
             with CI=true this is a failure"
        );
    }
    decision
}

#[test]
fn a_missing_browser_skips_locally_and_fails_in_ci() {
    assert!(means_ci(Some("true")) && means_ci(Some("1")));
    assert!(!means_ci(None) && !means_ci(Some("")) && !means_ci(Some("false")));
    assert_eq!(browser_decision(None, false), Ok(None));
    assert!(browser_decision(None, true).is_err());
    let found = PathBuf::from("/usr/bin/chromium");
    assert_eq!(browser_decision(Some(found.clone()), true), Ok(Some(found)));
}

/// Where this test writes its pages: a fresh directory under target/tmp.
fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run headless Chromium on `url` with `extra` arguments, a fresh profile
/// and no network services, killing it after [`BROWSER_TIMEOUT`].
fn run_chromium(chromium: &Path, dir: &Path, extra: &[&str], url: &str) -> Output {
    let profile = tempfile::tempdir_in(dir).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    // Read both pipes on threads so a chatty browser cannot block on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buffer).unwrap();
        buffer
    });
    let err_reader = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut buffer).unwrap();
        buffer
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {BROWSER_TIMEOUT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// Console messages the page produced (errors, CSP violations, logs): the
/// page itself logs nothing, so any line is a failure.
fn console_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect()
}

/// Runs first in the page (before the report's own script) and records what
/// the test cannot see in a DOM dump: script errors and whether hostile text ran.
const PROBE: &str = r#"<script>
window.__probeErrors = [];
window.addEventListener("error", function (e) { window.__probeErrors.push(String(e.message)); });
(function () {
  var original = console.error;
  console.error = function () { window.__probeErrors.push(Array.prototype.join.call(arguments, " ")); original.apply(console, arguments); };
})();
window.addEventListener("load", function () {
  setTimeout(function () {
    document.documentElement.setAttribute("data-probe", JSON.stringify({
      pwned: window.__pwned !== undefined, errors: window.__probeErrors
    }));
  }, 0);
});
</script>"#;

fn write_fixture_report(dir: &Path) -> (PathBuf, String) {
    let fixture = Fixture::new();
    let mut page = Vec::new();
    write_report(&mut page, &fixture.input()).unwrap();
    let page = String::from_utf8(page).unwrap();
    let path = dir.join("report.html");
    std::fs::write(&path, &page).unwrap();
    (path, page)
}

/// The report with [`PROBE`] as the first thing in `<head>`, and without its
/// Content-Security-Policy: the policy would block the probe, and it would
/// also hide an escaping bug, which this copy is there to catch. (The other
/// runs load the page as written, policy included.)
fn write_probed_copy(dir: &Path, page: &str) -> PathBuf {
    let policy = Regex::new(r#"<meta http-equiv="Content-Security-Policy"[^>]*>"#).unwrap();
    assert!(policy.is_match(page), "the page has no security policy");
    let page = policy.replace(page, "");
    let at = page.find("<head>").expect("the page has a <head>") + "<head>".len();
    let probed = format!("{}\n{PROBE}{}", &page[..at], &page[at..]);
    let path = dir.join("report-probed.html");
    std::fs::write(&path, probed).unwrap();
    path
}

fn url_of(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// The DOM after the page's script ran.
fn dump_dom(chromium: &Path, dir: &Path, url: &str) -> String {
    let output = run_chromium(
        chromium,
        dir,
        &["--virtual-time-budget=5000", "--dump-dom"],
        url,
    );
    assert!(
        output.status.success(),
        "chromium --dump-dom failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let console = console_lines(&output.stderr);
    assert!(
        console.is_empty(),
        "the page wrote to the console:\n{}",
        console.join("\n")
    );
    String::from_utf8(output.stdout).unwrap()
}

fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Texts of the `<mark>` elements whose class attribute is exactly `class`.
fn marks(dom: &str, class: &str) -> Vec<String> {
    let pattern = format!(
        r#"<mark class="{}"[^>]*>([^<]*)</mark>"#,
        regex::escape(class)
    );
    Regex::new(&pattern)
        .unwrap()
        .captures_iter(dom)
        .map(|c| unescape(&c[1]))
        .collect()
}

/// The part of `dom` from `start` up to `end` (both must be there).
fn section<'d>(dom: &'d str, start: &str, end: &str) -> &'d str {
    let from = dom.find(start).unwrap_or_else(|| panic!("{start} missing"));
    let to = from
        + dom[from..]
            .find(end)
            .unwrap_or_else(|| panic!("{end} missing"));
    &dom[from..to]
}

fn count(dom: &str, needle: &str) -> usize {
    dom.matches(needle).count()
}

#[test]
fn report_renders_safely_in_headless_chromium() {
    let Some(chromium) = chromium_or_skip("report_renders_safely_in_headless_chromium") else {
        return;
    };
    let dir = work_dir("browser-report");
    let (report, page) = write_fixture_report(&dir);
    let probed = write_probed_copy(&dir, &page);
    let dom = dump_dom(&chromium, &dir, &url_of(&probed));

    // The page's script finished, and nothing threw or ran that should not.
    assert!(
        dom.contains(r#"data-ready="1""#),
        "the page script did not finish:\n{dom}"
    );
    let probe = Regex::new(r#"data-probe="([^"]*)""#)
        .unwrap()
        .captures(&dom)
        .map(|c| unescape(&c[1]))
        .expect("the probe did not report");
    let probe: serde_json::Value = serde_json::from_str(&probe).unwrap();
    assert_eq!(probe["errors"], serde_json::json!([]), "script errors");
    assert_eq!(probe["pwned"], false, "hostile text ran");

    // Hostile text is on the page as text, never as elements.
    assert!(!dom.contains("<img"), "an <img> element was created");
    assert!(!dom.contains("<b>"), "a <b> element was created from an id");
    assert_eq!(
        count(&dom, "<script"),
        3,
        "probe + data + report script only"
    );
    let shown = unescape(&dom);
    assert!(
        count(&shown, HOSTILE_SCRIPT) >= 2,
        "hostile script text not shown"
    );
    assert!(
        count(&shown, HOSTILE_IMG) >= 2,
        "hostile img text not shown"
    );
    assert!(
        shown.contains(r#"<code class="doc-id"><img src=x onerror="window.__pwned=2"></code>"#)
            || dom.contains(
                r#"<code class="doc-id">&lt;img src=x onerror="window.__pwned=2"&gt;</code>"#
            )
    );

    // Key elements.
    for id in [
        r#"id="overview""#,
        r#"id="hist-jaccard""#,
        r#"id="hist-quality""#,
        r#"id="substitutions""#,
        r#"id="filter-search""#,
        r#"id="filter-relation""#,
        r#"id="filter-category""#,
        r#"id="filter-min-quality""#,
        r#"id="filter-max-quality""#,
        r#"id="cluster-list""#,
        r#"id="flagged-list""#,
    ] {
        assert!(dom.contains(id), "{id} missing");
    }
    assert_eq!(
        count(&dom, r#"<rect class="bar""#),
        40,
        "two 20-bin histograms"
    );
    assert!(dom.contains(r#"<option value="rewrite">rewrite</option>"#));
    assert!(dom.contains(r#"<option value="spin">spin</option>"#));
    assert!(shown.contains("The full data is in <code>out/</code>"));
    assert_eq!(count(&dom, r#"class="card cluster""#), 3, "cluster cards");
    assert_eq!(
        count(&dom, r#"<div class="compare">"#),
        5,
        "member comparisons"
    );
    assert_eq!(count(&dom, r#"class="card flagged""#), 5, "flagged cards");

    // Replaced words are highlighted on both sides, at the right characters
    // even after é, ü, ō, 東京 and an emoji (UTF-16 surrogate pair).
    let fixture = Fixture::new();
    let clusters = section(&dom, r#"id="cluster-list""#, r#"id="more-clusters""#);
    let replaced = marks(clusters, "ed ed-replace");
    assert_eq!(
        replaced.len(),
        2 * (10 + 6 + 2),
        "replace marks: {replaced:?}"
    );
    for (from, to) in &fixture.cafe_replacements {
        assert!(
            replaced.contains(from),
            "{from:?} not highlighted: {replaced:?}"
        );
        assert!(
            replaced.contains(to),
            "{to:?} not highlighted: {replaced:?}"
        );
    }
    assert!(replaced.contains(&"people asked for".to_string()));
    assert!(replaced.contains(&"individuals requested".to_string()));
    let inserted = marks(clusters, "ed ed-insert");
    assert!(
        inserted.contains(&"PORT ALMSBY, May 6 (Harbour Wire) - ".to_string()),
        "{inserted:?}"
    );
    let deleted = marks(clusters, "ed ed-delete");
    assert_eq!(deleted.len(), 1);
    assert!(
        deleted[0].starts_with("\n\nCouncillors said") && deleted[0].ends_with("tender closes.")
    );

    // Flags are highlighted at their spans with their message to hover.
    let flagged = section(&dom, r#"id="flagged-list""#, r#"id="more-flagged""#);
    let spin = marks(flagged, "fl cat-spin");
    for expected in [
        "tinier",
        "more robust sales in Tōkyō (東京)",
        "individuals requested",
        "balloted",
    ] {
        assert!(
            spin.contains(&expected.to_string()),
            "{expected:?} not flagged: {spin:?}"
        );
    }
    assert!(shown.contains(
        r#"data-tip="spin · register: "tinier" is out of the news register for a harvest.""#
    ));
    let boilerplate = marks(flagged, "fl cat-boilerplate");
    assert!(
        boilerplate.contains(&HOSTILE_SCRIPT.to_string()),
        "{boilerplate:?}"
    );
    assert!(
        boilerplate.contains(&HOSTILE_IMG.to_string()),
        "{boilerplate:?}"
    );
    assert_eq!(
        marks(flagged, "fl cat-grammar"),
        vec!["She concerned the plan", "The the"]
    );
    // The whole-document heuristic is listed, not painted over the text.
    assert!(marks(flagged, "fl cat-heuristic").is_empty());
    assert!(dom.contains("(whole document)"));

    // A screenshot of the report itself (no probe), for people to look at.
    let screenshot = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("report-screenshot.png");
    let _ = std::fs::remove_file(&screenshot);
    let output = run_chromium(
        &chromium,
        &dir,
        &[
            "--virtual-time-budget=5000",
            "--window-size=1280,1600",
            &format!("--screenshot={}", screenshot.display()),
        ],
        &url_of(&report),
    );
    assert!(
        output.status.success(),
        "screenshot failed: {}",
        output.status
    );
    let console = console_lines(&output.stderr);
    assert!(
        console.is_empty(),
        "console output:\n{}",
        console.join("\n")
    );
    let png = std::fs::read(&screenshot).expect("no screenshot written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1280×1600 page compresses to a few kilobytes; a rendered report does not.
    assert!(
        png.len() > 50_000,
        "screenshot suspiciously small: {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", screenshot.display());
}

#[test]
fn report_filters_come_from_the_link() {
    let Some(chromium) = chromium_or_skip("report_filters_come_from_the_link") else {
        return;
    };
    let dir = work_dir("browser-filters");
    let (report, _) = write_fixture_report(&dir);
    let url = url_of(&report);

    // Search is case-insensitive and matches non-ASCII text.
    let dom = dump_dom(&chromium, &dir, &format!("{url}#search=Z%C3%BCrich"));
    assert!(dom.contains(r#"data-ready="1""#));
    assert_eq!(count(&dom, r#"class="card cluster""#), 1);
    assert!(dom.contains(r#"id="cluster-1""#));
    assert_eq!(count(&dom, r#"class="card flagged""#), 1);
    assert!(dom.contains("1 of 3 clusters and 1 of 5 flagged documents match"));

    // Category and quality filters.
    let dom = dump_dom(&chromium, &dir, &format!("{url}#category=grammar&max=0.5"));
    assert_eq!(count(&dom, r#"class="card flagged""#), 1);
    assert!(dom.contains(r#"<code class="card-title doc-id">orphan-paragraph-5</code>"#));
    assert_eq!(count(&dom, r#"class="card cluster""#), 0);
    assert!(dom.contains("No clusters match the filters."));

    let dom = dump_dom(&chromium, &dir, &format!("{url}#relation=excerpt"));
    assert_eq!(count(&dom, r#"class="card cluster""#), 1);
    assert_eq!(count(&dom, r#"<div class="compare">"#), 1);
    assert!(dom.contains("2 members hidden by the filters."));
}

#[test]
fn a_report_of_one_clean_article_loads() {
    // What `copydesk scan article.txt` gives: no pairs, no clusters, no flags.
    let Some(chromium) = chromium_or_skip("a_report_of_one_clean_article_loads") else {
        return;
    };
    let dir = work_dir("browser-single");
    let input = copydesk::report::html::ReportInput {
        documents: vec![copydesk::report::html::ReportDocument {
            id: "article.txt",
            text: "A short, clean article about the tide tables.",
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut page = Vec::new();
    write_report(&mut page, &input).unwrap();
    let path = dir.join("report.html");
    std::fs::write(&path, page).unwrap();
    let dom = dump_dom(&chromium, &dir, &url_of(&path));
    assert!(dom.contains(r#"data-ready="1""#));
    assert!(dom.contains("No clusters in this run."));
    assert!(dom.contains("No flagged documents in this run."));
    assert!(dom.contains("No pairs to show."));
    assert!(dom.contains("No substitutions were mined"));
}
