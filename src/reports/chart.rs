//! Server-rendered SVG charts: the cohort funnel (horizontal bars) and the programme's
//! employment and sustainment rates by cohort (lines). Only presentation attributes, no
//! inline styles or scripts, so the strict content security policy holds. Every chart
//! is `role="img"` with a title and description; the page puts a table beside it as the
//! text equivalent.

use std::fmt::Write;

use super::report::{CohortReport, ReportLine};

/// Escapes text for SVG.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of (label, count), scaled to the largest count.
pub fn funnel(title: &str, steps: &[(String, i64)]) -> String {
    let (label_w, bar_w, row_h) = (230.0, 380.0, 30.0);
    let height = row_h * steps.len() as f64 + 10.0;
    let max = steps.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" role="img" aria-labelledby="funnel-title funnel-desc"><title id="funnel-title">{t}</title><desc id="funnel-desc">Bar chart; the same figures are in the table below.</desc>"#,
        w = label_w + bar_w + 60.0,
        t = esc(title)
    );
    for (i, (label, n)) in steps.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (*n as f64 / max * bar_w).max(if *n > 0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r##"<text x="{tx}" y="{ty}" text-anchor="end" font-size="15" fill="#0b0c0c">{l}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{h}" fill="#1d70b8"/><text x="{vx:.1}" y="{ty}" font-size="15" font-weight="bold" fill="#0b0c0c">{n}</text>"##,
            tx = label_w - 8.0,
            ty = y + 18.0,
            l = esc(label),
            h = row_h - 8.0,
            vx = label_w + w + 6.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The plot area of [`rates`]: where a label index and a percentage land.
struct Plot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    step: f64,
}

impl Plot {
    fn x(&self, i: usize) -> f64 {
        self.left + self.step * i as f64
    }
    fn y(&self, v: f64) -> f64 {
        self.top + self.height - v.clamp(0.0, 100.0) / 100.0 * self.height
    }
}

/// Lines of percentages (0–100) over a sequence of labels, one colour per series.
pub fn rates(title: &str, labels: &[String], series: &[(&str, Vec<Option<f64>>)]) -> String {
    let (left, top, width, height) = (50.0, 20.0, 600.0, 220.0);
    let step = if labels.len() > 1 {
        width / (labels.len() - 1) as f64
    } else {
        0.0
    };
    let plot = Plot {
        left,
        top,
        width,
        height,
        step,
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="rates-title rates-desc"><title id="rates-title">{t}</title><desc id="rates-desc">Line chart; the same figures are in the table below.</desc>"#,
        w = left + width + 110.0,
        h = top + height + 130.0,
        t = esc(title)
    );
    axes(&mut svg, &plot, labels);
    for (s, (name, values)) in series.iter().enumerate() {
        line(&mut svg, &plot, s, name, values);
    }
    svg.push_str("</svg>");
    svg
}

/// The percentage grid lines and the labels along the bottom.
fn axes(svg: &mut String, plot: &Plot, labels: &[String]) {
    let (left, top) = (plot.left, plot.top);
    for pct in [0, 25, 50, 75, 100] {
        let py = plot.y(f64::from(pct));
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{x2}" y1="{py}" y2="{py}" stroke="#b1b4b6" stroke-width="1"/><text x="{tx}" y="{ty}" text-anchor="end" font-size="12" fill="#0b0c0c">{pct}%</text>"##,
            x2 = left + plot.width,
            tx = left - 6.0,
            ty = py + 4.0
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{lx:.1}" y="{ly}" font-size="11" fill="#0b0c0c" transform="rotate(45 {lx:.1} {ly})">{l}</text>"##,
            lx = plot.x(i),
            ly = top + plot.height + 16.0,
            l = esc(label)
        );
    }
}

/// Series number `s`: its line, a dot per value, and its key at the top.
fn line(svg: &mut String, plot: &Plot, s: usize, name: &str, values: &[Option<f64>]) {
    let colours = ["#1d70b8", "#00703c", "#d4351c"];
    let colour = colours[s % colours.len()];
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", plot.x(i), plot.y(v))))
        .collect();
    let _ = write!(
        svg,
        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="3"/>"#,
        points.join(" ")
    );
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{colour}"/>"#,
                plot.x(i),
                plot.y(*v)
            );
        }
    }
    let _ = write!(
        svg,
        r#"<rect x="{lx}" y="4" width="14" height="4" fill="{colour}"/><text x="{tx}" y="12" font-size="13" fill="{colour}">{n}</text>"#,
        lx = plot.left + 220.0 * s as f64,
        tx = plot.left + 220.0 * s as f64 + 20.0,
        n = esc(name)
    );
}

/// The funnel steps of a cohort report, in order: what the funnel chart and its table show.
pub fn funnel_steps(r: &CohortReport) -> Vec<(String, i64)> {
    let f = &r.line.figures;
    vec![
        (
            "Information sessions".to_owned(),
            r.information_session_attendees,
        ),
        ("Referred".to_owned(), f.referred),
        ("Started".to_owned(), f.started),
        ("Completed".to_owned(), f.completed),
        ("Interviewed".to_owned(), f.interviewed),
        ("Offered a job".to_owned(), f.offered),
        ("Employed".to_owned(), f.employed),
        ("Sustained 13 weeks".to_owned(), f.sustained[0]),
        ("Sustained 26 weeks".to_owned(), f.sustained[1]),
        ("Sustained 52 weeks".to_owned(), f.sustained[2]),
        ("Progressed".to_owned(), f.progressed),
    ]
}

/// The cohort report's funnel chart of `steps` (from [`funnel_steps`]).
pub fn cohort_funnel(r: &CohortReport, steps: &[(String, i64)]) -> String {
    funnel(
        &format!("Funnel of {} as at {}", r.line.cohort, r.line.as_at),
        steps,
    )
}

/// The programme report's chart: employment rate and 26-week sustainment, cohort by
/// cohort, over the cohorts whose outcome window has closed (an open cohort's rate can
/// still rise, so plotting it would show a drop that is not one).
pub fn programme_rates(lines: &[ReportLine]) -> String {
    let closed: Vec<&ReportLine> = lines.iter().filter(|l| l.closed()).collect();
    let labels: Vec<String> = closed.iter().map(|l| l.cohort.clone()).collect();
    let employment: Vec<Option<f64>> = closed.iter().map(|l| l.figures.employment_rate).collect();
    let sustained: Vec<Option<f64>> = closed.iter().map(|l| l.figures.sustained_rate(1)).collect();
    rates(
        "Employment rate and 26-week sustainment by closed cohort",
        &labels,
        &[
            ("Employment rate", employment),
            ("Sustained at 26 weeks", sustained),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_largest() {
        let svg = funnel("A <b>", &[("x & y".into(), 10), ("z".into(), 5)]);
        assert!(svg.contains("A &lt;b&gt;") && svg.contains("x &amp; y"));
        assert!(svg.contains(r#"width="380.0""#) && svg.contains(r#"width="190.0""#));
    }
}
