use super::csp::{base64, sha256};
use super::markup::{axis_ticks, group_digits};
use super::strings::cut_point;
use super::*;

#[test]
fn escape_html_escapes_markup_and_quotes() {
    assert_eq!(
        escape_html(r#"<img src=x onerror="a('b')">&"#),
        "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
    );
    assert_eq!(escape_html("Zürich — 東京"), "Zürich — 東京");
}

#[test]
fn script_safe_json_cannot_close_the_script_element() {
    let value = serde_json::json!({
        "text": "</script><script>alert(1)</script><!-- & \u{2028}\u{2029}"
    });
    let safe = script_safe_json(&value.to_string());
    for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
        assert!(!safe.contains(forbidden), "{forbidden:?} left in {safe}");
    }
    let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
    assert_eq!(back, value);
}

#[test]
fn utf16_offsets_count_code_units_not_bytes() {
    // é: 2 bytes, 1 unit; 東: 3 bytes, 1 unit; 😀: 4 bytes, 2 units.
    let text = "aé東😀b";
    let bytes = [0, 1, 3, 6, 10, 11];
    assert_eq!(utf16_offsets(text, &bytes), vec![0, 1, 2, 3, 5, 6]);
    // Unsorted input keeps its order.
    assert_eq!(utf16_offsets(text, &[10, 0, 3]), vec![5, 0, 2]);
}

#[test]
fn utf16_offsets_inside_a_character_or_past_the_end_do_not_panic() {
    let text = "é東";
    // 1 is inside é, 4 inside 東: both map to their character's start.
    assert_eq!(utf16_offsets(text, &[1, 4, 99]), vec![0, 1, 2]);
    assert_eq!(utf16_offsets("", &[0, 5]), vec![0, 0]);
}

#[test]
fn utf16_offsets_agree_with_slicing_the_utf16_string() {
    let text = "Le ministre a déclaré «non» à Zürich 😀 hier.";
    let word = "Zürich";
    let start = text.find(word).unwrap();
    let units = utf16_offsets(text, &[start, start + word.len()]);
    let utf16: Vec<u16> = text.encode_utf16().collect();
    assert_eq!(
        String::from_utf16(&utf16[units[0]..units[1]]).unwrap(),
        word
    );
}

#[test]
fn cut_point_stays_on_a_character_and_prefers_a_space() {
    let text = "ééé ééé";
    assert_eq!(cut_point(text, 100), text.len());
    let cut = cut_point(text, 9);
    assert!(text.is_char_boundary(cut));
    assert_eq!(&text[..cut], "ééé");
    assert_eq!(cut_point("ééé", 3), 2);
    assert_eq!(cut_point("ééé", 0), 0);
    // More than the word slack back from the cut, in text with no space
    // near it: the window searched for a space starts inside a character
    // unless it is moved to one.
    for text in [
        "港口董事会宣布了新计划。".repeat(40),
        "дом£😀x\u{301}".repeat(40),
    ] {
        for max_bytes in 0..=text.len() {
            let cut = cut_point(&text, max_bytes);
            assert!(
                cut <= max_bytes && text.is_char_boundary(cut),
                "{max_bytes}"
            );
        }
    }
}

#[test]
fn cut_point_looks_back_for_a_space_from_a_character_boundary() {
    // Found by the report fuzzer: 80 bytes before a cut on a boundary of
    // three-byte characters is inside one, and slicing there panicked.
    let text = "€".repeat(100);
    let cut = cut_point(&text, 150);
    assert_eq!(cut, 150);
    let text = format!("{} {}", "€".repeat(30), "€".repeat(30));
    let cut = cut_point(&text, 150);
    assert_eq!(&text[..cut], "€".repeat(30));
}

#[test]
fn axis_ticks_are_round_and_reach_the_peak() {
    assert_eq!(axis_ticks(0), (1, 1));
    assert_eq!(axis_ticks(1), (1, 1));
    assert_eq!(axis_ticks(4), (1, 4));
    assert_eq!(axis_ticks(7), (2, 4));
    assert_eq!(axis_ticks(10), (2, 5));
    assert_eq!(axis_ticks(12345), (5000, 3));
    assert!(axis_ticks(u64::MAX).1 <= 5);
}

#[test]
fn sha256_and_base64_match_known_digests() {
    // FIPS 180-4 examples, and a two-block message.
    assert_eq!(
        base64(&sha256(b"")),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    assert_eq!(
        base64(&sha256(b"abc")),
        "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
    );
    assert_eq!(
        base64(&sha256(
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE="
    );
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
}

#[test]
fn group_digits_groups_thousands() {
    assert_eq!(group_digits(0), "0");
    assert_eq!(group_digits(999), "999");
    assert_eq!(group_digits(1000), "1,000");
    assert_eq!(group_digits(1234567), "1,234,567");
}

fn sample() -> (String, String) {
    let source = "The minister said «the plan» would fail in Zürich.".to_string();
    let copy = "The secretary stated «the plan» would fail in Zürich.".to_string();
    (source, copy)
}

#[test]
fn pairs_are_turned_to_put_the_representative_left() {
    let (source, copy) = sample();
    let (a_start, b_start) = (
        source.find("minister").unwrap(),
        copy.find("secretary").unwrap(),
    );
    let input = ReportInput {
        documents: vec![
            ReportDocument {
                id: "copy",
                text: &copy,
                cluster: Some(0),
                duplicate_of: Some("src"),
                relation: Some(Relation::Rewrite),
                ..Default::default()
            },
            ReportDocument {
                id: "src",
                text: &source,
                cluster: Some(0),
                ..Default::default()
            },
        ],
        // The pair names the copy first: the page must swap it.
        pairs: vec![ReportPair {
            a: "copy",
            b: "src",
            jaccard: 0.4,
            containment: [0.3, 0.6],
            relation: Relation::Rewrite,
            edits: vec![
                ReportEdit {
                    op: EditOp::Replace,
                    a: [b_start, b_start + "secretary".len()],
                    b: [a_start, a_start + "minister".len()],
                },
                ReportEdit {
                    op: EditOp::Insert,
                    a: [0, 0],
                    b: [0, 4],
                },
            ],
            source: Some("src"),
            similarity: Some(0.8),
        }],
        clusters: vec![ReportCluster {
            cluster: 0,
            representative: "src",
            members: vec!["src", "copy"],
        }],
        ..Default::default()
    };
    let data = PageData::build(&input);
    assert_eq!(data.clusters.len(), 1);
    let cluster = &data.clusters[0];
    assert_eq!(data.docs[cluster.rep].id, "src");
    assert_eq!(cluster.members.len(), 1);
    let pair = &data.pairs[cluster.members[0].pair.unwrap()];
    assert_eq!(data.docs[pair.left].id, "src");
    assert_eq!(pair.containment, [0.6, 0.3]);
    assert_eq!(pair.source, Some("left"));
    // Replace keeps its op with sides swapped; an insert into a becomes a
    // delete from the representative.
    assert_eq!(pair.edits[0], [0, 4, 12, 4, 13]);
    assert_eq!(pair.edits[1], [2, 0, 4, 0, 0]);
}

#[test]
fn members_with_the_most_to_show_come_first() {
    let relations = [
        None,
        Some(Relation::Exact),
        Some(Relation::NearExact),
        Some(Relation::Rewrite),
        Some(Relation::Excerpt),
        Some(Relation::Exact),
    ];
    let ids = ["rep", "e1", "n", "r", "x", "e2"];
    let input = ReportInput {
        documents: ids
            .iter()
            .zip(relations)
            .map(|(&id, relation)| ReportDocument {
                id,
                relation,
                ..Default::default()
            })
            .collect(),
        clusters: vec![ReportCluster {
            cluster: 0,
            representative: "rep",
            members: ids.to_vec(),
        }],
        ..Default::default()
    };
    let data = PageData::build(&input);
    let shown: Vec<&str> = data.clusters[0]
        .members
        .iter()
        .map(|m| data.docs[m.doc].id)
        .collect();
    assert_eq!(shown, vec!["r", "x", "n", "e1", "e2"]);
}

#[test]
fn flags_get_utf16_spans_and_spans_beyond_the_cut_are_kept_without_one() {
    let text = "Zürich 😀 officials stated that. ".repeat(10);
    let word = "officials stated";
    let start = text.find(word).unwrap();
    let late = text.rfind(word).unwrap();
    let input = ReportInput {
        documents: vec![ReportDocument {
            id: "d",
            text: &text,
            flags: vec![
                ReportFlag {
                    rule: "r",
                    category: "spin",
                    start,
                    end: start + word.len(),
                    message: "m",
                    score: 0.5,
                },
                ReportFlag {
                    rule: "r",
                    category: "spin",
                    start: late,
                    end: late + word.len(),
                    message: "m",
                    score: 0.5,
                },
                // Reversed and out of range: kept, never panics.
                ReportFlag {
                    rule: "bad",
                    category: "grammar",
                    start: 9999,
                    end: 3,
                    message: "m",
                    score: f64::NAN,
                },
            ],
            scores: Some(ReportScores {
                quality: 0.2,
                spin: 0.9,
                incoherence: 0.1,
            }),
            ..Default::default()
        }],
        limits: ReportLimits {
            max_text_bytes: 60,
            ..Default::default()
        },
        ..Default::default()
    };
    let data = PageData::build(&input);
    let doc = &data.docs[data.flagged[0]];
    assert!(doc.text.len() <= 60);
    assert!(doc.cut_from.is_some());
    let utf16: Vec<u16> = doc.text.encode_utf16().collect();
    let span = doc.flags[0].span.unwrap();
    assert_eq!(String::from_utf16(&utf16[span[0]..span[1]]).unwrap(), word);
    assert_eq!(doc.flags[1].span, None);
    assert_eq!(doc.flags[1].text, word);
    assert_eq!(doc.flags[2].span, None);
    assert_eq!(doc.flags[2].score, 0.0);
}

#[test]
fn report_escapes_document_text_everywhere() {
    let hostile = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">";
    let input = ReportInput {
        title: "<b>title</b>".into(),
        documents: vec![ReportDocument {
            id: "<id>",
            text: hostile,
            flags: vec![ReportFlag {
                rule: "<rule>",
                category: "<cat>",
                start: 0,
                end: 8,
                message: "</script>",
                score: 1.0,
            }],
            ..Default::default()
        }],
        substitutions: vec![ReportSubstitution {
            from: "<from>",
            to: "</script>",
            kind: "formal_name",
            count: 1,
            examples: vec!["<ex>".into()],
        }],
        summary: ReportSummary {
            inputs: vec!["<in>".into()],
            parameters: vec![("<p>".into(), "<v>".into())],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut page = Vec::new();
    write_report(&mut page, &input).unwrap();
    let page = String::from_utf8(page).unwrap();
    // The only script elements are the page's own two.
    assert_eq!(page.matches("<script").count(), 2);
    assert_eq!(page.matches("</script>").count(), 2);
    for raw in [
        "<img", "<b>", "<id>", "<rule>", "<cat>", "<from>", "<ex>", "<in>", "<p>", "<v>",
    ] {
        assert!(!page.contains(raw), "{raw} unescaped");
    }
    // Nothing is loaded from elsewhere.
    assert!(!page.contains("http://") && !page.contains("https://"));
}

#[test]
fn inlined_data_stays_bounded_for_100k_documents() {
    let text = "word ".repeat(2000);
    let ids: Vec<String> = (0..100_000).map(|i| format!("d{i}")).collect();
    let documents = ids
        .iter()
        .map(|id| ReportDocument {
            id,
            text: &text,
            flags: vec![ReportFlag {
                category: "spin",
                start: 5,
                end: 9,
                ..Default::default()
            }],
            scores: Some(ReportScores::default()),
            ..Default::default()
        })
        .collect();
    let clusters = (0..10_000)
        .map(|c| ReportCluster {
            cluster: c as u64,
            representative: &ids[c * 10],
            members: ids[c * 10..c * 10 + 10]
                .iter()
                .map(String::as_str)
                .collect(),
        })
        .collect();
    let input = ReportInput {
        documents,
        clusters,
        ..Default::default()
    };
    let limits = ReportLimits::default();
    let data = PageData::build(&input);
    let most_docs = limits.max_clusters * (limits.max_members_per_cluster + 1) + limits.max_flagged;
    assert!(
        data.docs.len() <= most_docs,
        "{} docs inlined",
        data.docs.len()
    );
    assert!(data
        .docs
        .iter()
        .all(|d| d.text.len() <= limits.max_text_bytes));
    assert_eq!(data.totals.flagged, 100_000);
    let mut page = Vec::new();
    write_report(&mut page, &input).unwrap();
    let budget = most_docs * (limits.max_text_bytes + 1000);
    assert!(page.len() < budget, "{} bytes", page.len());
}

#[test]
fn report_is_deterministic_and_caps_what_it_inlines() {
    let texts: Vec<String> = (0..50).map(|i| format!("story {i} text")).collect();
    let ids: Vec<String> = (0..50).map(|i| format!("doc-{i}")).collect();
    let documents = (0..50)
        .map(|i| ReportDocument {
            id: &ids[i],
            text: &texts[i],
            flags: vec![ReportFlag {
                category: "grammar",
                end: 5,
                ..Default::default()
            }],
            scores: Some(ReportScores {
                quality: (i % 7) as f64 / 7.0,
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let clusters = (0..10)
        .map(|c| ReportCluster {
            cluster: c as u64,
            representative: &ids[c * 5],
            members: (c * 5..c * 5 + 1 + c % 5)
                .map(|i| ids[i].as_str())
                .collect(),
        })
        .collect();
    let input = ReportInput {
        documents,
        clusters,
        limits: ReportLimits {
            max_clusters: 3,
            max_members_per_cluster: 2,
            max_flagged: 4,
            ..Default::default()
        },
        ..Default::default()
    };
    let data = PageData::build(&input);
    assert_eq!(data.clusters.len(), 3);
    // Largest first (size 5 for clusters 4 and 9), ties by number.
    assert_eq!(
        data.clusters.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![4, 9, 3]
    );
    assert_eq!(data.clusters[0].members.len(), 2);
    assert_eq!(data.clusters[0].more, 2);
    assert_eq!(data.flagged.len(), 4);
    assert_eq!(data.totals.flagged, 50);
    let qualities: Vec<f64> = data
        .flagged
        .iter()
        .map(|&slot| data.docs[slot].scores.unwrap()[0])
        .collect();
    assert!(qualities.iter().all(|&q| q == 0.0));

    let mut first = Vec::new();
    let mut second = Vec::new();
    write_report(&mut first, &input).unwrap();
    write_report(&mut second, &input).unwrap();
    assert_eq!(first, second);
}
