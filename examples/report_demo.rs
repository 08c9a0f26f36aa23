//! Write a demo `report.html` from the hand-made fixture of the browser test:
//! `cargo run --example report_demo -- [OUT.html]` (default
//! `target/report-demo.html`). The README screenshot is taken from it.

#[path = "../tests/report_fixture/mod.rs"]
mod report_fixture;

use copydesk::report::html::write_report;
use std::fs::File;
use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/report-demo.html".into());
    let fixture = report_fixture::Fixture::new();
    let mut out = BufWriter::new(File::create(&path)?);
    write_report(&mut out, &fixture.input())?;
    out.flush()?;
    eprintln!("wrote {path}");
    Ok(())
}
