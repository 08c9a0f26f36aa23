//! The static parts of the page: overview counts, histograms, breakdowns,
//! substitutions, run details and the section frames the script fills.

use super::model::PageData;
use super::strings::escape_html;
use super::{ReportInput, ReportSubstitution};
use crate::Relation;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
pub(super) fn subtitle(input: &ReportInput) -> String {
    let documents = input.documents.len();
    let inputs = match input.summary.inputs.len() {
        0 => String::new(),
        1 => format!(" from {}", input.summary.inputs[0]),
        n => format!(" from {n} inputs"),
    };
    format!(
        "{} document{}{inputs}",
        group_digits(documents as u64),
        plural(documents as u64)
    )
}

pub(super) fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `1234567` → `1,234,567`.
pub(super) fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

pub(super) fn write_overview(
    out: &mut impl Write,
    input: &ReportInput,
    data: &PageData,
) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"overview\" class=\"section\" aria-labelledby=\"overview-title\">\n<h2 id=\"overview-title\">Overview</h2>"
    )?;

    // Counts: what the run reported, then what the report can add itself.
    writeln!(out, "<div class=\"stats\">")?;
    let mut stats: Vec<(String, u64)> = input.summary.counts.clone();
    let has = |stats: &[(String, u64)], name: &str| stats.iter().any(|(n, _)| n == name);
    if !has(&stats, "documents") && !has(&stats, "accepted") {
        stats.insert(0, ("documents".into(), input.documents.len() as u64));
    }
    if !has(&stats, "clusters") {
        stats.push(("clusters".into(), input.clusters.len() as u64));
    }
    if !has(&stats, "pairs") {
        stats.push(("pairs".into(), input.pairs.len() as u64));
    }
    if !has(&stats, "flagged") {
        stats.push(("flagged".into(), data.totals.flagged as u64));
    }
    for (name, value) in &stats {
        writeln!(
            out,
            "<div class=\"stat\"><div class=\"stat-value\">{}</div><div class=\"stat-label\">{}</div></div>",
            group_digits(*value),
            escape_html(&name.replace('_', " "))
        )?;
    }
    writeln!(out, "</div>")?;

    writeln!(out, "<div class=\"charts\">")?;
    let jaccards: Vec<f64> = input.pairs.iter().map(|p| p.jaccard).collect();
    write_histogram(
        out,
        "Similarity of kept pairs",
        "Shingle Jaccard",
        "pairs",
        &jaccards,
        "hist-jaccard",
    )?;
    let qualities: Vec<f64> = input
        .documents
        .iter()
        .filter_map(|d| d.scores.map(|s| s.quality))
        .collect();
    write_histogram(
        out,
        "Quality of documents",
        "Quality score (1 = clean)",
        "documents",
        &qualities,
        "hist-quality",
    )?;
    writeln!(out, "</div>")?;

    writeln!(out, "<div class=\"panels\">")?;
    write_breakdowns(out, input)?;
    write_substitutions(out, input)?;
    writeln!(out, "</div>")?;

    write_run_details(out, input)?;

    let files = &input.files;
    let dir = escape_html(&files.directory);
    writeln!(
        out,
        "<p class=\"data-note\">This page shows a selection. The full data is in <code>{dir}</code>: \
         <code>{}</code> (every document with its flags and scores), <code>{}</code> (every pair with its edits), \
         <code>{}</code>, <code>{}</code> and <code>{}</code>.</p>\n</section>",
        escape_html(&files.documents),
        escape_html(&files.pairs),
        escape_html(&files.clusters),
        escape_html(&files.substitutions),
        escape_html(&files.summary)
    )
}

/// Number of histogram bins over [0, 1].
pub(super) const BINS: usize = 20;

/// An inline SVG bar chart of `values` over [0, 1]; values outside are
/// clamped, non-finite values skipped.
pub(super) fn write_histogram(
    out: &mut impl Write,
    title: &str,
    axis: &str,
    unit: &str,
    values: &[f64],
    id: &str,
) -> io::Result<()> {
    let mut counts = [0u64; BINS];
    for &value in values.iter().filter(|v| v.is_finite()) {
        let bin = ((value.clamp(0.0, 1.0) * BINS as f64) as usize).min(BINS - 1);
        counts[bin] += 1;
    }
    let total: u64 = counts.iter().sum();
    let (tick_step, num_ticks) = axis_ticks(counts.iter().copied().max().unwrap_or(0));
    let peak = tick_step.saturating_mul(num_ticks);
    writeln!(
        out,
        "<figure class=\"chart\" id=\"{id}\">\n<figcaption><span class=\"chart-title\">{}</span> <span class=\"chart-sub\">{} {}</span></figcaption>",
        escape_html(title),
        group_digits(total),
        escape_html(unit)
    )?;
    if total == 0 {
        return writeln!(
            out,
            "<p class=\"empty\">No {} to show.</p>\n</figure>",
            escape_html(unit)
        );
    }
    let (width, height) = (520.0, 190.0);
    let (left, right, top, bottom) = (44.0, 10.0, 12.0, 34.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let bar_w = plot_w / BINS as f64;
    writeln!(
        out,
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}: histogram of {} {}\">",
        escape_html(title),
        total,
        escape_html(unit)
    )?;
    for tick in 0..=num_ticks {
        let y = top + plot_h - plot_h * tick as f64 / num_ticks as f64;
        let value = tick.saturating_mul(tick_step);
        writeln!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            width - right,
            left - 6.0,
            y + 4.0,
            compact_number(value)
        )?;
    }
    for (bin, &count) in counts.iter().enumerate() {
        let h = plot_h * count as f64 / peak as f64;
        let x = left + bin as f64 * bar_w;
        let low = bin as f64 / BINS as f64;
        let high = (bin + 1) as f64 / BINS as f64;
        writeln!(
            out,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{low:.2}–{high:.2}: {} {}</title></rect>",
            x + 1.0,
            top + plot_h - h,
            bar_w - 2.0,
            group_digits(count),
            escape_html(unit)
        )?;
    }
    for tick in 0..=4 {
        let x = left + plot_w * tick as f64 / 4.0;
        writeln!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            top + plot_h + 16.0,
            ["0", "0.25", "0.5", "0.75", "1"][tick]
        )?;
    }
    writeln!(
        out,
        "<text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>\n</figure>",
        left + plot_w / 2.0,
        height - 2.0,
        escape_html(axis)
    )
}

/// A round tick step (1, 2 or 5 times a power of ten) and the number of
/// ticks above zero, at most 5, whose top reaches `peak`.
pub(super) fn axis_ticks(peak: u64) -> (u64, u64) {
    let peak = peak.max(1);
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            if step.saturating_mul(5) >= peak {
                return (step, peak.div_ceil(step));
            }
        }
        power = power.saturating_mul(10);
    }
}

/// `12345` → `12k`, for axis ticks.
pub(super) fn compact_number(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// Documents per relation and flags per category, over every document.
pub(super) fn write_breakdowns(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let mut relations: BTreeMap<&str, u64> = BTreeMap::new();
    let mut categories: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for document in &input.documents {
        *relations
            .entry(document.relation.map_or("", Relation::as_str))
            .or_default() += 1;
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for flag in &document.flags {
            let entry = categories.entry(flag.category).or_default();
            entry.0 += 1;
            if seen.insert(flag.category) {
                entry.1 += 1;
            }
        }
    }
    let total = input.documents.len().max(1) as f64;
    writeln!(
        out,
        "<div class=\"panel\">\n<h3>Documents by relation to their representative</h3>\n<table class=\"table\">\n<thead><tr><th scope=\"col\">Relation</th><th scope=\"col\" class=\"num\">Documents</th><th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>"
    )?;
    for (relation, count) in &relations {
        let label = if relation.is_empty() {
            "unique or representative".to_string()
        } else {
            relation.replace('_', " ")
        };
        let class = if relation.is_empty() {
            "none"
        } else {
            relation
        };
        writeln!(
            out,
            "<tr><td><span class=\"chip rel-{}\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{:.1}%</td></tr>",
            escape_html(class),
            escape_html(&label),
            group_digits(*count),
            100.0 * *count as f64 / total
        )?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    if categories.is_empty() {
        writeln!(out, "<p class=\"empty\">No quality flags.</p>")?;
    } else {
        writeln!(
            out,
            "<h3>Quality flags by category</h3>\n<table class=\"table\">\n<thead><tr><th scope=\"col\">Category</th><th scope=\"col\" class=\"num\">Flags</th><th scope=\"col\" class=\"num\">Documents</th></tr></thead>\n<tbody>"
        )?;
        for (category, (flags, documents)) in &categories {
            writeln!(
                out,
                "<tr><td><span class=\"chip cat-{0}\">{0}</span></td><td class=\"num\">{1}</td><td class=\"num\">{2}</td></tr>",
                escape_html(category),
                group_digits(*flags),
                group_digits(*documents)
            )?;
        }
        writeln!(out, "</tbody>\n</table>")?;
    }
    writeln!(out, "</div>")
}

pub(super) fn write_substitutions(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let mut substitutions: Vec<&ReportSubstitution> = input.substitutions.iter().collect();
    substitutions.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then(x.from.cmp(y.from))
            .then(x.to.cmp(y.to))
    });
    let shown = substitutions.len().min(input.limits.max_substitutions);
    writeln!(
        out,
        "<div class=\"panel\" id=\"substitutions\">\n<h3>Most frequent mined substitutions</h3>"
    )?;
    if shown == 0 {
        return writeln!(
            out,
            "<p class=\"empty\">No substitutions were mined from rewrite pairs.</p>\n</div>"
        );
    }
    writeln!(
        out,
        "<table class=\"table subs\">\n<thead><tr><th scope=\"col\">Source word</th><th scope=\"col\" aria-label=\"becomes\"></th><th scope=\"col\">Spun word</th><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Count</th></tr></thead>\n<tbody>"
    )?;
    for substitution in &substitutions[..shown] {
        let examples = substitution
            .examples
            .iter()
            .take(5)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let title = if examples.is_empty() {
            String::new()
        } else {
            format!(" title=\"examples: {}\"", escape_html(&examples))
        };
        writeln!(
            out,
            "<tr{title}><td><span class=\"word-from\">{}</span></td><td class=\"arrow\" aria-hidden=\"true\">→</td><td><span class=\"word-to\">{}</span></td><td class=\"kind\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(substitution.from),
            escape_html(substitution.to),
            escape_html(&substitution.kind.replace('_', " ")),
            group_digits(substitution.count)
        )?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    if substitutions.len() > shown {
        writeln!(
            out,
            "<p class=\"note\">Top {shown} of {}; all are in <code>{}</code>.</p>",
            group_digits(substitutions.len() as u64),
            escape_html(&input.files.substitutions)
        )?;
    }
    writeln!(out, "</div>")
}

pub(super) fn write_run_details(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let summary = &input.summary;
    if summary.parameters.is_empty() && summary.timings.is_empty() && summary.inputs.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<details class=\"run-details\">\n<summary>Run details: inputs, parameters and timings</summary>\n<div class=\"run-grid\">"
    )?;
    if !summary.inputs.is_empty() {
        writeln!(out, "<div><h3>Inputs</h3><ul class=\"plain\">")?;
        for name in &summary.inputs {
            writeln!(out, "<li><code>{}</code></li>", escape_html(name))?;
        }
        writeln!(out, "</ul></div>")?;
    }
    if !summary.parameters.is_empty() {
        writeln!(
            out,
            "<div><h3>Parameters</h3><table class=\"table\"><tbody>"
        )?;
        for (name, value) in &summary.parameters {
            writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr>",
                escape_html(name),
                escape_html(value)
            )?;
        }
        writeln!(out, "</tbody></table></div>")?;
    }
    if !summary.timings.is_empty() {
        writeln!(
            out,
            "<div><h3>Time per stage</h3><table class=\"table\"><tbody>"
        )?;
        let total: f64 = summary.timings.iter().map(|(_, s)| s.max(0.0)).sum();
        for (stage, seconds) in &summary.timings {
            writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{seconds:.3} s</td></tr>",
                escape_html(stage)
            )?;
        }
        writeln!(
            out,
            "<tr class=\"total\"><th scope=\"row\">total</th><td class=\"num\">{total:.3} s</td></tr>\n</tbody></table></div>"
        )?;
    }
    writeln!(out, "</div>\n</details>")
}

pub(super) fn write_toolbar(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"toolbar\" id=\"filters\" role=\"search\">\n\
         <label class=\"field grow\"><span>Search id or text</span><input type=\"search\" id=\"filter-search\" placeholder=\"e.g. ferry or doc-17\" autocomplete=\"off\"></label>\n\
         <label class=\"field\"><span>Relation</span><select id=\"filter-relation\"><option value=\"\">any</option></select></label>\n\
         <label class=\"field\"><span>Flag category</span><select id=\"filter-category\"><option value=\"\">any</option></select></label>\n\
         <label class=\"field narrow\"><span>Min quality</span><input type=\"number\" id=\"filter-min-quality\" min=\"0\" max=\"1\" step=\"0.05\" placeholder=\"0\"></label>\n\
         <label class=\"field narrow\"><span>Max quality</span><input type=\"number\" id=\"filter-max-quality\" min=\"0\" max=\"1\" step=\"0.05\" placeholder=\"1\"></label>\n\
         <button type=\"button\" id=\"filter-reset\" class=\"button secondary\">Reset</button>\n\
         <p class=\"filter-status\" id=\"filter-status\" aria-live=\"polite\"></p>\n</div>"
    )
}

pub(super) fn write_clusters_section(
    out: &mut impl Write,
    input: &ReportInput,
    data: &PageData,
) -> io::Result<()> {
    let totals = &data.totals;
    writeln!(
        out,
        "<section id=\"clusters\" class=\"section\" aria-labelledby=\"clusters-title\">\n<h2 id=\"clusters-title\">Clusters</h2>"
    )?;
    let scope = if totals.clusters_shown < totals.clusters {
        format!(
            "The {} largest of {} clusters are shown, each with up to {} members; all are in <code>{}</code>.",
            group_digits(totals.clusters_shown as u64),
            group_digits(totals.clusters as u64),
            input.limits.max_members_per_cluster,
            escape_html(&input.files.clusters)
        )
    } else {
        format!(
            "{} cluster{}, each shown with up to {} members.",
            group_digits(totals.clusters as u64),
            plural(totals.clusters as u64),
            input.limits.max_members_per_cluster
        )
    };
    writeln!(
        out,
        "<p class=\"note\">{scope} Each member is shown beside its cluster's representative; open a cluster to compare.</p>"
    )?;
    writeln!(
        out,
        "<div class=\"legend\" aria-label=\"Legend\"><span class=\"legend-title\">Legend</span>\
         <span><mark class=\"ed ed-replace\">replaced</mark> words swapped for others</span>\
         <span><mark class=\"ed ed-delete\">only in representative</mark> dropped in the copy</span>\
         <span><mark class=\"ed ed-insert\">only in copy</mark> added by the copy</span></div>"
    )?;
    writeln!(
        out,
        "<div id=\"cluster-list\" class=\"list\"></div>\n<button type=\"button\" class=\"button more\" id=\"more-clusters\" hidden>Show more clusters</button>\n</section>"
    )
}

pub(super) fn write_flagged_section(
    out: &mut impl Write,
    input: &ReportInput,
    data: &PageData,
) -> io::Result<()> {
    let totals = &data.totals;
    writeln!(
        out,
        "<section id=\"flagged\" class=\"section\" aria-labelledby=\"flagged-title\">\n<h2 id=\"flagged-title\">Flagged documents</h2>"
    )?;
    let scope = if totals.flagged_shown < totals.flagged {
        format!(
            "The {} lowest-quality of {} flagged documents are shown; every document's flags are in <code>{}</code>.",
            group_digits(totals.flagged_shown as u64),
            group_digits(totals.flagged as u64),
            escape_html(&input.files.documents)
        )
    } else {
        format!(
            "{} flagged document{}, lowest quality first.",
            group_digits(totals.flagged as u64),
            plural(totals.flagged as u64)
        )
    };
    writeln!(
        out,
        "<p class=\"note\">{scope} Hover over or focus a highlighted span to read why it is flagged.</p>"
    )?;
    write!(
        out,
        "<div class=\"legend\" aria-label=\"Flag categories\"><span class=\"legend-title\">Categories</span>"
    )?;
    for (category, meaning) in [
        ("spin", "synonym-swapped or tortured wording"),
        ("grammar", "dropped or swapped words"),
        ("incoherence", "dangling, stitched or cut text"),
        ("metadata", "datestamps, bylines, labels"),
        ("boilerplate", "page furniture, links"),
        ("repetition", "repeated text"),
        ("heuristic", "training-data rules"),
    ] {
        write!(
            out,
            "<span><mark class=\"fl cat-{category}\">{category}</mark> {meaning}</span>"
        )?;
    }
    writeln!(out, "</div>")?;
    writeln!(
        out,
        "<div id=\"flagged-list\" class=\"list\"></div>\n<button type=\"button\" class=\"button more\" id=\"more-flagged\" hidden>Show more documents</button>\n</section>"
    )
}
